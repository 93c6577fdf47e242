"""Redlines from a playbook's positions, in the annotated copy (``--annotate`` with ``--playbook``).

For each position of the report (``PositionResult.action``):

* ``replace-value``: each deviating value is struck out and the playbook's value written in its
  place, in the contract's own numerals (``二十四小时`` → ``两小时``), a comment on each;
* ``replace-clause``: a walk-away or contrary passage is struck out and the proposed clause
  inserted in the same place (a second such passage is struck out too); a comment on the insertion;
* ``insert``: the proposed clause is inserted as a tracked paragraph after the passage the position
  relates to (the clause of the same subject, else the requirement's neighbours, else a supplement
  at the end), with a comment;
* ``comment``: an acceptable value gets a comment only.

All changes in one paragraph are located on its text before any is made and made from its end
backwards, so that one change never moves another; a change that overlaps one already made is
not made (listed as unanchored).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from contractkit.results.model import DocumentReport, Evidence, PositionResult, Reading

from . import wording
from .comments import comment_on_range, comment_on_runs
from .redline import tracked_replace
from .textmap import expected_offset, locate, strip_label, visible_text

if TYPE_CHECKING:
    from .annotator import _Annotator

_CLOSERS = "。；;"


@dataclass
class _Change:
    paragraph: int
    start: int
    end: int
    text: str
    position: PositionResult
    reading: Reading
    kind: str  # value / clause / strike


class PositionRedliner:
    def __init__(self, annotator: _Annotator, report: DocumentReport):
        self.a = annotator
        self.report = report

    def run(self) -> None:
        changes: list[_Change] = []
        for position in self.report.positions:
            if position.action == "replace-clause":
                changes += self._clause_changes(position)
            elif position.action == "replace-value":
                changes += self._value_changes(position)
        accepted = self._without_overlaps(changes)
        by_paragraph: dict[int, list[_Change]] = {}
        for change in accepted:
            by_paragraph.setdefault(change.paragraph, []).append(change)
        for index, items in by_paragraph.items():
            for change in sorted(items, key=lambda c: c.start, reverse=True):
                self._apply(index, change)
        for position in self.report.positions:
            if position.action == "insert":
                self._insert(position)
            elif position.action == "comment":
                self._comment(position)

    # -- locating
    def _span(self, evidence: Evidence) -> tuple[int, int, int] | None:
        """(paragraph ordinal, start, end) of ``evidence.text`` in its paragraph's visible text, exactly;
        plus how many leading characters of the text (a list label the reader prepended) are not there."""
        location = evidence.location
        if location.kind == "page" or not 0 <= location.paragraph < len(self.a.paragraphs) or not evidence.text:
            return None
        visible = visible_text(self.a.paragraphs[location.paragraph])
        match = locate(visible, evidence.text, expected_offset(visible, evidence.start, evidence.context))
        if match is None or not match.exact:
            return None
        return location.paragraph, match.start, match.end

    def _clause_changes(self, position: PositionResult) -> list[_Change]:
        changes: list[_Change] = []
        offending = [r for r in position.readings if r.status in ("walk-away", "deviates")]
        for number, reading in enumerate(offending):
            span = self._span(reading.evidence)
            if span is None:
                self._unanchored(position, reading, "the passage to replace was not found exactly in its paragraph")
                continue
            index, start, end = span
            visible = visible_text(self.a.paragraphs[index])
            label = len(visible[start:end]) - len(strip_label(visible[start:end]))
            start += label  # a clause label typed as text (（三）, 2.) stays: the new clause takes its place
            text = ""
            if not changes:
                text = " ".join(wording.suggestion_lines(position.proposal or ""))
                closer = visible[end - 1] if end > start else ""
                if text and closer in _CLOSERS and text[-1] in _CLOSERS and closer != text[-1]:
                    text = text[:-1] + closer  # ……；stays ……； inside a list of items
            changes.append(_Change(index, start, end, text, position, reading, "clause" if text else "strike"))
            del number
        return changes

    def _value_changes(self, position: PositionResult) -> list[_Change]:
        changes = []
        for reading in position.readings:
            if reading.replacement is None or reading.span is None or reading.status not in ("deviates", "walk-away"):
                continue
            span = self._span(reading.evidence)
            if span is None:
                self._unanchored(position, reading, "the passage with the value was not found exactly")
                continue
            index, start, end = span
            lead = len(reading.evidence.text.strip()) - (end - start)  # a list label the paragraph lacks
            s, e = start + reading.span[0] - lead, start + reading.span[1] - lead
            visible = visible_text(self.a.paragraphs[index])
            expected = reading.evidence.text[reading.span[0]:reading.span[1]]
            if s < start or visible[s:e] != expected:
                self._unanchored(position, reading, f"the value {expected!r} is not where the report says")
                continue
            changes.append(_Change(index, s, e, reading.replacement, position, reading, "value"))
        return changes

    def _without_overlaps(self, changes: list[_Change]) -> list[_Change]:
        kept: list[_Change] = []
        # Clause replacements first: a value inside a struck-out clause needs no change of its own.
        for change in sorted(changes, key=lambda c: c.kind == "value"):
            if any(k.paragraph == change.paragraph and k.start < change.end and change.start < k.end for k in kept):
                if change.kind == "value" and any(k.kind != "value" for k in kept if k.paragraph == change.paragraph):
                    continue  # replaced with the clause around it
                self._unanchored(change.position, change.reading, "overlaps another change in the same passage")
                continue
            kept.append(change)
        return kept

    # -- changing
    def _apply(self, index: int, change: _Change) -> None:
        a = self.a
        p = a.paragraphs[index]
        run = tracked_replace(p, change.start, change.end, change.text, author=a.author, date=a.date, ids=a.ids)
        if run is None:
            self._unanchored(change.position, change.reading, "the passage could not be marked as a tracked change")
            return
        old = change.reading.evidence.text if change.kind != "value" else (change.reading.value or "")
        if change.kind == "value":
            note = f"将“{old}”中的数值改为“{change.text}”"
            a.summary.replacements += 1
        elif change.kind == "clause":
            note = "删除原约定，改为本所建议条款（见插入内容）"
            a.summary.replacements += 1
        else:
            note = "删除与本所立场相反的约定（替代条款见同一立场的另一处修订）"
            a.summary.deletions += 1
        text = wording.position_comment(change.position, change.reading, note)
        if change.kind == "strike":
            return  # the replacement's comment speaks for it
        comment_on_runs(a.document, [run], text, **a.marks)
        a.summary.comments += 1

    def _insert(self, position: PositionResult) -> None:
        lines = wording.suggestion_lines(position.proposal or "")
        if not lines:
            self._unanchored(position, None, "no clause to insert")
            return
        related = next((r.evidence for r in position.readings if r.evidence.text), None)
        if related is None and position.requirement:
            from .placement import related_evidence

            finding = next((f for f in self.report.findings if f.requirement == position.requirement), None)
            if finding is not None:
                related = related_evidence(finding, self.report.findings, self.a.catalogue)
        note = "补充本所建议条款" + ("（紧随相关约定之后）" if related is not None else "（列于文末补充条款）")
        self.a.insert_lines(lines, wording.position_comment(position, None, note), related)

    def _comment(self, position: PositionResult) -> None:
        for reading in position.readings:
            span = self._span(reading.evidence)
            if span is None:
                continue
            index, start, end = span
            if reading.span is not None:  # on the value itself
                lead = len(reading.evidence.text.strip()) - (end - start)
                start, end = start + reading.span[0] - lead, start + reading.span[1] - lead
            comment_on_range(self.a.document, self.a.paragraphs[index], start, end,
                             wording.position_comment(position, reading, "可接受，未作修改"), **self.a.marks)
            self.a.summary.comments += 1

    def _unanchored(self, position: PositionResult, reading: Reading | None, reason: str) -> None:
        from .annotator import Unanchored

        where = f"{reading.evidence.location.describe()}: " if reading is not None else ""
        self.a.summary.unanchored.append(Unanchored(f"playbook:{position.position}", position.status, where + reason))
