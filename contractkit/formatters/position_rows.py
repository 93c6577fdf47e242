"""The playbook's positions as rows, for the spreadsheet formats: the CSV's second table and the xlsx's
sheet 本所立场 (only when the run was checked against a playbook, contractkit.check/2)."""

from __future__ import annotations

from contractkit.formatters.tables import cell
from contractkit.results.model import DocumentReport, PositionResult

POSITIONS_SHEET = "本所立场"
POSITION_HEADER = (
    "文件", "立场编号", "立场", "类型", "结果", "合同约定值", "优选", "可接受", "底线", "说明", "证据原文", "证据位置",
    "标准条款", "修订方式", "建议条款", "退让条款",
)
POSITION_LONG = frozenset({"立场", "说明", "证据原文", "建议条款", "退让条款"})
POSITION_ZH = {"walk-away": "底线以外", "deviates": "偏离", "not-found": "未约定", "acceptable": "可接受",
               "meets": "符合"}
KIND_ZH = {"number": "数值", "wording": "措辞", "requirement": "本所要求"}
ACTION_ZH = {"replace-value": "修改数值", "replace-clause": "替换条款", "insert": "补充条款", "comment": "仅批注",
             "none": "无需修改"}


def position_rows(document: DocumentReport) -> list[tuple[str, ...]]:
    """One row per position judged for this document (none when no playbook was used)."""
    return [_row(str(document.path), position) for position in document.positions]


def _row(path: str, position: PositionResult) -> tuple[str, ...]:
    first = position.readings[0].evidence if position.readings else None
    target = position.target
    clause = position.clause or ("本所自有要求" if (position.requirement or "").startswith("x-") else "")
    values = (
        path, position.position, position.title, KIND_ZH.get(position.kind, position.kind),
        POSITION_ZH.get(position.status, position.status), position.value or "",
        target.preferred if target else "", target.acceptable if target else "",
        (target.walk_away or "") if target else "", position.explanation, first.text if first else "",
        first.location.describe() if first else "", clause, ACTION_ZH.get(position.action, position.action),
        position.proposal or "", position.fallback or "",
    )
    return tuple(cell(value) for value in values)
