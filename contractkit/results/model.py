"""Result objects the checker returns and every formatter reads.

They carry their own explanation (like presidio's recognizer results): each
finding says which requirement, how strong, what was found where, and why
that leads to its status.

They are frozen pydantic dataclasses: typed and validated when built (by
position or keyword, as before), ``dataclasses.replace`` works on them, and
they serialise themselves to the JSON report (schema ``contractkit.check/1``).
The docstrings of the classes and the descriptions of the fields below are the
report's documentation: ``contractkit.results.schema`` generates the JSON
Schema from them. Values a report must always be able to hold (error codes,
role ids, offsets) are checked by the schema only, never refused when a result
is built: an error report must never fail to be made.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Final, Literal, Required, Self

from pydantic import (
    AliasChoices,
    ConfigDict,
    Field,
    PlainSerializer,
    SerializerFunctionWrapHandler,
    TypeAdapter,
    computed_field,
    model_serializer,
)
from pydantic.dataclasses import dataclass, rebuild_dataclass
from typing_extensions import TypedDict

from contractkit.reading.model import BlockKind, Location

SCHEMA_VERSION: Final = "contractkit.check/1"
# A run with a playbook: /1 and, beside it, the playbook and each document's positions. A run without
# one is written as /1, byte for byte as before, so that readers of /1 never see a change.
SCHEMA_VERSION_PLAYBOOK: Final = "contractkit.check/2"

# A document's status: read and judged ("ok"), read but nobody's role could be
# determined so nothing was judged ("roles-unknown"), or not read ("error").
OK: Final = "ok"
ROLES_UNKNOWN: Final = "roles-unknown"
ERROR: Final = "error"
DocumentStatus = Literal["ok", "roles-unknown", "error"]
Strength = Literal["must", "should", "may"]
Source = Literal["inferred", "given"]
# Role ids of the catalogue (tests/test_results_schema.py keeps this in step with it).
ROLE_IDS = ("customer", "provider", "software", "hardware", "om", "security")
# Why a file under a folder was not checked (contractkit.checking.batch.collect decides).
SkipCode = Literal["unsupported", "misnamed", "not-included", "excluded", "hidden", "lock-file", "own-output"]

# Validators and serialisers are built on first use, not at import: importing the results stays cheap.
_CONFIG = ConfigDict(defer_build=True)


def _about(description: str, **schema_only: Any) -> Any:
    """A field's description, and constraints that go into the JSON Schema without being enforced."""
    return Field(description=description, json_schema_extra=schema_only or None)


class _Result:
    """What every result object does: turn into the report's JSON data and back."""

    def as_dict(self) -> dict[str, Any]:
        """The object as the JSON report has it (plain dicts, lists and strings)."""
        data: dict[str, Any] = _adapter(type(self)).dump_python(self, mode="json", by_alias=True)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """The inverse of ``as_dict`` (a report stored as JSON, e.g. in the review service's history).
        Keys the object computes (``summary``, ``where``) and unknown keys are ignored."""
        result: Self = _adapter(cls).validate_python(data)
        return result


_ADAPTERS: dict[type[_Result], TypeAdapter[Any]] = {}


def _adapter(cls: type[_Result]) -> TypeAdapter[Any]:
    """The pydantic adapter of a result class, built on first use."""
    adapter = _ADAPTERS.get(cls)
    if adapter is None:
        adapter = _ADAPTERS[cls] = TypeAdapter(cls)
    return adapter


def _in_order(
    data: dict[str, Any], order: tuple[str, ...], omitted_when_empty: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The serialised fields in the report's order (keys not named keep theirs, at the end)."""
    ordered = {key: data[key] for key in order if key in data}
    ordered.update((key, value) for key, value in data.items() if key not in ordered)
    for key in omitted_when_empty:
        if not ordered.get(key):
            ordered.pop(key, None)
    return ordered


class Status(StrEnum):
    SATISFIED = "satisfied"
    PARTIAL = "partial"
    MISSING = "missing"
    CONTRARY = "contrary"

    @property
    def label_zh(self) -> str:
        """The word reports use (已满足, 缺失 …), from the standard's vocabulary."""
        from contractkit.standard import default_standard

        return default_standard().vocabulary.zh("statuses", self.value)

    @property
    def is_problem(self) -> bool:
        return self is not Status.SATISFIED


# ------------------------------------------------------------------ how a Location is written
class LocationData(TypedDict, total=False):
    """Where a passage sits in its source file. Keys whose value would be null are left out."""

    # How the report writes a reading.model.Location: one key per field of it, in its order
    # (tests/test_results_schema.py keeps the two in step; a key missing here would be dropped).

    kind: Required[Annotated[BlockKind, Field(
        description="paragraph: body text; table-cell: a cell of a table; page: text of a PDF page.")]]
    paragraph: Required[Annotated[int, Field(
        description="0-based ordinal of the paragraph in document order. For .docx the index of the w:p among "
                    "all w:p under w:body (table cells included); for text files the index of the paragraph; "
                    "for PDF the index of the line in the page sequence.", ge=0)]]
    table: Annotated[int, Field(description="0-based index of the table (table cells only).", ge=0)]
    row: Annotated[int, Field(description="0-based row within the table (table cells only).", ge=0)]
    cell: Annotated[int, Field(description="0-based cell within the row (table cells only).", ge=0)]
    page: Annotated[int, Field(description="0-based page number (PDF only).", ge=0)]
    line: Annotated[int, Field(description="0-based line number, where the format has lines.", ge=0)]
    label: Annotated[str, Field(
        description="The clause label of the contract in force at this point, e.g. 第十二条 or 3.2.")]


def _location_data(location: Location) -> dict[str, str | int]:
    return location.as_dict()


class StatusCounts(TypedDict):
    """Number of results per status."""

    satisfied: Annotated[int, Field(description="Requirements the contract satisfies.", ge=0)]
    partial: Annotated[int, Field(description="Requirements the contract addresses only in part.", ge=0)]
    missing: Annotated[int, Field(description="Requirements the contract does not address.", ge=0)]
    contrary: Annotated[int, Field(description="Requirements the contract contradicts.", ge=0)]


def _json_values(value: Any) -> Any:
    """Free-form settings as the report always wrote them (json.dumps with default=str)."""
    return json.loads(json.dumps(value, default=str))


# ------------------------------------------------------------------ results
@dataclass(frozen=True, config=_CONFIG)
class Evidence(_Result):
    """A passage of the contract, where it is, and the terms in it that matched."""

    text: Annotated[str, _about("The sentence or clause quoted from the contract.")]
    location: Annotated[Location, PlainSerializer(_location_data, return_type=LocationData)]
    start: Annotated[int, _about(
        "Offset (in characters) of `text` within `context`: text == context[start:end].", minimum=0)] = 0
    end: Annotated[int, _about("End offset (exclusive) of `text` within `context`.", minimum=0)] = 0
    highlights: Annotated[
        tuple[tuple[
            Annotated[int, _about("start offset within text", minimum=0)],
            Annotated[int, _about("end offset within text (exclusive)", minimum=0)],
        ], ...],
        _about("Spans [start, end) of the matched terms, in characters relative to `text` (not to `context`)."),
    ] = ()
    context: Annotated[str, _about("The whole paragraph (or table cell) the passage sits in.")] = ""

    # mypy does not model a decorator over @property; pydantic documents this ignore for computed fields.
    @computed_field(description="The location described for a reader, e.g. 第十二条，第5段 or 表1 第2行 第3列.")  # type: ignore[prop-decorator]
    @property
    def where(self) -> str:
        return self.location.describe()

    _JSON_ORDER = ("text", "location", "where", "start", "end", "highlights", "context")

    # No return annotation: pydantic would take it for the serialised shape, and the report's JSON Schema
    # (results.schema) would lose every field.
    @model_serializer(mode="wrap")
    def _json(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]
        return _in_order(handler(self), self._JSON_ORDER)


@dataclass(frozen=True, config=_CONFIG)
class Finding(_Result):
    """Whether the contract meets one requirement of the standard, and why."""

    requirement: Annotated[str, _about(
        "Stable id of the requirement in contractkit's catalogue; reports and tools key on it.",
        pattern="^[0-9]+[a-z0-9]*(-[a-z0-9]+)+$",
        examples=["5a1-no-responsibility-transfer", "65c3-om-authorization-and-change"],
    )]
    clause: Annotated[str, _about(
        "The clause of the standard the requirement comes from, as the standard numbers it.",
        examples=["5 a) 1)", "6.5 c) 3)", "7.3"],
    )]
    summary: Annotated[str, _about("What the requirement asks, in our own words (Chinese).")]
    strength: Annotated[Strength, _about(
        "How strongly the standard words the requirement: must 应/不应/不得, should 宜, may 可.")]
    status: Annotated[Status, _about(
        "satisfied 已满足: the contract says it; partial 部分满足: it says part of it; missing 缺失: it does not "
        "say it; contrary 相反约定: it says the opposite.")]
    explanation: Annotated[str, _about("Why the finding has its status, in plain language.")]
    evidence: Annotated[tuple[Evidence, ...], _about(
        "Passages of the contract the status rests on; empty when nothing relevant was found.")] = ()
    suggestion: Annotated[str | None, _about(
        "A clause to add or reword so the contract meets the requirement, written with the parties' names; "
        "null when none is needed.")] = None
    consequence: Annotated[str | None, _about(
        "What the standard says follows when the requirement is not met; null when it says nothing.")] = None


@dataclass(frozen=True, config=_CONFIG)
class PartyResult(_Result):
    """A party of the contract."""

    label: Annotated[str, _about("How the contract refers to the party, e.g. 甲方, 乙方, 委托方, 采购人.")]
    name: Annotated[str | None, _about("The organisation's name when the party block gives it, else null.")] = None
    roles: Annotated[tuple[str, ...], _about(
        "Cloud-service roles of the party under the standard: customer 云服务客户, provider 云服务提供者, "
        "software 软件提供者, hardware 硬件提供者, om 运维服务提供者, security 安全服务提供者. "
        "Empty when none could be inferred.",
        items={"enum": list(ROLE_IDS)},
    )] = ()
    source: Annotated[Source, _about(
        "inferred: the checker deduced the roles from the contract's wording (see reasons); "
        "given: the user stated them.")] = "inferred"
    reasons: Annotated[tuple[str, ...], _about(
        "Why the roles were inferred: the phrases of the contract that led to them.")] = ()
    aliases: Annotated[tuple[str, ...], _about("Other names the contract uses for the same party.")] = ()


@dataclass(frozen=True, config=_CONFIG)
class DocumentError(_Result):
    """Why the file could not be read. Present exactly when status is error."""

    # The schema lists the codes of contractkit.reading.errors.ERROR_ADVICE (see results.schema).
    code: Annotated[str, _about(
        "Stable machine-readable reason; scripts should branch on this, never on the message. "
        "not-found: no such file; unreadable: no permission; too-large: above the size limit; empty: no content; "
        "unsupported: not a format contractkit reads; legacy-doc: old binary Word .doc; wps: WPS document; "
        "encrypted: password-protected; corrupt: damaged file; zip-bomb: expands to an implausible size; "
        "doctype: declares a DOCTYPE (possible entity attack); no-text: no text layer (a scan); "
        "encoding: not decodable text; timeout: took too long; crashed: unexpected failure; "
        "memory: needed too much memory; unknown-party: a role was given for a party label the contract "
        "does not use (the message lists the labels it uses).")]
    message: Annotated[str, _about(
        "Human-readable message naming the file, what went wrong and what to do about it. "
        "Wording may change between releases.")]


# ------------------------------------------------------------------ playbook positions (contractkit.check/2)
PositionStatus = Literal["meets", "acceptable", "deviates", "walk-away", "not-found"]
POSITION_STATUSES: tuple[str, ...] = ("walk-away", "deviates", "not-found", "acceptable", "meets")  # worst first
PositionKind = Literal["number", "wording", "requirement"]
PositionAction = Literal["none", "comment", "replace-value", "replace-clause", "insert"]


@dataclass(frozen=True, config=_CONFIG)
class Reading(_Result):
    """A passage a position rests on: the value the contract states there (number positions), or the
    wording graded there, and how it compares with the playbook."""

    evidence: Evidence
    status: Annotated[PositionStatus, _about("How this passage alone compares with the playbook's position.")]
    value: Annotated[str | None, _about(
        "The value as the contract writes it (二十四小时, 三个工作日, 百分之五十, 人民币伍拾万元); null for "
        "wording.")] = None
    normalised: Annotated[float | None, _about(
        "The value in the position's unit (working days counted 7 days to 5; a range at its end that is worse "
        "for the playbook's side); null for wording.")] = None
    note: Annotated[str | None, _about(
        "What the reader should know about how the value was read (no unit written, working days converted, "
        "a range).")] = None
    span: Annotated[tuple[
        Annotated[int, _about("start offset within evidence.text", minimum=0)],
        Annotated[int, _about("end offset within evidence.text (exclusive)", minimum=0)],
    ] | None, _about("Where the value (numerals and unit) is within `evidence.text`: what a redline replaces.")] = None
    replacement: Annotated[str | None, _about(
        "What a redline writes instead of the value at `span`, in the contract's own numerals; null when the "
        "passage needs no change or the whole clause is replaced.")] = None


@dataclass(frozen=True, config=_CONFIG)
class PositionTarget(_Result):
    """The playbook's values for a number position, each written with its unit."""

    direction: Annotated[Literal["at-most", "at-least"], _about(
        "at-most: lower is better for the playbook's side (a deadline); at-least: higher is better (a cap).")]
    unit: Annotated[str, _about("The unit of the values (小时, 日, 工作日, 层, %, 元 …).")]
    preferred: Annotated[str, _about("The value the firm asks for, e.g. 2小时.")]
    acceptable: Annotated[str, _about("The worst value accepted without escalation.")]
    walk_away: Annotated[str | None, _about("At or beyond this value the firm does not sign; null: none set.")] = None


@dataclass(frozen=True, config=_CONFIG)
class PositionResult(_Result):
    """How the contract stands against one position of the playbook."""

    position: Annotated[str, _about("The position's id in the playbook.")]
    title: Annotated[str, _about("The position in a few words (Chinese).")]
    kind: Annotated[PositionKind, _about(
        "number: a value the contract states (deadline, period, count, percentage, amount); wording: graded "
        "wording; requirement: one of the firm's own requirements, judged by the checker.")]
    status: Annotated[PositionStatus, _about(
        "meets 符合: at or better than the preferred position; acceptable 可接受: within the fallback; deviates "
        "偏离: worse than acceptable; walk-away 底线以外: at or beyond the walk-away value, or contrary wording; "
        "not-found 未约定: the contract does not state it. With several passages the worst counts.")]
    explanation: Annotated[str, _about("Why the position has its status, in plain language (Chinese).")]
    requirement: Annotated[str | None, _about(
        "The catalogue requirement the position refines, or the id (x-…) of the firm's own requirement.")] = None
    clause: Annotated[str | None, _about("The standard's clause of that requirement; null for the firm's own.")] = None
    reason: Annotated[str | None, _about("The firm's reason for the position, from the playbook.")] = None
    value: Annotated[str | None, _about(
        "The value that counts (the worst read), in the position's unit, e.g. 24小时; null when none was read.")] = None
    target: Annotated[PositionTarget | None, _about("The playbook's values (number positions only).")] = None
    readings: Annotated[tuple[Reading, ...], _about(
        "Every passage the status rests on; with conflicting values, each of them.")] = ()
    action: Annotated[PositionAction, _about(
        "What a redline does: none; comment (acceptable, noted); replace-value (the number, in place); "
        "replace-clause (a tracked deletion and the proposed clause in its place); insert (the proposed clause "
        "where it belongs).")] = "none"
    proposal: Annotated[str | None, _about(
        "The clause to propose, rendered with the contract's party labels; null when the position is met.")] = None
    fallback: Annotated[str | None, _about("The clause to concede to in negotiation; null when none.")] = None

    @property
    def is_problem(self) -> bool:
        return self.status in ("deviates", "walk-away", "not-found")


class PlaybookData(TypedDict):
    """The playbook a run checked positions against."""

    name: Annotated[str, Field(description="The playbook's name.")]
    version: Annotated[str, Field(description="The playbook's own version.")]
    side: Annotated[str, Field(description="Whose side its positions are written for (a role id).")]
    pairs: Annotated[list[str], Field(description="The pairs it applies to.")]
    source: Annotated[str | None, Field(description="The file it was read from.")]


@dataclass(frozen=True, config=_CONFIG)
class DocumentReport(_Result):
    """The result for one file: it was read and checked (status ok); it was read but no party's
    cloud-service role could be determined, so nothing was judged (status roles-unknown); or it
    could not be read (status error, with `error`)."""

    path: Annotated[Path, _about("The file's path as given to the checker.")]
    status: Annotated[DocumentStatus, _about(
        "ok: the file was read and checked; roles-unknown: the file was read, but no party's role in the "
        "cloud service (customer, provider or partner) could be determined, so no requirement was judged: "
        "`results` is empty, `parties` lists the parties found so that roles can be given, and `notes` says "
        "why. It is never a pass (the command line exits with status 1): give the roles (`--role LABEL=ROLE` "
        "or `--as OUR-NAME` on the command line, `roles` in the review service's recheck request) and check "
        "again. error: it could not be read or checked (see `error`). An ok document with no results had no "
        "requirement that applies to its parties (see `notes`).")]
    error: DocumentError | None = None
    format: Annotated[str | None, _about(
        "The file format as read (docx, odt, pdf, txt or md); null when the file could not be identified.",
        examples=["docx", "odt", "pdf", "txt", "md"],
    )] = None
    parties: Annotated[tuple[PartyResult, ...], _about(
        "The parties of the contract and the cloud-service roles each plays.")] = ()
    pairs: Annotated[tuple[str, ...], _about(
        "The agreement relationships (pairs of roles signing with each other) the requirements were chosen "
        "for, e.g. customer-provider or provider-om.",
        items={
            "type": "string",
            "pattern": "^[a-z]+-[a-z]+$",
            "examples": ["customer-provider", "provider-software", "provider-hardware", "provider-om",
                         "provider-security"],
        },
    )] = ()
    findings: Annotated[tuple[Finding, ...], Field(
        serialization_alias="results",
        validation_alias=AliasChoices("findings", "results"),
        description="One finding per requirement that applies to the document's pairs, in catalogue order. "
                    "Empty for error and roles-unknown documents.",
    )] = ()
    notes: Annotated[tuple[str, ...], _about(
        "Remarks about the check as a whole, in the user's language, e.g. that no cloud roles could be "
        "inferred.")] = ()  # e.g. "no cloud roles could be inferred"
    positions: Annotated[tuple[PositionResult, ...], _about(
        "contractkit.check/2 only: one result per position of the playbook that applies to the document's "
        "pairs, worst first; left out when the run had no playbook.")] = ()
    seconds: Annotated[float, Field(exclude=True)] = 0.0  # time taken; not part of the report

    @property
    def roles_unknown(self) -> bool:
        """Read, but no party's role could be determined: nothing was judged, so never a pass."""
        return self.status == ROLES_UNKNOWN

    @property
    def must_problems(self) -> list[Finding]:
        return [
            f
            for f in self.findings
            if f.strength == "must" and f.status in (Status.MISSING, Status.CONTRARY)
        ]

    def counts(self) -> dict[str, int]:
        counts = {status.value: 0 for status in Status}
        for finding in self.findings:
            counts[finding.status.value] += 1
        return counts

    @computed_field(description="Number of results per status.")  # type: ignore[prop-decorator]  # as on Evidence.where
    @property
    def summary(self) -> StatusCounts:
        counts = self.counts()
        return StatusCounts(
            satisfied=counts[Status.SATISFIED], partial=counts[Status.PARTIAL], missing=counts[Status.MISSING],
            contrary=counts[Status.CONTRARY],
        )

    _JSON_ORDER = ("path", "status", "format", "parties", "pairs", "summary", "notes", "results", "positions",
                   "error")
    _OMITTED_WHEN_EMPTY = ("error", "positions")

    @model_serializer(mode="wrap")
    def _json(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]  # see Evidence._json
        return _in_order(handler(self), self._JSON_ORDER, self._OMITTED_WHEN_EMPTY)


@dataclass(frozen=True, config=_CONFIG)
class SkippedFile(_Result):
    """A file found in a folder given to the checker that was not checked, and why: a type contractkit
    does not read, a lock or hidden file, a report contractkit wrote, or one left out by the include and
    exclude patterns. Files named directly are always checked (an unreadable one is a document with
    status error)."""

    path: Annotated[Path, _about("The file's path, under the folder given to the checker.")]
    reason: Annotated[str, _about(
        "Why the file was not checked and what to do about it, in the user's language, e.g. "
        "“WPS 文字文件（.wps）：请用 WPS 另存为 .docx 后再检查”. Wording may change between releases.")]
    code: Annotated[SkipCode, _about(
        "Stable machine-readable reason. unsupported: a file type contractkit does not read (the reason says "
        "what to convert it to); misnamed: its content is a format contractkit reads but its extension says "
        "otherwise (rename it); not-included: a type contractkit reads that the include patterns "
        "(--include) leave out; excluded: it matches an exclude pattern (--exclude); hidden: a dot file or "
        "folder (.DS_Store, ._合同.docx, .git, or macOS's __MACOSX; such a folder is not searched, and is "
        "listed once); lock-file: a lock or temporary "
        "file an editor keeps beside an open document (~$合同.docx); own-output: a report or annotated copy "
        "contractkit wrote.")]


def _default_standard_code() -> str:
    from contractkit.standard import default_standard

    return default_standard().code


@dataclass(frozen=True, config=_CONFIG)
class CheckRun(_Result):
    """What `contractkit check --format json` writes: one run of the checker over one or many contracts,
    each contract checked against the requirements of T/CCIA 004-2024《云计算服务安全责任划分规则及实施指南》.
    Every finding says which requirement, how strongly the standard words it, whether the contract
    satisfies it, lacks it or says the opposite, why, and where in the contract the evidence is. The layout
    is versioned by the top-level `schema` field; fields are never removed or renamed within a version."""

    documents: Annotated[tuple[DocumentReport, ...], _about(
        "One entry per file checked, in the order the files were given.")]
    standard: Annotated[str, _about(
        "Code of the standard the contracts were checked against.", examples=["T/CCIA 004-2024"])] = Field(
        default_factory=lambda: _default_standard_code())
    settings: Annotated[dict[str, Any], PlainSerializer(_json_values, return_type=dict[str, Any])] = Field(
        default_factory=dict,
        description="The options the checker ran with (for example roles or pairs given by the user, optional "
                    "conditions such as cii or multi-cloud). Free-form: keys may be added without a new schema "
                    "version.",
    )
    skipped: Annotated[tuple[SkippedFile, ...], _about(
        "Files found in the folders given to the checker that were not checked, each with why; left out when "
        "there are none (reports before it existed never have it).")] = ()
    playbook: Annotated[PlaybookData | None, _about(
        "contractkit.check/2 only: the playbook the documents' positions were checked against; left out "
        "when the run had none (the report is then contractkit.check/1).")] = None

    @computed_field(alias="schema", description=(  # type: ignore[prop-decorator]  # as on Evidence.where
        "Version of this report layout. Consumers should check it before reading the rest."))
    @property
    def schema_version(self) -> Literal["contractkit.check/1", "contractkit.check/2"]:
        return SCHEMA_VERSION_PLAYBOOK if self.playbook is not None else SCHEMA_VERSION

    _JSON_ORDER = ("schema", "standard", "settings", "playbook", "documents", "skipped")
    _OMITTED_WHEN_EMPTY = ("skipped", "playbook")

    @model_serializer(mode="wrap")
    def _json(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]  # see Evidence._json
        return _in_order(handler(self), self._JSON_ORDER, self._OMITTED_WHEN_EMPTY)

    def status_counts(self) -> dict[str, int]:
        """How many documents were judged (OK), could not be judged for want of roles
        (ROLES_UNKNOWN) and could not be read (ERROR); each counted once, never merged."""
        counts = {OK: 0, ROLES_UNKNOWN: 0, ERROR: 0}
        for document in self.documents:
            counts[document.status] = counts.get(document.status, 0) + 1
        return counts

    @property
    def exit_code(self) -> int:
        """0: every document judged and no must-level item missing or contrary;
        1: some are, or some document's roles could not be determined (nothing judged, not a pass);
        2: a file could not be read. Skipped files (``skipped``) were not checked and do not count."""
        if any(d.status == ERROR for d in self.documents):
            return 2
        if any(d.roles_unknown or d.must_problems for d in self.documents):
            return 1
        if any(p.status == "walk-away" for d in self.documents for p in d.positions):
            return 1  # a playbook position beyond its walk-away value
        return 0


RESULT_TYPES = (Evidence, Finding, PartyResult, DocumentError, DocumentReport, SkippedFile, CheckRun, Reading,
                PositionTarget, PositionResult)


# pydantic builds a deferred dataclass's schema on first use. When the first result a process builds
# holds no evidence (a contract where nothing was found), the nested schema of Evidence's location is
# left unfilled ("definition LocationData was never filled") and the report cannot even be made.
# Building Evidence's schema first, here (~20 ms, only where results are made), makes every order work.
rebuild_dataclass(Evidence)  # type: ignore[arg-type]  # a pydantic dataclass, which mypy cannot see
