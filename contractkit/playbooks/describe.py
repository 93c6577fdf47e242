"""A playbook in words: ``contractkit playbook list`` and ``contractkit playbook explain``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from contractkit.playbooks.clauses import Parties, proposal
from contractkit.playbooks.loader import PlaybookError, load_playbook
from contractkit.playbooks.model import Playbook, Position

DIRECTION = {"at-most": "不超过（越短越好）", "at-least": "不低于（越高越好）"}


def list_playbooks(folders: Iterable[Path]) -> str:
    lines = []
    for folder in folders:
        for path in sorted(Path(folder).glob("*.y*ml")):
            try:
                playbook = load_playbook(path)
            except PlaybookError as exc:
                lines.append(f"{path}\tINVALID\t{exc.problems[0]}")
                continue
            lines.append(f"{path}\t{playbook.name}（{playbook.version}）\tside: {playbook.side}\t"
                         f"{len(playbook.all_positions())} positions\tpairs: {', '.join(playbook.pairs)}")
    return "\n".join(lines) + "\n" if lines else "no playbooks found\n"


def explain(playbook: Playbook, markdown: bool = False) -> str:
    h1, h2, bullet = ("# ", "## ", "- ") if markdown else ("", "", "  ")
    out = [f"{h1}{playbook.name}（版本 {playbook.version}）"]
    if playbook.description:
        out.append(playbook.description)
    out.append(f"立场方：{playbook.side}；适用：{', '.join(playbook.pairs)}；"
               f"偏离时建议：{'优选值与优选条款' if playbook.propose == 'preferred' else '可接受值与退让条款'}")
    parties = Parties.example()
    for position in playbook.all_positions():
        out.append("")
        out.extend(_position(playbook, position, parties, h2, bullet))
    return "\n".join(out) + "\n"


def _position(playbook: Playbook, position: Position, parties: Parties, h2: str, bullet: str) -> list[str]:
    lines = [f"{h2}{position.id}：{position.title}"]
    where = position.requirement or "（本所商务立场）"
    lines.append(f"{bullet}要求：{where}；适用：{', '.join(position.pairs or playbook.pairs)}")
    if position.why:
        lines.append(f"{bullet}理由：{position.why}")
    measure, wording = position.measure, position.wording
    if measure is not None:
        values = (f"优选 {measure.text(measure.preferred)}；可接受 {measure.text(measure.acceptable)}"
                  + (f"；底线 {measure.text(measure.walk_away)}" if measure.walk_away is not None else ""))
        lines.append(f"{bullet}数值：{DIRECTION[measure.direction]}，{values}")
        lines.append(f"{bullet}查找：句中含 {' 且 '.join('/'.join(g) for g in measure.topic)}"
                     + (f"，数值旁有 {'/'.join(measure.near)}" if measure.near else "")
                     + (f"，不含 {'/'.join(measure.unless)}" if measure.unless else ""))
    elif wording is not None:
        levels = (("walk_away", "底线以外"), ("deviates", "偏离"), ("acceptable", "可接受"), ("meets", "符合"))
        for name, label in levels:
            patterns = getattr(wording, name)
            if patterns:
                lines.append(f"{bullet}{label}：{' | '.join(patterns)}")
    else:
        extra = playbook.extra(position.requirement or "")
        if extra is not None:
            lines.append(f"{bullet}本所自有要求：{extra.summary}（{extra.strength.value}）；由检查器按 detect 判断")
    lines.append(f"{bullet}优选条款：{proposal(playbook, position, parties, 'preferred')}")
    if position.fallback or measure is not None:
        fallback = proposal(playbook, position, parties, "fallback")
        lines.append(f"{bullet}退让条款：{fallback}")
    return lines
