"""The rules document themselves: what each requirement needs a contract to say.

Everything here is derived from the catalogue, the check registry, the
lexicons and the rules' examples, so the ``rules`` command can never drift
from what the checker does: the checks are the ones it runs, the examples the
ones the tests run.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from contractkit.catalogue import Requirement, default_catalogue
from contractkit.checking.rules.examples import ExampleCase, RuleExamples, load_examples
from contractkit.checking.rules.registry import Labeller, pipeline_for
from contractkit.checking.rules.wording import actor_zh, duty_zh, groups_zh
from contractkit.checking.understanding.lexicons import default_lexicons
from contractkit.results.model import Status

# A requirement's record for the ``rules`` command, as its JSON output has it.
Record = dict[str, Any]


def rule_record(req: Requirement) -> Record:
    lexicons = default_lexicons()
    pipeline = pipeline_for(req.detect)

    def label(concept: str) -> str:
        return lexicons.concept_labels[concept]

    def groups(gs: Iterable[Iterable[str]]) -> list[list[Record]]:
        return [
            [{"concept": c, "label": label(c), "terms": list(lexicons.concept_terms[c])} for c in g]
            for g in gs
        ]

    def params_groups(name: str) -> list[list[Record]]:
        check = next((c for c in pipeline.checks if c.name == name), None)
        return groups(check.params.groups) if check else []

    return {
        "id": req.id,
        "clause": req.clause,
        "strength": req.strength.value,
        "summary": req.summary,
        "pairs": list(req.pairs),
        "option": req.condition,
        "needs_in_one_sentence": groups(req.detect.all_of),
        "also_needs": groups(req.detect.complete),
        "kept_by_each_of": list(req.detect.holders),
        "actor": req.detect.actor,
        "modality": req.detect.modality,
        "looks_for": _looks_for(req, label),
        "partial_when_only": params_groups("partial_element"),
        "contrary_when": params_groups("contrary"),
        "checks": [
            {"name": c.name, "description": c.describe(label), "params": _plain(use.params)}
            for c, use in zip(pipeline.checks, req.detect.checks, strict=True)
        ],
        "consequence": req.consequence,
        "example": _generated_clause(req),
        "examples": _examples(load_examples(req.id)),
    }


def _looks_for(req: Requirement, label: Labeller) -> str:
    text = f"同一句中须有：{groups_zh(req.detect.all_of, label)}"
    if req.detect.actor:
        text += f"；须为{duty_zh(req.detect.actor, req.detect.modality)}"
    if req.detect.complete:
        text += f"；完全满足还须约定：{groups_zh(req.detect.complete, label)}（该句或其后数段中），否则部分满足"
    if req.detect.holders:
        who = "、".join(actor_zh(kind) for kind in req.detect.holders)
        text += f"；合同同时有{who}时，须写明各方的责任均不转移，只写一方的为部分满足"
    return text


def _plain(params: Any) -> Any:
    """Catalogue parameters as JSON can hold them (tuples become lists)."""
    if isinstance(params, dict):
        return {k: _plain(v) for k, v in params.items()}
    if isinstance(params, (list, tuple)):
        return [_plain(v) for v in params]
    return params


def _examples(examples: RuleExamples | None) -> dict[str, Record | None]:
    if examples is None:
        return {}

    def shown(case: ExampleCase | None) -> Record | None:
        if case is None:
            return None
        roles = {label: list(r) for label, r in examples.roles_of(case).items()}
        return {"name": case.name, "expect": case.expect, "text": case.text.strip(), "roles": roles,
                "options": list(examples.options_of(case))}

    satisfied, failing = examples.shown()
    return {"satisfied": shown(satisfied), "failing": shown(failing)}


def _generated_clause(req: Requirement) -> str:
    from contractkit.generation.parameters import default_parameters
    from contractkit.generation.render import render_requirement

    catalogue = default_catalogue()
    item = render_requirement(req, [catalogue.pair(req.pairs[-1])], default_parameters().resolve({}))
    return item.text.plain()


def describe_rules(requirements: list[Requirement], fmt: str) -> str:
    records = [rule_record(r) for r in requirements]
    formatters = {"json": _json, "md": _markdown, "table": _text}
    return formatters[fmt](records)


def _json(records: list[Record]) -> str:
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def _roles(example: Record, comma: str) -> str:
    roles = comma.join(f"{label}={'+'.join(r)}" for label, r in example["roles"].items())
    return roles + "".join(f"{comma}--option {o}" for o in example["options"])


def _indented(text: str, indent: str) -> str:
    return text.replace("\n", "\n" + indent)


def _markdown(records: list[Record]) -> str:
    lines = []
    for r in records:
        lines += [
            f"## {r['id']} — {r['clause']}（{r['strength']}）",
            "",
            r["summary"],
            "",
            f"- 适用：{', '.join(r['pairs'])}" + (f"（选项 {r['option']}）" if r["option"] else ""),
            f"- 检查：{r['looks_for']}",
        ]
        lines += [f"  - `{c['name']}`：{c['description']}" for c in r["checks"]]
        if r["consequence"]:
            lines.append(f"- 后果：{r['consequence']}")
        lines.append(f"- 示例条款：{r['example']}")
        for key, title in (("satisfied", "满足的例子"), ("failing", "不满足的例子")):
            example = r["examples"].get(key)
            if example:
                status = Status(example["expect"]).label_zh
                lines.append(f"- {title}（{status}；{_roles(example, '，')}）：{_indented(example['text'], '  ')}")
        lines.append("")
    return "\n".join(lines)


def _text(records: list[Record]) -> str:
    blocks = []
    for r in records:
        block = [
            f"{r['id']}  [{r['clause']}] {r['strength']}" + (f"  option: {r['option']}" if r["option"] else ""),
            f"  {r['summary']}",
            f"  pairs: {', '.join(r['pairs'])}",
            f"  looks for: {r['looks_for']}",
            "  checks, in order (the first that applies decides a sentence):",
        ]
        block += [f"    {c['name']}: {c['description']}" for c in r["checks"]]
        if r["consequence"]:
            block.append(f"  consequence: {r['consequence']}")
        block.append(f"  generated clause: {r['example']}")
        for key, title in (("satisfied", "satisfied example"), ("failing", "failing example")):
            example = r["examples"].get(key)
            if example:
                block.append(f"  {title} ({example['expect']}; {_roles(example, ', ')}):")
                block.append(f"    {_indented(example['text'], '    ')}")
        blocks.append("\n".join(block))
    return "\n\n".join(blocks) + "\n"
