"""What the comments and the inserted heading say (Chinese, for the lawyer reading in Word)."""

from __future__ import annotations

from contractkit.results.model import Finding, Status
from contractkit.standard import default_standard

STANDARD = default_standard().code
SUPPLEMENT_HEADING = f"补充条款（依 {STANDARD} 建议增加）"

# What each strength means, beside the standard's own word for it (应（强制性要求）).
_MEANING = {"must": "强制性要求", "should": "推荐性要求", "may": "可选要求"}


def strength_zh(strength: str) -> str:
    word = default_standard().vocabulary.zh("strengths", strength)
    return f"{word}（{_MEANING[strength]}）" if strength in _MEANING else word


def _head(finding: Finding) -> list[str]:
    return [
        f"【{finding.status.label_zh}】{STANDARD} {finding.clause}",
        f"要求：{_requirement_zh(finding)}；强度：{strength_zh(finding.strength)}",
    ]


def _requirement_zh(finding: Finding) -> str:
    """The requirement in words, its id after it: ``安全责任本身不随…（5a1-no-responsibility-transfer）``."""
    summary = (finding.summary or "").rstrip("。")
    return f"{summary}（{finding.requirement}）" if summary else finding.requirement


def _consequence(finding: Finding) -> list[str]:
    if finding.consequence and finding.consequence not in finding.explanation:
        return [f"后果：{finding.consequence}"]
    return []


def evidence_comment(finding: Finding) -> str:
    """The comment on a passage the checker quoted for this finding."""
    if finding.status is Status.SATISFIED:
        return f"【已满足】{STANDARD} {finding.clause}（{finding.requirement}）"
    lines = _head(finding) + [f"说明：{finding.explanation}"] + _consequence(finding)
    if finding.suggestion and finding.status in (Status.PARTIAL, Status.CONTRARY):
        lines.append("建议条款：")
        lines.extend(line for line in finding.suggestion.splitlines() if line.strip())
    return "\n".join(lines)


def insertion_comment(finding: Finding) -> str:
    """The comment on a suggested clause inserted for a missing requirement."""
    lines = _head(finding) + [f"说明：{finding.explanation}"] + _consequence(finding)
    lines.append("上述建议条款已以修订（插入）方式加入，请在 Word 中审阅后接受或拒绝。")
    return "\n".join(lines)


def suggestion_lines(suggestion: str) -> list[str]:
    return [line.strip() for line in suggestion.splitlines() if line.strip()]


# ------------------------------------------------------------------ playbook positions (redlines)
POSITION_STATUS_ZH = {"meets": "符合", "acceptable": "可接受", "deviates": "偏离", "walk-away": "底线以外",
                      "not-found": "未约定"}


def position_comment(position, reading=None, change: str = "") -> str:
    """The comment on a change a playbook position makes (or on an acceptable passage it leaves)."""
    lines = [f"【本所立场·{POSITION_STATUS_ZH.get(position.status, position.status)}】{position.title}"]
    if position.clause:
        lines.append(f"标准依据：{STANDARD} {position.clause}（{position.requirement}）")
    elif position.requirement and position.requirement.startswith("x-"):
        lines.append(f"本所自有要求（{position.requirement}），标准未作规定")
    else:
        lines.append("本所商务立场，标准未作规定")
    lines.append(f"说明：{position.explanation}")
    if position.reason:
        lines.append(f"理由：{position.reason}")
    if reading is not None and reading.note:
        lines.append(f"读取：{reading.note}")
    if change:
        lines.append(f"修订：{change}")
    if position.fallback and position.status in ("deviates", "walk-away", "not-found"):
        lines.append("可退让条款：" + " ".join(suggestion_lines(position.fallback)))
    return "\n".join(lines)
