"""The rules document themselves: what each requirement needs a contract to say.

Everything here is derived from the catalogue and the lexicons, so the
``rules`` command can never drift from what the checker does.
"""

from __future__ import annotations

import json

from contractkit.catalogue import Requirement, default_catalogue
from contractkit.catalogue.model import ROLE_KIND_NAMES
from contractkit.checking.understanding.lexicons import default_lexicons

MODALITY_ZH = {"right": "有权（权利）", "duty": "应当（义务）", "prohibition": "不得（禁止）"}


def rule_record(req: Requirement) -> dict:
    lexicons = default_lexicons()

    def group(concepts) -> list[dict]:
        return [
            {"concept": c, "label": lexicons.concept_labels[c], "terms": list(lexicons.concept_terms[c])}
            for c in concepts
        ]

    return {
        "id": req.id,
        "clause": req.clause,
        "strength": req.strength.value,
        "summary": req.summary,
        "pairs": list(req.pairs),
        "option": req.condition,
        "needs_in_one_sentence": [group(g) for g in req.detect.all_of],
        "actor": req.detect.actor,
        "modality": req.detect.modality,
        "partial_when_only": group(req.detect.partial),
        "contrary_when": [group(g) for g in req.detect.contrary],
        "consequence": req.consequence,
        "example": _example(req),
    }


def _example(req: Requirement) -> str:
    from contractkit.generation.parameters import default_parameters
    from contractkit.generation.render import render_requirement

    catalogue = default_catalogue()
    item = render_requirement(req, [catalogue.pair(req.pairs[-1])], default_parameters().resolve({}))
    return item.text.plain()


def _explain(record: dict) -> str:
    def groups(gs) -> str:
        return " 且 ".join("（" + "或".join(c["label"] for c in g) + "）" for g in gs)

    text = f"同一句中须有：{groups(record['needs_in_one_sentence'])}"
    if record["actor"]:
        text += f"；须为{ROLE_KIND_NAMES.get(record['actor'], '任一当事人')}的{MODALITY_ZH.get(record['modality'], '约定')}"
    if record["contrary_when"]:
        text += f"；相反约定：{groups(record['contrary_when'])}"
    return text


def describe_rules(requirements: list[Requirement], fmt: str) -> str:
    records = [rule_record(r) for r in requirements]
    formatters = {"json": _json, "md": _markdown, "table": _text}
    return formatters[fmt](records)


def _json(records) -> str:
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def _markdown(records) -> str:
    lines = []
    for r in records:
        lines += [
            f"## {r['id']} — {r['clause']}（{r['strength']}）",
            "",
            r["summary"],
            "",
            f"- 适用：{', '.join(r['pairs'])}" + (f"（选项 {r['option']}）" if r["option"] else ""),
            f"- 检查：{_explain(r)}",
        ]
        if r["consequence"]:
            lines.append(f"- 后果：{r['consequence']}")
        lines += [f"- 示例条款：{r['example']}", ""]
    return "\n".join(lines)


def _text(records) -> str:
    blocks = []
    for r in records:
        block = [
            f"{r['id']}  [{r['clause']}] {r['strength']}" + (f"  option: {r['option']}" if r["option"] else ""),
            f"  {r['summary']}",
            f"  pairs: {', '.join(r['pairs'])}",
            f"  checks: {_explain(r)}",
        ]
        if r["consequence"]:
            block.append(f"  consequence: {r['consequence']}")
        block.append(f"  example: {r['example']}")
        blocks.append("\n".join(block))
    return "\n\n".join(blocks) + "\n"
