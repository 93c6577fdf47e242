"""The report a lawyer reads in a terminal: problems first, each with its evidence and a clause to add.

Colour (ANSI) only when the caller says the stream is a terminal. Everything
taken from a contract passes through ``printable`` first, so a contract cannot
smuggle escape sequences onto the reader's terminal.
"""

from __future__ import annotations

from typing import TypedDict, Unpack

import click

from contractkit.formatters.common import (
    ROLES_ADVICE_CLI,
    ROLES_UNKNOWN_ZH,
    SKIPPED_TITLE_ZH,
    STATUS_ORDER,
    Totals,
    Words,
    evidence_view,
    ordered_findings,
    printable,
    skipped_rows,
    summary_parts,
)
from contractkit.formatters.streaming import BinaryOut, RunHeader, RunningTotals, TextOut, render_run
from contractkit.results.model import ROLES_UNKNOWN, CheckRun, DocumentReport, Finding, PartyResult, SkippedFile, Status
from contractkit.standard import Standard


class Style(TypedDict, total=False):
    """click.style's options that the report uses."""

    fg: str
    bold: bool
    dim: bool
    underline: bool


STATUS_STYLE: dict[Status, Style] = {
    Status.CONTRARY: {"fg": "red", "bold": True},
    Status.MISSING: {"fg": "magenta", "bold": True},
    Status.PARTIAL: {"fg": "yellow"},
    Status.SATISFIED: {"fg": "green"},
}
STATUS_MARK = {Status.CONTRARY: "✗", Status.MISSING: "✗", Status.PARTIAL: "△", Status.SATISFIED: "✓"}
INDENT = "    "
POSITION_ZH = {
    "walk-away": "底线以外", "deviates": "偏离", "not-found": "未约定", "acceptable": "可接受", "meets": "符合",
}
POSITION_MARK = {"walk-away": "✗", "deviates": "✗", "not-found": "✗", "acceptable": "△", "meets": "✓"}
POSITION_STYLE: dict[str, Style] = {
    "walk-away": {"fg": "red", "bold": True}, "deviates": {"fg": "red"}, "not-found": {"fg": "magenta"},
    "acceptable": {"fg": "yellow"}, "meets": {"fg": "green"},
}
POSITION_ACTION = {"replace-value": "修改数值", "replace-clause": "替换条款", "insert": "补充条款",
                   "comment": "仅批注", "none": "无需修改"}
# Amber, never green: a document nobody's role was found for was not judged at all.
ROLES_UNKNOWN_STYLE: Style = {"fg": "yellow", "bold": True}
ROLES_UNKNOWN_TEXT = f"{ROLES_UNKNOWN_ZH}（未作审查）"
SKIPPED_STYLE: Style = {"fg": "yellow"}
SKIPPED_TITLE_STYLE: Style = {**SKIPPED_STYLE, "bold": True}
SUMMARY_STYLE: dict[str, Style] = {
    "plain": {},
    "error": {"fg": "red", "bold": True},
    "unknown": ROLES_UNKNOWN_STYLE,
    "skipped": SKIPPED_STYLE,
    "problem": {"fg": "red", "bold": True},
    "ok": {"fg": "green"},
}


class _Painter:
    def __init__(self, colour: bool):
        self.colour = colour

    def __call__(self, text: str, **style: Unpack[Style]) -> str:
        return click.style(text, **style) if self.colour and text else text

    def status(self, status: Status, text: str | None = None) -> str:
        return self(text if text is not None else status.label_zh, **STATUS_STYLE[status])


class TerminalFormatter:
    name = "terminal"
    extension = ".txt"
    binary = False
    media_type = "text/plain; charset=utf-8"

    def __init__(self, quiet: bool = False, roles_advice: str = ROLES_ADVICE_CLI, standard: Standard | None = None):
        self.quiet = quiet  # one line per document, then the batch summary line
        self.roles_advice = roles_advice  # what to do when a document's roles could not be determined
        self.words = Words(standard)

    def render(self, run: CheckRun, *, colour: bool = False) -> bytes:
        return render_run(self, run, colour=colour)

    def render_text(self, run: CheckRun, *, colour: bool = False) -> str:
        return self.render(run, colour=colour).decode("utf-8")

    def stream(self, out: BinaryOut, header: RunHeader, *, colour: bool = False) -> TerminalWriter:
        return TerminalWriter(self, TextOut(out), header, _Painter(colour))

    # ---------------------------------------------------------------- one document
    def _document(self, document: DocumentReport, number: int, of: int, paint: _Painter) -> list[str]:
        path = printable(str(document.path))
        header = f"━━ [{number}/{of}] {paint(path, bold=True)}"
        if document.format:
            header += f"（{printable(document.format)}）"
        lines = [header]
        if document.status == "error":
            code = document.error.code if document.error else "unknown"
            message = printable(document.error.message) if document.error else "无法读取"
            lines.append(f"  {paint('无法读取', fg='red', bold=True)} [{code}] {message}")
            lines.extend(f"  说明：{printable(note)}" for note in document.notes)
            return lines

        if document.parties:
            lines.append("  当事方：")
            for party in document.parties:
                lines.extend(self._party(party, paint))
        else:
            lines.append("  当事方：未识别")
        if document.pairs:
            pairs = "；".join(f"{pair}（{self.words.pair(pair)}）" for pair in document.pairs)
            lines.append(f"  协议关系：{pairs}")
        else:
            lines.append("  协议关系：无")
        if document.roles_unknown:
            lines.append(f"  结果：{paint(ROLES_UNKNOWN_TEXT, **ROLES_UNKNOWN_STYLE)}")
            lines.extend(f"  说明：{printable(note)}" for note in document.notes)
            lines.append(f"  处理：{self.roles_advice}")
            return lines
        lines.append(f"  结果：{self._counts(document, paint)}")
        lines.extend(f"  说明：{printable(note)}" for note in document.notes)

        if document.positions:
            lines.append("")
            lines.extend(self._positions(document, paint))
        ordered = ordered_findings(document)
        problems = [f for f in ordered if f.status.is_problem]
        satisfied = [f for f in ordered if not f.status.is_problem]
        for finding in problems:
            lines.append("")
            lines.extend(self._problem(finding, paint))
        if satisfied:
            lines.append("")
            lines.append(f"  {paint.status(Status.SATISFIED)}（{len(satisfied)}）：")
            for finding in satisfied:
                where = ""
                if finding.evidence:
                    where = paint(f"  [{printable(finding.evidence[0].location.describe())}]", dim=True)
                lines.append(
                    f"    {paint.status(Status.SATISFIED, STATUS_MARK[Status.SATISFIED])} "
                    f"{self._strength(finding.strength)} {finding.requirement}  {finding.clause}  "
                    f"{printable(finding.summary)}{where}"
                )
        return lines

    def _strength(self, strength: str) -> str:
        return f"{self.words.strength(strength)}/{strength}"

    def _party(self, party: PartyResult, paint: _Painter) -> list[str]:
        name = f" {printable(party.name)}" if party.name else ""
        roles = "、".join(self.words.role(role) for role in party.roles) or "角色未识别"
        source = self.words.source(party.source)
        line = f"    {paint(printable(party.label), bold=True)}{name}：{roles}（{source}）"
        lines = [line]
        if party.aliases:
            lines.append(paint(f"      又称：{'、'.join(printable(a) for a in party.aliases)}", dim=True))
        for reason in party.reasons:
            lines.append(paint(f"      依据：{printable(reason)}", dim=True))
        return lines

    def _counts(self, document: DocumentReport, paint: _Painter) -> str:
        counts = document.counts()
        parts = [paint.status(status, f"{status.label_zh} {counts[status.value]}") for status in STATUS_ORDER]
        text = " · ".join(parts)
        must = len(document.must_problems)
        if must:
            text += "  ｜  " + paint(f"应级问题 {must}", fg="red", bold=True)
        return text

    def _problem(self, finding: Finding, paint: _Painter) -> list[str]:
        mark = STATUS_MARK[finding.status]
        strength = self._strength(finding.strength)
        if finding.strength == "must":
            strength = paint(strength, bold=True)
        lines = [
            f"  {paint.status(finding.status, f'{mark} {finding.status.label_zh}')}  {strength}  "
            f"{paint(finding.requirement, bold=True)}  标准 {finding.clause}",
            f"{INDENT}要求：{printable(finding.summary)}",
            f"{INDENT}判断：{printable(finding.explanation)}",
        ]
        for evidence in finding.evidence:
            view = evidence_view(evidence)
            quote = "".join(
                paint(printable(text), bold=True, underline=True) if matched else printable(text)
                for text, matched in view.segments
            )
            lines.append(f"{INDENT}依据：“{quote}”")
            lines.append(paint(f"{INDENT}      位置：{printable(view.where)}", dim=True))
        if finding.consequence:
            lines.append(f"{INDENT}后果：{printable(finding.consequence)}")
        if finding.suggestion:
            lines.append(f"{INDENT}建议条款：")
            for text in printable(finding.suggestion).splitlines() or [""]:
                lines.append(paint(f"{INDENT}    {text}", fg="cyan"))
        return lines

    def _positions(self, document: DocumentReport, paint: _Painter) -> list[str]:
        """The playbook's positions, worst first: status, the value read against the playbook's, evidence,
        the clause to propose."""
        counts: dict[str, int] = {}
        for position in document.positions:
            counts[position.status] = counts.get(position.status, 0) + 1
        summary = " · ".join(paint(f"{POSITION_ZH[s]} {counts[s]}", **POSITION_STYLE[s])
                             for s in POSITION_ZH if counts.get(s))
        lines = [f"  {paint('本所立场（playbook）', bold=True)}：{summary}"]
        for position in document.positions:
            style = POSITION_STYLE[position.status]
            where = f"  标准 {position.clause}" if position.clause else ""
            lines.append(f"  {paint(POSITION_MARK[position.status] + ' ' + POSITION_ZH[position.status], **style)}  "
                         f"{paint(position.position, bold=True)}  {printable(position.title)}{where}")
            if position.target is not None:
                target = position.target
                values = f"优选 {target.preferred}；可接受 {target.acceptable}"
                if target.walk_away:
                    values += f"；底线 {target.walk_away}"
                read = f"合同：{printable(position.value)}" if position.value else "合同：未约定"
                lines.append(f"{INDENT}{read}  ｜  立场：{values}")
            else:
                lines.append(f"{INDENT}{printable(position.explanation)}")
            if position.status == "meets":
                continue
            for reading in position.readings:
                if not reading.evidence.text:
                    continue
                value = f"［{printable(reading.value)} → {POSITION_ZH[reading.status]}］" if reading.value else \
                    f"［{POSITION_ZH[reading.status]}］"
                lines.append(f"{INDENT}依据：“{printable(reading.evidence.text)}”{value}")
                lines.append(paint(f"{INDENT}      位置：{printable(reading.evidence.location.describe())}"
                                   + (f"；{printable(reading.note)}" if reading.note else ""), dim=True))
            if position.proposal and position.status != "acceptable":
                action = POSITION_ACTION[position.action]
                lines.append(f"{INDENT}建议（{action}）：")
                for text in printable(position.proposal).splitlines():
                    lines.append(paint(f"{INDENT}    {text}", fg="cyan"))
                if position.fallback:
                    lines.append(paint(f"{INDENT}退让条款：{printable(position.fallback)}", dim=True))
        return lines

    def _skipped(self, skipped: tuple[SkippedFile, ...], paint: _Painter) -> list[str]:
        title = f"━━ {SKIPPED_TITLE_ZH}（{len(skipped)} 个，未检查）"
        lines = [paint(title, **SKIPPED_TITLE_STYLE)]
        for path, code, reason in skipped_rows(skipped):
            lines.append(f"  {path}  {paint(f'[{code}]', **SKIPPED_STYLE)} {reason}")
        return lines

    # ---------------------------------------------------------------- quiet & summary
    def _one_line(self, document: DocumentReport, paint: _Painter) -> str:
        path = paint(printable(str(document.path)), bold=True)
        if document.status == "error":
            code = document.error.code if document.error else "unknown"
            message = printable(document.error.message).replace("\n", " ") if document.error else ""
            return f"{path}  {paint('无法读取', fg='red', bold=True)} [{code}] {message}".rstrip()
        if document.roles_unknown:
            return f"{path}  {paint(ROLES_UNKNOWN_TEXT, **ROLES_UNKNOWN_STYLE)}"
        line = f"{path}  {self._counts(document, paint)}"
        problems = [p for p in document.positions if p.is_problem]
        if problems:
            walk_away = sum(p.status == "walk-away" for p in problems)
            text = f"本所立场问题 {len(problems)}" + (f"（底线以外 {walk_away}）" if walk_away else "")
            line += "  ｜  " + paint(text, **POSITION_STYLE["walk-away" if walk_away else "deviates"])
        return line

    def _summary_line(self, total: Totals, paint: _Painter) -> str:
        parts = summary_parts(total)
        return "，".join(paint(text, **SUMMARY_STYLE[tone]) for text, tone in parts) + "。"


class TerminalWriter:
    """Each document's lines as it comes (numbered [n/of] by the header's count); the skipped files and
    the summary line, from running totals, last."""

    def __init__(self, formatter: TerminalFormatter, out: TextOut, header: RunHeader, paint: _Painter):
        self.formatter, self.out, self.header, self.paint = formatter, out, header, paint
        self.totals = RunningTotals()
        if not formatter.quiet:
            out.lines([paint(f"{header.standard} 云服务合同安全责任检查", bold=True)])

    def write(self, document: DocumentReport) -> None:
        self.totals.add(document)
        formatter, paint = self.formatter, self.paint
        if formatter.quiet:
            self.out.lines([formatter._one_line(document, paint)])
        else:
            of = max(self.header.documents, self.totals.documents)
            self.out.lines(["", *formatter._document(document, self.totals.documents, of, paint)])

    def close(self) -> None:
        formatter, paint, skipped = self.formatter, self.paint, self.header.skipped
        lines: list[str] = []
        if formatter.quiet:
            if self.totals.statuses[ROLES_UNKNOWN]:
                lines.append(f"{ROLES_UNKNOWN_ZH}的文件：{formatter.roles_advice}")
            for path, code, reason in skipped_rows(skipped):
                lines.append(f"{paint(path, bold=True)}  {paint(f'跳过 [{code}]', **SKIPPED_STYLE)} {reason}")
        else:
            if skipped:
                lines.append("")
                lines.extend(formatter._skipped(skipped, paint))
            lines.append("")
        lines.append(formatter._summary_line(self.totals.totals(len(skipped)), paint))
        self.out.lines(lines)



