"""What the contract is about: which roles its subject matter shows (Appendix A.1).

The title and the lines that state the subject (项目名称, 服务内容, 合同标的 …) say
most; the body's vocabulary adds a little, capped, so that a long contract
that often mentions 软件 in passing does not outweigh a title that says 运维.
A role the contract covers with comparable weight is kept as a second role
(O&M and security services from one company).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from contractkit.understanding.parties.lexicon import PartyLexicon, alternation

TITLE_SCAN = 30  # blocks from the top where the title stands (after a cover or 使用说明)
TITLE_MAX = 40
TITLE_END = re.compile(r"(?:合同|协议|合同书|协议书|条款|契约)(?:[（(][^（）()]*[）)])?\s*$")
TITLE_PARTS = re.compile(r"及|以及|和|与|暨|、|＋|\+|/|／|，|[（()）]")
SUBTITLE = re.compile(r"[（(][^（）()]{2,30}[）)]")
SUBJECT_LINE = re.compile(
    r"项目名称|服务名称|服务内容|服务范围|服务项目|合同标的|标的|委托事项|委托内容|工作内容|工作范围|项目内容|"
    r"采购内容|采购项目|许可软件|开发内容|鉴于"
)
SUBJECT_LINES_MAX = 30
WEIGHT_TITLE = 6.0  # each subject term in the title
WEIGHT_SUBJECT_LINE = 2.0  # each in a line stating the subject
WEIGHT_BODY = 0.25  # each in the rest of the text …
BODY_CAP = 12  # … counted up to this many
SECOND_ROLE_SHARE = 0.4  # a further role needs this share of the best role's score, and to be
# named in the title or a line stating the subject, not only in passing
MIN_SCORE = 0.5
# 双方就乙方为甲方提供安全服务事宜订立本协议: the opening sentence states the subject.
SUBJECT_STATEMENT = re.compile(r"就([^，。；]{2,60}?)(?:事宜|事项)")
OPENING_SCAN = 40


@dataclass(frozen=True)
class SubjectMatter:
    scores: dict[str, float]  # role -> score
    reasons: dict[str, tuple[str, ...]] = field(default_factory=dict)
    stated: frozenset[str] = frozenset()  # roles the title or a subject line names
    title: str = ""

    def partner_roles(self, partner_roles: tuple[str, ...]) -> tuple[str, ...]:
        """The partner roles the subject shows, best first; several when comparable."""
        scored = {r: self.scores.get(r, 0.0) for r in partner_roles if self.scores.get(r, 0.0) >= MIN_SCORE}
        if not scored:
            return ()
        best = max(scored.values())
        chosen = [r for r, s in scored.items() if s == best or (s >= best * SECOND_ROLE_SHARE and r in self.stated)]
        return tuple(sorted(chosen, key=lambda r: -scored[r]))

    def is_cloud_service(self, partner_roles: tuple[str, ...]) -> bool:
        """The work bought is the cloud service itself (政务云服务采购合同), not a partner's work on it."""
        cloud = self.scores.get("provider", 0.0)
        return cloud >= MIN_SCORE and cloud > max((self.scores.get(r, 0.0) for r in partner_roles), default=0.0)


def title_of(texts: list[str]) -> str:
    """The contract's title (…服务合同, …用户协议) and a subtitle beside it; else the first line."""
    lines = [t.strip() for t in texts[:TITLE_SCAN]]
    for index, line in enumerate(lines):
        if len(line) <= TITLE_MAX and TITLE_END.search(line) and not re.search(r"[：:，。]", line):
            subtitle = lines[index + 1] if index + 1 < len(lines) else ""
            return line + (" " + subtitle if SUBTITLE.fullmatch(subtitle) else "")
    return next((line for line in lines if line and len(line) <= TITLE_MAX and not re.search(r"[。，；：:,;]", line)), "")


def _title_heads(title: str, lexicon: PartyLexicon) -> list[tuple[str, str]]:
    """(role, term) of the head of each part of the title: in 网络设备代维服务 the head is 代维,
    the work; 网络设备 is what it is done on. Parts are split at 及/和/、/brackets."""
    tagged = {}
    for role, words in lexicon.roles.items():
        for term in words.subject_terms + words.object_terms:
            tagged.setdefault(term, role)
    pattern = alternation(tagged)
    heads = []
    for part in TITLE_PARTS.split(title):
        found = pattern.findall(part)
        if found:
            heads.append((tagged[found[-1]], found[-1]))
    return heads


def subject_matter(texts: list[str], lexicon: PartyLexicon) -> SubjectMatter:
    title = title_of(texts)
    subject_lines = [t for t in texts if SUBJECT_LINE.search(t[:20])][:SUBJECT_LINES_MAX]
    subject_lines += [m.group(1) for t in texts[:OPENING_SCAN] for m in SUBJECT_STATEMENT.finditer(t)]
    body = "\n".join(texts)
    heads = _title_heads(title, lexicon)
    scores: Counter = Counter()
    reasons: dict[str, list[str]] = {}
    stated = set()
    for role, words in lexicon.roles.items():
        if not words.subject_terms:
            continue
        pattern = alternation(words.subject_terms)
        in_title = [term for head_role, term in heads if head_role == role]
        in_lines = [m.group() for line in subject_lines for m in pattern.finditer(line)]
        in_body = pattern.findall(body)
        score = (WEIGHT_TITLE * len(in_title) + WEIGHT_SUBJECT_LINE * len(in_lines)
                 + WEIGHT_BODY * min(len(in_body), BODY_CAP))
        if not score:
            continue
        scores[role] = score
        if in_title or in_lines:
            stated.add(role)
        said = []
        if in_title:
            said.append(f"标题“{title}”写明{'、'.join(dict.fromkeys(in_title))}")
        if in_lines:
            said.append(f"标的条款写明{'、'.join(dict.fromkeys(in_lines))}")
        if in_body:
            common = Counter(in_body).most_common(3)
            said.append("正文多次提及" + "、".join(f"{t}（{n}次）" for t, n in common))
        reasons[role] = said
    return SubjectMatter(dict(scores), {r: tuple(v) for r, v in reasons.items()}, frozenset(stated), title)
