"""What the checks read (an analysed sentence, the contract's parties) and what they return.

A check says a ``Verdict`` of one sentence; the evaluation gathers the
verdicts of all sentences into one ``Judgement`` of the requirement.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the catalogue imports the checks to validate their names: keep that import light
    from contractkit.checking.understanding.nlp import Sentence
    from contractkit.checking.understanding.statements import Mention, Statement
    from contractkit.results.model import Status

Spans = tuple[tuple[int, int], ...]  # offsets within the sentence text
ConceptGroups = tuple[tuple[str, ...], ...]  # each group is met by any one of its concepts


# What may stand between an agent and its act: 监理单位对施工质量、进度的监督 / 监理单位的检查.
# 甲方委托的监理单位: the party only engages the outsider, who does the supervising.
_ENGAGED_BY = re.compile(r"(?:另行)?(?:委托|聘请|聘用|指定|选定|授权)的\s*$")
_SUPERVISED = re.compile(r"接受|配合|服从|[，。；,;]")
_AGENT_OF = re.compile(r"(?:对[^，。；,;]{0,30})?(?:进行|开展|实施)?的?\s*$")


# 将其删除 / 把上述数据返还: what was named before, taken up again as the act's object.
_BACK_REFERENCE = re.compile(r"(?:将|把|对)(?:其|之|它们|上述|前述|该等)(?![他它余中后次实])")
_PART_END = re.compile(r"[；;。]")  # where a colon's list ends


TABLE_ROW = "该表格行"  # how an explanation names a table row read as a sentence


@dataclass(frozen=True)
class AnalysedSentence:
    sentence: Sentence
    mentions: tuple[Mention, ...]
    # Who is said to have a right, a duty or a prohibition here: given, or worked out on first use
    # (most sentences reach no check, so most never are).
    read_statements: tuple[Statement, ...] | Callable[[], tuple[Statement, ...]]
    hypothetical: bool = False  # a listed breach (…拒绝…的；), not something the contract provides
    deferred: bool = False  # the content is left to a later agreement (另行协商)
    heading: bool = False  # a heading or title: names a topic, says nothing about it
    # What to quote as evidence when the sentence is not the document's own words (a table row
    # said as a sentence: its work cell); None: the sentence itself.
    quote: str | None = None
    # How an explanation names the passage (该表格行 for a table row, 该列表项 for a list item).
    passage: str = "该句"
    # Why what the sentence settles is still open: its specifics are in a special clause left blank
    # (该句将具体内容指向专用条款第20条，而专用条款第20条未填写); "" when nothing is.
    left_open: str = ""

    def __init__(
        self,
        sentence: Sentence,
        mentions: tuple[Mention, ...],
        read_statements: tuple[Statement, ...] | Callable[[], tuple[Statement, ...]],
        hypothetical: bool = False,
        deferred: bool = False,
        heading: bool = False,
        quote: str | None = None,
        passage: str = "该句",
        left_open: str = "",
    ):
        # All the fields in one step, as ``Sentence`` sets its own: the generated __init__ of a frozen
        # dataclass sets each through object.__setattr__, and a contract has some 650 of these.
        self.__dict__.update(sentence=sentence, mentions=mentions, read_statements=read_statements,
                             hypothetical=hypothetical, deferred=deferred, heading=heading, quote=quote,
                             passage=passage, left_open=left_open)

    @cached_property
    def statements(self) -> tuple[Statement, ...]:
        read = self.read_statements
        return read() if callable(read) else read

    def has_each(self, groups: ConceptGroups) -> bool:
        """At least one concept of every group occurs in the sentence."""
        labels = self.sentence.labels  # asked of most sentences by most checks: a set test per group
        for group in groups:
            if labels.isdisjoint(group):
                return False
        return True

    @cached_property
    def _bars(self) -> tuple[tuple[int, int], ...]:
        """Where each prohibition's reach runs: from its modal word to the end of its clause."""
        from contractkit.checking.understanding.statements import CLAUSE_BREAK

        text = self.sentence.text
        return tuple(
            (s.end, end.start() if (end := CLAUSE_BREAK.search(text, s.end)) else len(text))
            for s in self.statements if s.kind == "prohibition"
        )

    def barred(self, at: int) -> bool:
        """Is what stands at ``at`` barred: after a prohibition in its clause (…，不得删除或篡改数据)?"""
        return any(start <= at < end for start, end in self._bars)

    @cached_property
    def _scopes(self) -> tuple[tuple[Statement, int, int], ...]:
        from contractkit.checking.understanding.statements import scope

        text, mentions = self.sentence.text, self.mentions
        return tuple((s, *scope(text, s, mentions)) for s in self.statements)

    def waived(self, at: int) -> bool:
        """Is what stands at ``at`` taken back by a waiver: the nearest statement before it whose scope
        holds it is a refusal in the same clause (乙方负责修复漏洞：高危漏洞无需在七日内修复，修复结果经甲方
        确认 waives the time limit, not the repair nor the confirmation; 乙方无需A，但应B waives A only)?"""
        from contractkit.checking.understanding.statements import CLAUSE_BREAK

        nearest: Statement | None = None
        for statement, start, end in self._scopes:
            if statement.end <= at and start <= at < end and (nearest is None or statement.start > nearest.start):
                nearest = statement
        if nearest is None or nearest.kind != "refusal":
            return False
        first_break = CLAUSE_BREAK.search(self.sentence.text, nearest.end, at)
        # 由承包人无需处理：紧急级别当天处理完毕，…: a waiver whose clause opens a colon waives what follows it.
        return first_break is None or (first_break.group() in "：:"
                                       and _PART_END.search(self.sentence.text, nearest.end, at) is None)

    def says(self, group: tuple[str, ...]) -> bool:
        """Does the sentence name one of the group's concepts outside a waiver, or refer back to it
        there (乙方无需保留日志，但应将其删除: the logs waived from keeping are what is deleted)?"""
        spans = self.sentence.spans_of(set(group))
        if any(not self.waived(at) for at, _ in spans):
            return True
        text = self.sentence.text
        return bool(spans) and any(
            not self.waived(m.start()) for m in _BACK_REFERENCE.finditer(text, spans[0][1])
        )

    def governs(self, statement: Statement, at: int) -> bool:
        """Is the topic at ``at`` what the statement undertakes: in its scope, or in the condition just
        before it (发生安全事件时，乙方应…)? In "乙方提供运维服务，如发生故障，甲方应自行解决" the fault is
        甲方's matter, not 乙方's."""
        from contractkit.checking.understanding.statements import scope  # see the import note above

        text = self.sentence.text
        start, end = scope(text, statement, self.mentions)
        if start <= at < end:
            return True
        for other in self.statements:
            other_start, other_end = scope(text, other, self.mentions)
            if other.actor != statement.actor and other_start <= at < other_end:
                return False  # another party's matter: 甲方不对乙方的作业进行监督检查，乙方自行负责
        return at < statement.start and not any(
            other is not statement and at <= other.start < statement.start for other in self.statements
        )

    def outsiders_act(self, concepts: tuple[str, ...]) -> bool:
        """Is every occurrence of these concepts the act of someone who does not sign: 接受监理单位对施工质量的
        监督, 配合原厂的检查 (an outsider just before it, as its agent or owner)?"""
        from contractkit.checking.understanding.statements import OUTSIDER

        text = self.sentence.text
        spans = self.sentence.spans_of(set(concepts))
        outsiders = [m for m in self.mentions if m.party == OUTSIDER]
        if not spans or not outsiders:
            return False
        for start, _ in spans:
            before = [m for m in self.mentions if m.end <= start]
            agent = before[-1] if before else None
            if agent is None or agent.party != OUTSIDER or not _AGENT_OF.match(text[agent.end:start]):
                return False
            # 接受甲方及甲方委托的监理单位的监督: a party joins the outsider in supervising.
            opened = max((m.end() for m in _SUPERVISED.finditer(text, 0, agent.start)), default=0)
            if any(m.party != OUTSIDER and opened <= m.start < agent.start
                   and not _ENGAGED_BY.match(text[m.end:agent.start]) for m in before):
                return False
        return True

    def spans_of(self, groups: ConceptGroups) -> Spans:
        """Where the groups' concepts occur: the evidence a reader sees highlighted."""
        wanted = {c for group in groups for c in group}
        return tuple(sorted(set(self.sentence.spans_of(wanted))))


_MOST_FOLLOWING = 60  # paragraphs: a table longer than this does not carry a clause's elements past it


class Sentences:
    """A document's analysed sentences, indexed by the concepts they hold: a requirement's checks look
    only at the sentences holding one of their concepts (most sentences hold none), found here once per
    document instead of by a pass over every sentence per requirement. Headings are left out of the index:
    a heading names a topic and says nothing of it."""

    def __init__(self, sentences: Sequence[AnalysedSentence], table_blocks: frozenset[int] = frozenset()):
        self.all = sentences
        # The paragraphs that are a table's rows or cells: a clause's further elements may stand after the
        # table that follows it (…修复时限如下： | table | 经甲方验证确认后方视为修复完成), a table counting as one.
        self.table_blocks = table_blocks
        self._by_concept: dict[str, list[int]] = {}
        for position, analysed in enumerate(sentences):
            if not analysed.heading:
                for label in analysed.sentence.labels:
                    self._by_concept.setdefault(label, []).append(position)

    def following(self, block: int, count: int) -> list[int]:
        """The ``count`` paragraphs after ``block``, with a table's rows between them as one."""
        found: list[int] = []
        while count > 0 and len(found) < _MOST_FOLLOWING:
            block += 1
            found.append(block)
            if block not in self.table_blocks or block + 1 not in self.table_blocks:
                count -= 1
        return found

    def holding_any(self, concepts: Iterable[str], each_of: Sequence[ConceptGroups] | None = None
                    ) -> list[AnalysedSentence]:
        """The sentences (headings aside) that hold one of these concepts, in document order; with
        ``each_of``, only those that also hold every group of one of its entries."""
        positions = self._positions(concepts)
        if each_of is not None:
            positions &= set().union(*(self._holding_each(groups) for groups in each_of))
        return [self.all[position] for position in sorted(positions)]

    def _positions(self, concepts: Iterable[str]) -> set[int]:
        by_concept = self._by_concept
        positions: set[int] = set()
        for concept in concepts:
            positions.update(by_concept.get(concept, ()))
        return positions

    def _holding_each(self, groups: ConceptGroups) -> set[int]:
        held = self._positions(groups[0]) if groups else set()
        for group in groups[1:]:
            if not held:
                break
            held &= self._positions(group)
        return held


@dataclass(frozen=True)
class Verdict:
    """What one check says of one sentence.

    ``status`` None settles the sentence as saying nothing for the requirement
    (a listed breach that only names the act, a sentence in which nobody
    undertakes anything): no later check looks at it.
    """

    status: Status | None
    check: str
    reason: str = ""
    spans: Spans = ()
    # A contrary verdict that an explicit compliant clause elsewhere outweighs (a responsibility shift).
    yields: bool = False
    # A partial verdict that holds the whole requirement at partial, however fully other clauses meet
    # it: the contract itself leaves the rest open (其他安全工作的实施主体由双方协商确定).
    caps: bool = False


@dataclass(frozen=True)
class Judgement:
    status: Status
    evidence: tuple[tuple[AnalysedSentence, Spans], ...]
    reason: str
    check: str = ""  # the check whose verdict decided it ("" when nothing was found)
    lacking: str = ""  # the further elements (catalogue ``complete``) nothing says: why a met clause is partial


@dataclass(frozen=True)
class ContractParties:
    """The contract's side of a judgement: whose right or duty counts, and how to name it in reasons."""

    actor_parties: frozenset[str] | set[str]  # the party keys holding the requirement's actor role
    actor_label: str  # 合作者（乙方）
    concept_labels: dict[str, str]
    party_labels: dict[str, str]
    # The party keys a ``names_party`` check wants named (None: the requirement names no party).
    mentioned_parties: frozenset[str] | set[str] | None = None
    # The party keys of each ``holders`` kind (empty when the requirement names none).
    holder_parties: tuple[frozenset[str], ...] = ()

    def name(self, key: str) -> str:
        """How a reason names a party key: its label (乙方), and 双方（甲方、乙方） for a clause of both
        (the statements' key "*", never shown as such)."""
        if key == "*":
            labels = "、".join(dict.fromkeys(self.party_labels.values()))
            return f"双方（{labels}）" if labels else "双方"
        return self.party_labels.get(key, key)
