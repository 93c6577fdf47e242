"""Judge a checked contract against a playbook's positions.

For each position that applies to the contract's pairs:

* **number** — every sentence that holds the position's topic is searched for quantities of the
  position's dimension; a quantity counts when its own phrase (with the phrases before it that state
  no other quantity) holds one of the ``near`` words and none of the ``unless`` words. Within a
  sentence the first such quantity counts (``30分钟内电话报告，2小时内提交书面报告``: the notice), over
  the contract the worst one does, and every one is cited. Each value is compared in the position's
  unit (working days as 7 days to 5; a range at its end that is worse for us; a number with no unit
  read in the position's unit, and then never better than ``deviates``).
* **wording** — every sentence that holds the topic gets the first level (walk-away, deviates,
  acceptable, meets) one of whose patterns it holds; the worst counts.
* **requirement** — the firm's own requirement, judged by the checker: satisfied → meets,
  partial → deviates, missing → not-found, contrary → walk-away.

Whatever the kind, a contrary finding of the standard on the position's requirement makes the
position walk-away, with the finding's passages: the contract says the opposite.

Each result says what a redline does (``action``) and carries the clause to propose, rendered
with the contract's party labels; each number reading carries its replacement, written in the
contract's own numerals.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from contractkit.playbooks.clauses import Parties, proposal, value_context
from contractkit.playbooks.model import Extra, Measure, Phrase, Playbook, Position, Wording, expand
from contractkit.playbooks.quantities import (
    Quantity,
    convert,
    describe,
    dimension_of,
    find_quantities,
    nice,
    write_number,
)
from contractkit.reading.model import TextBlock
from contractkit.results.model import (
    POSITION_STATUSES,
    Evidence,
    Finding,
    PositionAction,
    PositionResult,
    PositionStatus,
    PositionTarget,
    Reading,
    Status,
)

RANK = {status: rank for rank, status in enumerate(POSITION_STATUSES)}  # lower: worse
STATUS_ZH = {
    "meets": "符合", "acceptable": "可接受", "deviates": "偏离", "walk-away": "底线以外", "not-found": "未约定",
}
DIRECTION_ZH = {"at-most": "不超过", "at-least": "不低于"}

_SENTENCE_END = re.compile(r"[。！？；;!?\n]")
_PHRASE_END = re.compile(r"[，,、：:|]")
_MAX_READINGS = 6


def worst(statuses: Iterable[str]) -> str:
    return min(statuses, key=lambda s: RANK[s])


# ------------------------------------------------------------------ the text, as sentences
@dataclass(frozen=True)
class Passage:
    """A sentence of the contract: its text, its block, and where it is in the block's text."""

    text: str
    block: int
    start: int
    end: int


def passages(blocks: Sequence[TextBlock]) -> list[Passage]:
    """The sentences of every block (a sentence ends at 。！？； or a line break; the terminator is kept).
    A table row is read as one sentence too (its cells joined by ``|``), located in its first cell that
    states a quantity, or its first cell."""
    found: list[Passage] = []
    for index, block in enumerate(blocks):
        found.extend(_sentences(block.text, index))
    found.extend(_rows(blocks))
    return found


def _sentences(text: str, block: int) -> list[Passage]:
    result: list[Passage] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        _add(result, text, block, start, m.end())
        start = m.end()
    _add(result, text, block, start, len(text))
    return result


def _add(result: list[Passage], text: str, block: int, start: int, end: int) -> None:
    while start < end and text[start] in " \t\u3000\n":
        start += 1
    stripped = text[start:end].rstrip(" \t\u3000\n")
    if stripped:
        result.append(Passage(stripped, block, start, start + len(stripped)))


@dataclass(frozen=True)
class RowPassage(Passage):
    """A table row as one sentence; ``cells`` says where each cell's text starts in it."""

    cells: tuple[tuple[int, int], ...] = ()  # (offset in the row text, block index)


def _rows(blocks: Sequence[TextBlock]) -> list[Passage]:
    rows: dict[tuple[int, int], list[int]] = {}
    for index, block in enumerate(blocks):
        location = block.location
        if location.kind == "table-cell" and location.table is not None and location.row is not None:
            rows.setdefault((location.table, location.row), []).append(index)
    result: list[Passage] = []
    for indices in rows.values():
        if len(indices) < 2:
            continue
        text, cells = "", []
        for i in indices:
            if text:
                text += " | "
            cells.append((len(text), i))
            text += blocks[i].text
        result.append(RowPassage(text, indices[0], 0, len(text), tuple(cells)))
    return result


# ------------------------------------------------------------------ matching words
@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _holds(text: str, words: Iterable[str]) -> re.Match[str] | None:
    for word in words:
        m = _compiled(word).search(text)
        if m:
            return m
    return None


@cache
def _alternation(words: tuple[str, ...]) -> re.Pattern[str]:
    """One expression for a group of words: one search instead of one per word."""
    return re.compile("|".join(f"(?:{word})" for word in words))


def _on_topic(text: str, topic: Sequence[Sequence[str]]) -> bool:
    return all(_alternation(tuple(group)).search(text) for group in topic)


def _phrases(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _PHRASE_END.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


def _windows(text: str, quantities: list[Quantity]) -> list[str]:
    """Each quantity's own phrase, with the phrases before it that state no quantity."""
    phrases = _phrases(text)
    holding = [i for i, (a, b) in enumerate(phrases) if any(a <= q.start < b for q in quantities)]
    windows = []
    for q in quantities:
        here = next(i for i, (a, b) in enumerate(phrases) if a <= q.start < b or (q.start == b == len(text)))
        first = max((i + 1 for i in holding if i < here), default=0)
        windows.append(text[phrases[first][0]: phrases[here][1]])
    return windows


# ------------------------------------------------------------------ one position
@dataclass
class Context:
    """What judging a document's positions needs."""

    playbook: Playbook
    blocks: Sequence[TextBlock]
    passages: list[Passage]
    findings: Mapping[str, Finding]
    parties: Parties
    clause_of: Callable[[str], str | None]  # requirement id -> the standard's clause, None if not one
    judge_extra: Callable[[Extra], Finding] | None = None

    def __post_init__(self) -> None:
        self.party_patterns = self.parties.patterns(self.playbook.side)
        self._expanded: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._topical: dict[tuple[tuple[str, ...], ...], list[Passage]] = {}
        # Every passage's text joined, to find the passages on a topic with one search per topic.
        self._starts: list[int] = []
        texts, at = [], 0
        for passage in self.passages:
            self._starts.append(at)
            texts.append(passage.text)
            at += len(passage.text) + 1
        self._joined = "\n".join(texts)

    def words(self, words: Iterable[str]) -> tuple[str, ...]:
        """A playbook's patterns with ``{partner}`` … replaced by how this contract names the parties."""
        key = tuple(words)
        expanded = self._expanded.get(key)
        if expanded is None:
            expanded = self._expanded[key] = tuple(expand(w, self.party_patterns) for w in key)
        return expanded

    def on_topic(self, topic: Sequence[Sequence[str]]) -> list[Passage]:
        """The passages that hold one word of every group of ``topic`` (all of them for no topic), in order."""
        key = tuple(tuple(group) for group in topic)
        found = self._topical.get(key)
        if found is None:
            if not key:
                found = list(self.passages)
            else:
                from bisect import bisect_right

                first = _alternation(key[0])
                hits = sorted({bisect_right(self._starts, m.start()) - 1 for m in first.finditer(self._joined)})
                found = [self.passages[i] for i in hits if _on_topic(self.passages[i].text, key[1:])]
            self._topical[key] = found
        return found


def evaluate(
    playbook: Playbook,
    blocks: Sequence[TextBlock],
    findings: Sequence[Finding],
    pairs: Sequence[str],
    parties: Parties,
    *,
    applies: Callable[[str, set[str]], bool] | None = None,
    clause_of: Callable[[str], str | None] | None = None,
    judge_extra: Callable[[Extra], Finding] | None = None,
) -> tuple[PositionResult, ...]:
    """The playbook's positions that apply to a contract of ``pairs``, judged, worst first.

    ``applies(requirement_id, pairs)``: whether a catalogue requirement applies to those pairs (a
    position on a requirement of another pair is left out); ``judge_extra``: the checker's finding
    for one of the playbook's own requirements (without it they are not judged).
    """
    context = Context(playbook, blocks, passages(blocks), {f.requirement: f for f in findings}, parties,
                      clause_of or (lambda _id: None), judge_extra)
    chosen = []
    for position in playbook.positions_for(pairs):
        wanted = set(position.pairs or playbook.pairs) & set(pairs)
        requirement = position.requirement
        if requirement and not requirement.startswith("x-") and applies is not None and not applies(requirement,
                                                                                                  wanted):
            continue
        if position.kind == "requirement" and judge_extra is None:
            continue
        chosen.append(position)
    results = [judge_position(position, context) for position in chosen]
    order = {p.id: i for i, p in enumerate(chosen)}
    results.sort(key=lambda r: (RANK[r.status], order[r.position]))
    return tuple(results)


def judge_position(position: Position, context: Context) -> PositionResult:
    if position.measure is not None:
        readings = _number_readings(position, position.measure, context)
    elif position.wording is not None:
        readings = _wording_readings(position.wording, context)
    else:
        readings = _requirement_readings(position, context)
    contrary = _contrary(position, context)
    if contrary:
        readings = contrary + [r for r in readings if r.status != "walk-away"]
    return _result(position, readings[:_MAX_READINGS], context, anchor=_anchor(position, context, readings))


def _contrary(position: Position, context: Context) -> list[Reading]:
    finding = context.findings.get(position.requirement or "")
    if finding is None or finding.status is not Status.CONTRARY or position.kind == "requirement":
        return []
    return [Reading(evidence=e, status="walk-away", note="标准的相反约定（" + finding.clause + "）")
            for e in finding.evidence]


# -- numbers
def _number_readings(position: Position, measure: Measure, context: Context) -> list[Reading]:
    unit = measure.unit_key
    dimension = measure.dimension
    readings: list[Reading] = []
    for passage in context.on_topic(measure.topic):
        quantities = [q for q in find_quantities(passage.text)
                      if (q.unit is None and measure.assume_unit) or (q.unit and dimension_of(q.unit) == dimension)]
        if not quantities:
            phrase = next(((p, m) for p in measure.phrases if (m := _compiled(p.pattern).search(passage.text))), None)
            if phrase is not None:
                readings.append(_phrase_reading(measure, context, passage, *phrase))
            continue
        windows = _windows(passage.text, quantities)
        for quantity, window in zip(quantities, windows, strict=True):
            if measure.near and not _holds(window, measure.near):
                continue
            if measure.unless and _holds(window, measure.unless):
                continue
            readings.append(_reading(position, measure, context, passage, quantity, unit))
            break  # the first value of a sentence is the one it states for this position
    return _dedupe(readings)


def _phrase_reading(measure: Measure, context: Context, passage: Passage, phrase: Phrase,
                    m: re.Match[str]) -> Reading:
    evidence, _ = _evidence(context, passage, highlight=(m.start(), m.end()))
    return Reading(evidence=evidence, status=_grade(measure, phrase.value), value=m.group(0),
                   normalised=phrase.value, note=f"以文字约定，相当于{measure.text(phrase.value)}")


def _dedupe(readings: list[Reading]) -> list[Reading]:
    """A table row is also read cell by cell: one reading per passage and span."""
    seen, kept = set(), []
    for reading in readings:
        e = reading.evidence
        key = (e.location.paragraph, e.start + (reading.span[0] if reading.span else 0))
        if key not in seen:
            seen.add(key)
            kept.append(reading)
    return kept


def _reading(position: Position, measure: Measure, context: Context, passage: Passage, quantity: Quantity,
             unit: str) -> Reading:
    values = quantity.in_unit(unit, assumed=unit)
    assert values is not None
    low, high = (nice(v) for v in values)
    counted = high if measure.direction == "at-most" else low
    status = _grade(measure, counted)
    notes = []
    if quantity.unit is None:
        notes.append(f"合同未写明单位，按“{measure.unit_text}”理解")
        if RANK[status] > RANK["deviates"]:
            status = "deviates"
    if quantity.unit == "workday" and unit != "workday":
        notes.append(f"工作日按每5个工作日折合7日计，约{describe(counted, counted, unit)}")
    elif quantity.unit and unit == "workday" and quantity.unit != "workday":
        notes.append(f"折合约{describe(counted, counted, unit)}")
    elif quantity.unit and quantity.unit != unit and quantity.dimension == "duration":
        notes.append(f"折合{describe(counted, counted, unit)}")
    if quantity.is_range:
        notes.append(f"约定为区间，按对我方较不利的一端（{describe(counted, counted, unit)}）计")
    evidence, offset = _evidence(context, passage, quantity)
    start, end, replacement = quantity.number_start, quantity.value_end, None
    if status in ("deviates", "walk-away"):
        start, end, replacement = _replacement(context.playbook, measure, quantity, unit)
    return Reading(evidence=evidence, status=status, value=quantity.text.strip(), normalised=counted,
                   note="；".join(notes) or None, span=(start - offset, end - offset), replacement=replacement)


def _grade(measure: Measure, value: float) -> PositionStatus:
    def at_least_as_good(a: float, b: float) -> bool:
        return a <= b + 1e-9 if measure.direction == "at-most" else a >= b - 1e-9

    if at_least_as_good(value, measure.preferred):
        return "meets"
    if at_least_as_good(value, measure.acceptable):
        return "acceptable"
    if measure.walk_away is not None and not at_least_as_good(value, measure.walk_away) \
            or measure.walk_away is not None and abs(value - measure.walk_away) < 1e-9:
        return "walk-away"
    return "deviates"


def _replacement(playbook: Playbook, measure: Measure, quantity: Quantity, unit: str) -> tuple[int, int, str]:
    """(start, end, text) within the quantity's passage: the numerals alone when the unit stays, else the
    numerals with their unit — in the contract's own numerals."""
    target = measure.acceptable if playbook.propose == "fallback" else measure.preferred
    style = quantity.style
    if "百分之" in quantity.text and unit == "percent":
        return quantity.number_start, quantity.value_end, write_number(target, style, before_unit=False)
    if quantity.unit is not None and not quantity.is_range and not quantity.half:
        in_written = convert(target, unit, quantity.unit)
        if abs(in_written - round(in_written, 2)) < 1e-9 and in_written == int(in_written) or quantity.unit == unit:
            return quantity.number_start, quantity.number_end, write_number(nice(in_written), style)
    text = write_number(target, style) + measure.unit_text if style != "arabic" else measure.text(target)
    return quantity.number_start, quantity.value_end, text


def _evidence(context: Context, passage: Passage, quantity: Quantity | None = None,
              highlight: tuple[int, int] | None = None) -> tuple[Evidence, int]:
    """The passage as evidence (a table row: the cell that holds the value), and the offset of the
    evidence's text within the passage's."""
    text, block, start, offset = passage.text, passage.block, passage.start, 0
    if isinstance(passage, RowPassage):
        at = quantity.start if quantity is not None else (highlight[0] if highlight else 0)
        offset, block = max(((s, b) for s, b in passage.cells if s <= at), default=passage.cells[0])
        text = context.blocks[block].text
        start = 0
    highlights: tuple[tuple[int, int], ...] = ()
    if quantity is not None:
        highlights = ((quantity.start - offset, quantity.end - offset),)
    elif highlight is not None:
        highlights = ((highlight[0] - offset, highlight[1] - offset),)
    evidence = Evidence(text=text, location=context.blocks[block].location, start=start, end=start + len(text),
                        highlights=highlights, context=context.blocks[block].text)
    return evidence, offset


# -- wording
_LEVELS: tuple[tuple[str, PositionStatus], ...] = (
    ("walk_away", "walk-away"), ("deviates", "deviates"), ("acceptable", "acceptable"), ("meets", "meets"),
)


def _wording_readings(wording: Wording, context: Context) -> list[Reading]:
    readings = []
    for passage in context.on_topic(wording.topic):
        if isinstance(passage, RowPassage):
            continue
        for field_name, status in _LEVELS:
            patterns = context.words(getattr(wording, field_name))
            m = _alternation(patterns).search(passage.text) if patterns else None
            if m:
                evidence, _ = _evidence(context, passage, highlight=(m.start(), m.end()))
                readings.append(Reading(evidence=evidence, status=status))
                break
    return readings


# -- the firm's own requirements
_FROM_FINDING: dict[Status, PositionStatus] = {
    Status.SATISFIED: "meets", Status.PARTIAL: "deviates", Status.MISSING: "not-found", Status.CONTRARY: "walk-away",
}


def _requirement_readings(position: Position, context: Context) -> list[Reading]:
    extra = context.playbook.extra(position.requirement or "")
    if extra is None or context.judge_extra is None:
        return []
    finding = context.judge_extra(extra)
    status = _FROM_FINDING[finding.status]
    note = finding.explanation if status != "meets" else None
    readings = [Reading(evidence=e, status=status, note=note) for e in finding.evidence]
    if status == "not-found":  # a near miss: where the clause goes, not a reading
        return [Reading(evidence=e, status="not-found", note=note) for e in finding.evidence[:1]]
    if not readings:  # judged without a passage to quote
        readings = [Reading(evidence=Evidence(text="", location=context.blocks[0].location), status=status,
                            note=note)]
    return readings


# -- where a missing clause goes
def _anchor(position: Position, context: Context, readings: list[Reading]) -> Evidence | None:
    """For a position not found, the passage a clause inserted for it should follow: one of the
    ``place_after`` words; else a passage on its subject that has its near words; else a passage the
    standard's finding on its requirement quotes; else the first passage on its subject."""
    body = [p for p in context.passages if not isinstance(p, RowPassage)]
    if position.place_after:
        hits = [p for p in body if _holds(p.text, context.words(position.place_after))]
        if hits:
            return _evidence(context, hits[-1])[0]
    measure, wording = position.measure, position.wording
    topic = measure.topic if measure else wording.topic if wording else ()
    related = [p for p in context.on_topic(topic) if not isinstance(p, RowPassage)] if topic else []
    near = measure.near if measure else ()
    closest = [p for p in related if near and _holds(p.text, near)]
    if closest:
        return _evidence(context, closest[0])[0]
    finding = context.findings.get(position.requirement or "")
    if finding is not None and finding.evidence:
        return max(finding.evidence, key=lambda e: e.location.paragraph)
    if related:
        return _evidence(context, related[0])[0]
    return None


# ------------------------------------------------------------------ the result
def _result(position: Position, readings: list[Reading], context: Context, anchor: Evidence | None) -> PositionResult:
    playbook, measure = context.playbook, position.measure
    requirement = position.requirement
    clause = context.clause_of(requirement) if requirement and not requirement.startswith("x-") else None
    real = [r for r in readings if r.status != "not-found"]
    status: PositionStatus = worst(r.status for r in real) if real else "not-found"  # type: ignore[assignment]
    counted = [r for r in real if r.status == status]
    value = None
    if measure is not None and counted and counted[0].normalised is not None:
        value = describe(counted[0].normalised, counted[0].normalised, measure.unit_key)
    target = None
    if measure is not None:
        target = PositionTarget(
            direction=measure.direction, unit=measure.unit, preferred=measure.text(measure.preferred),
            acceptable=measure.text(measure.acceptable),
            walk_away=measure.text(measure.walk_away) if measure.walk_away is not None else None,
        )
    action = _action(position, status, counted)
    offered = None
    fallback = None
    if status != "meets":
        which = "fallback" if playbook.propose == "fallback" and status == "deviates" else "preferred"
        offered = proposal(playbook, position, context.parties, which)
        if position.fallback or measure is not None:
            fallback = proposal(playbook, position, context.parties, "fallback")
            if fallback == offered:
                fallback = None
    shown = readings if status != "not-found" else ([Reading(evidence=anchor, status="not-found",
                                                             note="相关约定，未写明本立场所需内容")]
                                                    if anchor is not None and position.kind != "requirement"
                                                    else readings)
    return PositionResult(
        position=position.id, title=position.title, kind=position.kind, status=status,
        explanation=_explain(position, status, value, counted, readings, clause, context),
        requirement=requirement, clause=clause, reason=position.why or None, value=value, target=target,
        readings=tuple(shown),
        action=action, proposal=offered, fallback=fallback,
    )


def _action(position: Position, status: str, counted: list[Reading]) -> PositionAction:
    if status == "meets":
        return "none"
    if status == "acceptable":
        return "comment"
    if status == "not-found":
        return "insert"
    if position.kind == "number" and status == "deviates" and all(r.replacement for r in counted):
        return "replace-value"
    if position.kind == "requirement" and status == "deviates":
        return "insert"
    return "replace-clause"


def _explain(position: Position, status: str, value: str | None, counted: list[Reading], readings: list[Reading],
             clause: str | None, context: Context) -> str:
    measure = position.measure
    own = (position.requirement or "").startswith("x-")
    where = f"（标准 {clause}）" if clause else ("（本所立场）" if own else "")
    head = f"{position.title}{where}：{STATUS_ZH[status]}。"
    if measure is not None:
        wanted = (f"立场：{DIRECTION_ZH[measure.direction]}{measure.text(measure.preferred)}为优选，"
                  f"{measure.text(measure.acceptable)}可接受")
        if measure.walk_away is not None:
            wanted += f"，{measure.text(measure.walk_away)}为底线"
        wanted += "。"
        if status == "not-found":
            return head + "合同未约定该数值。" + wanted
        values = [r.value for r in readings if r.value]
        said = "、".join(f"“{v}”" for v in dict.fromkeys(values))
        text = head + (f"合同约定{said}" if said else "合同有相反约定")
        if len(set(values)) > 1:
            text += f"，前后不一致，以对我方最不利的{value}计" if value else "，前后不一致"
        elif value:
            text += f"（按{value}计）"
        if any(r.status == "walk-away" and r.value is None for r in readings):
            text += "；并有与标准相反的约定"
        return text + "。" + wanted
    if status == "not-found":
        return head + "合同未见所需约定。"
    if position.kind == "requirement":
        note = next((r.note for r in readings if r.note), "")
        return head + (note or "")
    levels = {"meets": "采用了我方优选表述", "acceptable": "采用了可接受的表述", "deviates": "表述偏离我方立场",
              "walk-away": "表述与我方立场相反"}
    return head + f"合同{levels[status]}。"


def value_texts(position: Position, value: float | None) -> dict[str, str]:
    """The template variables of a number position (for ``playbook explain``)."""
    return value_context(position, value)
