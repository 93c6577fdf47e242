"""Check one contract: read → understand → judge each requirement → report.

``Checker`` holds what is expensive to build (the NLP pipeline, the
catalogue) and is reused for every file a process checks.
"""

from __future__ import annotations

import gc
import re
import time
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from contractkit.catalogue import Requirement, UnknownName
from contractkit.checking import CONTEXT_READERS
from contractkit.checking.rules.evaluate import AnalysedSentence, Sentences, judge, to_evidence
from contractkit.checking.rules.model import TABLE_ROW
from contractkit.checking.understanding.anaphora import FORMER_OR_LATTER, former_and_latter
from contractkit.checking.understanding.continuation import (
    continued,
    paired,
    provisos,
    semicolon_clauses,
    unowned_checks,
)
from contractkit.checking.understanding.letters import in_letter, letter_voices
from contractkit.checking.understanding.lists import annex_items, list_items
from contractkit.checking.understanding.nlp import Match, NlpEngine, Sentence, make_engine
from contractkit.checking.understanding.overrides import overrides
from contractkit.checking.understanding.parties import PartyAnalysis, UnknownPartyLabel, analyse_parties
from contractkit.checking.understanding.questions import answers, is_question
from contractkit.checking.understanding.references import resolve_references
from contractkit.checking.understanding.register import modern
from contractkit.checking.understanding.sections import Section, in_section, sections_in_force
from contractkit.checking.understanding.special_terms import POINTS_TO_ANNEX, POINTS_TO_SPECIAL, left_open
from contractkit.checking.understanding.statements import (
    BOTH_PARTIES,
    OUTSIDER,
    Mention,
    Statement,
    answering_party,
    carried,
    carried_duty,
    chain_subject,
    find_mentions,
    hands_on,
    is_deferred,
    is_definition,
    is_heading,
    is_hypothetical,
    may_answer,
    outside,
    statements,
    void_quotes,
)
from contractkit.organisation import Organisation
from contractkit.reading.errors import ReadError
from contractkit.reading.model import SourceDocument
from contractkit.results.model import ROLES_UNKNOWN, DocumentError, DocumentReport, Evidence, Finding, Status
from contractkit.standard import Standard, default_standard

if TYPE_CHECKING:
    from contractkit.checking.rules.model import Spans
    from contractkit.checking.understanding.tables import Tables
    from contractkit.generation.parameters import ParameterSet
    from contractkit.playbooks.model import Playbook
    from contractkit.reading import ReadLimits
    from contractkit.requests import RoleAssignments


@dataclass(frozen=True)
class CheckSettings:
    """How to check (frozen, like black's Mode). Defaults live here only."""

    roles: RoleAssignments = field(default_factory=dict)  # party label -> role ids
    options: frozenset[str] = frozenset()
    limits: ReadLimits | None = None  # None: the reader's defaults
    suggestions: bool = True
    # Also judge these requirement ids whatever the pairs (used to measure rules on any contract).
    extra_requirements: tuple[str, ...] = ()
    # Whose side we are on: that party gets our role, the other side's follows from the subject matter.
    organisation: Organisation | None = None
    # The firm's positions to judge beside the standard's requirements (contractkit.playbooks).
    playbook: Playbook | None = None
    # Context readers to leave out (contractkit.checking.CONTEXT_READERS), to measure what each changes.
    without: frozenset[str] = frozenset()
    # The learned second reading of a short clause (contractkit.checking.clause_model); off to measure it.
    clause_model: bool = True

    def __post_init__(self) -> None:
        frozen = {label: tuple(roles) for label, roles in self.roles.items()}
        object.__setattr__(self, "roles", MappingProxyType(frozen))
        object.__setattr__(self, "options", frozenset(self.options))
        object.__setattr__(self, "without", frozenset(self.without))
        unknown = self.without - set(CONTEXT_READERS)
        if unknown:
            raise ValueError(f"unknown context reader {sorted(unknown)[0]!r}: choose from {', '.join(CONTEXT_READERS)}")

    def __reduce__(self) -> tuple[type[CheckSettings], tuple[object, ...]]:
        """Picklable (a mapping proxy is not): rebuilt from its fields, ``roles`` as a plain dict, so that
        settings travel to the processes of any executor (``contractkit.checking.workers.check_file``)."""
        from dataclasses import fields

        values = [getattr(self, f.name) for f in fields(self)]
        return type(self), tuple(dict(v) if isinstance(v, MappingProxyType) else v for v in values)


class Checker:
    def __init__(
        self,
        settings: CheckSettings | None = None,
        engine: NlpEngine | None = None,
        standard: Standard | None = None,
    ):
        self.settings = settings or CheckSettings()
        self.standard = standard or default_standard()
        self.catalogue = self.standard.catalogue
        self.lexicons = self.standard.lexicons
        self.engine = engine or make_engine(lexicons=self.lexicons)
        self._validate_settings()

    def _validate_settings(self) -> None:
        role_ids = {r.id for r in self.catalogue.roles}
        for roles in self.settings.roles.values():
            for role in roles:
                if role not in role_ids:
                    raise UnknownName("role", role, sorted(role_ids))
        for option in self.settings.options:
            self.catalogue.condition(option)
        if self.settings.organisation and self.settings.organisation.role not in role_ids:
            raise UnknownName("role", self.settings.organisation.role, sorted(role_ids))

    def check_path(self, path: str | Path, display_name: str | None = None) -> DocumentReport:
        """Read and check one file; ``display_name``: how a read error's message names it (default: the path)."""
        from contractkit.reading import read_document

        started = time.perf_counter()
        with _collector_paused():
            try:
                source = read_document(path, self.settings.limits, display_name=display_name)
            except ReadError as exc:
                return DocumentReport(
                    path=Path(path), status="error", error=DocumentError(exc.code, exc.message),
                    seconds=time.perf_counter() - started,
                )
            report = self.check_document(source)
        return _with_time(report, time.perf_counter() - started)

    def check_document(self, source: SourceDocument) -> DocumentReport:
        with _collector_paused():
            return self._check_document(source)

    def _check_document(self, source: SourceDocument) -> DocumentReport:
        texts = [block.text for block in source.blocks]
        sentences = self.engine.analyse([modern(text) for text in texts])
        given = {label: list(roles) for label, roles in self.settings.roles.items()}
        try:
            parties = analyse_parties(texts, self.standard, given, self.settings.organisation)
        except UnknownPartyLabel as exc:
            return DocumentReport(
                path=source.path, status="error", format=source.format,
                error=DocumentError("unknown-party", str(exc)),
            )
        taken_back = overrides(texts) if "overrides" not in self.settings.without else []
        voided = frozenset(block for o in taken_back for block in o.blocks)
        flat = [s for block in sentences for s in block if s.block not in voided]
        from contractkit.checking.understanding.tables import cell_blocks, table_rows  # see _table_rows

        tables = table_rows(source.blocks)  # read once: rows as sentences, and where the tables stand
        analysed = Sentences(self._read(source, flat, parties, voided, tables), cell_blocks(tables))
        options, notes = self._options_for(source)
        notes += tuple(f"合同{o.clause}已被其后条款排除适用（“{o.sentence}”），其内容未计入检查" for o in taken_back)
        requirements = self.catalogue.select(set(parties.pairs), options)
        for extra in self.settings.extra_requirements:
            requirement = self.catalogue.requirement(extra)
            if requirement not in requirements:
                requirements.append(requirement)
        suggest = (_Suggestions(self.standard, parties, options, _cloud_named(source.text))
                   if self.settings.suggestions else None)
        findings = tuple(self._finding(req, analysed, parties, source, suggest) for req in requirements)
        findings, reread = self._second_readings(source, findings, suggest, analysed, parties)
        if reread:
            notes += (f"本文为短条款，{reread}项结论按所学条款措辞作了改判（见各项说明）",)
        report = DocumentReport(
            path=source.path,
            # Never a false pass: with no pair, nothing was judged.
            status="ok" if parties.pairs or findings else ROLES_UNKNOWN,
            format=source.format,
            parties=parties.parties,
            pairs=parties.pairs,
            findings=findings,
            notes=parties.notes + notes,
        )
        if self.settings.playbook is not None and report.status == "ok":
            # The playbook's positions (contractkit.playbooks): read from the same text and findings; the
            # firm's own requirements are judged here like the catalogue's, without a suggestion.
            from contractkit.playbooks.checking import positions_of

            def judge_extra(req: Requirement) -> Finding:
                return self._finding(req, analysed, parties, source, None)

            report = replace(report, positions=positions_of(self.settings.playbook, source, report, self.standard,
                                                            judge_extra))
        return report

    def _read(self, source: SourceDocument, flat: list[Sentence], parties: PartyAnalysis,
              voided: frozenset[int] = frozenset(), tables: Tables | None = None) -> list[AnalysedSentence]:
        """The sentences as the rules read them: each with its parties, in its section, and again in
        context (乙方应予配合 with the sentence before it; a division table's row as a sentence)."""
        texts = [block.text for block in source.blocks]
        headings = [source.blocks[s.block].heading or is_heading(s.text) for s in flat]
        use = set(CONTEXT_READERS) - self.settings.without
        if "references" in use:  # 出现上述情况时，乙方应及时修复: read with what it points at.
            flat = resolve_references(flat, texts, headings, self.standard.referent_concepts)
        rows, row_blocks, division_headers = (self._table_rows(source, parties, tables) if "tables" in use
                                              else ([], frozenset(), frozenset()))
        if division_headers:  # 委托事项 | 实施方 over rows naming who does each: the division is the table's
            header = [s for s in flat if s.block in division_headers]
            # 工作 | 医院 | 云帆 names no 实施方, but each row names who does the work: the header says so.
            doer = () if any("responsible_party" in s.labels for s in header) else ("responsible_party",)
            flat = [_dividing(s, doer) if s.block in division_headers else s for s in flat]
        known: dict[int, tuple[Mention, ...]] = {}

        def party_of(name: str) -> str | None:
            named = find_mentions(name, parties.aliases, parties.pattern)
            return named[0].party if named else None

        # 承诺函 … 我司接受贵司的监督检查 … 承诺单位：X: the letter's 我司 is X, its 贵司 the one addressed.
        voices = letter_voices(texts, party_of) if "letters" in use else {}

        def mentions_of(i: int) -> tuple[Mention, ...]:
            if i not in known:
                found = find_mentions(flat[i].text, parties.aliases, parties.pattern)
                if flat[i].block in voices:
                    found = in_letter(flat[i].text, found, *voices[flat[i].block])
                if "anaphora" in use and FORMER_OR_LATTER.search(flat[i].text):
                    # 启明与华软约定：后者应向前者披露…: the two parties named last.
                    found = former_and_latter(flat[i].text, found,
                                              lambda k: mentions_of(i - k) if i >= k else (),
                                              lambda k: flat[i - k].text if i >= k else "")
                known[i] = tuple(found)
            return known[i]

        # Under "乙方的权利和义务", an item that names no party of its own is 乙方's.
        sections = (
            sections_in_force([s.text for s in flat], mentions_of, headings.__getitem__)
            if "sections" in use else [None] * len(flat)
        )
        said_by: dict[int, tuple[Statement, ...]] = {}

        def said_in(i: int) -> tuple[Statement, ...]:
            """Sentence i's statements; after a ；, a clause with no subject goes on with the one before."""
            if i not in said_by:
                said = tuple(statements(flat[i], list(mentions_of(i))))
                if i and flat[i - 1].block == flat[i].block and hands_on(flat[i - 1].text):
                    if any(s.actor is None for s in said):
                        said = carried(said, chain_subject(said_in(i - 1)))
                    elif not said:
                        said = carried_duty(said_in(i - 1), flat[i].text, mentions_of(i))
                said_by[i] = said
            return said_by[i]

        # Only a sentence holding some concept can meet a requirement (sentences.Sentences): only those
        # are read further (four in ten hold none).
        chains = "chains" in use
        questions = "questions" in use
        open_blocks = {o.block: o for o in left_open(texts)} if "special_terms" in use else {}

        def still_open(s: Sentence) -> str:
            """具体标准见专用条款, with 专用条款第N条 blank (or 见附件三, with 附件三 待定): why what the sentence
            settles is open ("" if not)."""
            o = open_blocks.get(s.block)
            if o is None or not (POINTS_TO_SPECIAL.search(s.text) or POINTS_TO_ANNEX.search(s.text)):
                return ""
            return f"该句将具体内容指向{o.clause}，而{o.clause}{o.why}"

        analysed = {
            # (a definition or a question, like a heading, says nothing to check; it stays what a reference
            # points to)
            i: _analyse(s, parties, heading=heading or is_definition(s.text) or questions and is_question(s.text),
                        mentions=mentions_of(i), section=section,
                        said=partial(said_in, i) if chains else None, left_open=still_open(s))
            for i, (s, heading, section) in enumerate(zip(flat, headings, sections, strict=True)) if s.labels
        }
        continuations = []
        if "continuations" in use:
            continuations += continued(flat, texts, self.standard.continuing_concepts, is_deferred)
            continuations += paired(flat, texts, lambda i: answering_party(flat[i].text, mentions_of(i))
                                    if may_answer(flat[i].text) else None)
            continuations += semicolon_clauses(flat, texts, lambda i: bool(mentions_of(i)))
            continuations += unowned_checks(flat, lambda i: frozenset(
                m.party for m in mentions_of(i) if m.party), OUTSIDER)
        if "provisos" in use:  # …。但…的，乙方可暂缓修复: the proviso read with what it qualifies.
            continuations += provisos(flat, texts)
        if "lists" in use:  # "乙方应当履行下列义务：（一）接受甲方的监督检查；" — each item with its lead-in.
            continuations += list_items(flat, texts, headings, mentions_of)
            continuations += annex_items(flat, texts, mentions_of)  # …不得实施附件四所列行为 with its items
        if "questions" in use:  # 问：乙方发现安全事件后要做什么？ 答：乙方应…: each answer with its question.
            continuations += answers(flat)
        for c in continuations:
            for index in (c.replaces, c.absorbs):
                if index is not None:
                    analysed.pop(index, None)
        # A row read as a sentence speaks for its cells: a cell alone ("负责与主管部门的沟通") has lost its party.
        kept = [a for a in analysed.values() if a.sentence.block not in row_blocks]
        kept += [_analyse(c.sentence, parties, quote=c.quote, passage=c.passage, left_open=still_open(c.sentence))
                 for c in continuations]
        return kept + [row for row in rows if row.sentence.block not in voided]

    def _table_rows(self, source: SourceDocument, parties: PartyAnalysis, tables: Tables | None = None
                    ) -> tuple[list[AnalysedSentence], frozenset[int], frozenset[int]]:
        """Division-of-work table rows read as sentences ("乙方负责漏洞修复，时限为24小时内"), quoted
        by their work cell (understanding/tables.py); the blocks those rows, and the headers of tables
        of business (事项 | 责任方 over invoices) or with rows nobody does yet, stand in; and the headers
        of the other division tables."""
        from contractkit.checking.understanding.tables import open_cell, read_tables

        words = self.standard.table_words
        if words is None:
            return [], frozenset(), frozenset()

        def names_a_party(text: str) -> bool:
            """Is the text a party's label or name, or does it hold one (甲方职责 → 甲方)?"""
            return bool(find_mentions(text, parties.aliases, parties.pattern))

        reading = read_tables(source.blocks, words, names_a_party, tables)
        rows = reading.rows
        said_rows = [
            _analyse(replace(said, block=row.anchor.block, start=row.anchor.start, end=row.anchor.end), parties,
                     quote=row.anchor.text, passage=TABLE_ROW, left_open=open_cell(row))
            for row, sentences in zip(rows, self.engine.analyse([modern(row.text) for row in rows]), strict=True)
            for said in sentences
        ]
        stand_in = reading.business_headers | reading.undecided_headers
        return (said_rows, stand_in.union(block for row in rows for block in row.blocks), reading.division_headers)

    def _options_for(self, source: SourceDocument) -> tuple[set[str], tuple[str, ...]]:
        """The options asked for, plus those the contract's own words switch on (关键信息基础设施)."""
        options, notes = set(self.settings.options), []
        text = source.text
        for condition in self.catalogue.conditions:
            if condition.id in options:
                continue
            found = next((t for t in condition.triggers if t in text), None)
            if found:
                options.add(condition.id)
                notes.append(f"合同提及“{found}”，已一并检查“{condition.name}”（--option {condition.id}）的要求")
        return options, tuple(notes)

    # ------------------------------------------------------------ one requirement
    def _finding(
        self,
        req: Requirement,
        analysed: Sentences,
        parties: PartyAnalysis,
        source: SourceDocument,
        suggest: _Suggestions | None,
    ) -> Finding:
        actor_kind = req.detect.actor
        actor_parties = self._parties_of_kind(parties, actor_kind) if actor_kind else set()
        labels = {p.label: p.label for p in parties.parties}
        actor_label = self._actor_label(actor_kind, actor_parties)
        mentioned = None
        if req.detect.mentions:
            mentioned = self._parties_of_kind(parties, req.detect.mentions)
        holders = tuple(frozenset(self._parties_of_kind(parties, kind)) for kind in req.detect.holders)
        judgement = judge(
            req, analysed, actor_parties, actor_label, self.lexicons.concept_labels, labels, mentioned, holders,
        )
        status = judgement.status
        reason = judgement.reason
        if judgement.evidence:  # a table row or a list item, read as a sentence, is named as such
            reason = reason.replace("该句", judgement.evidence[0][0].passage, 1)
        explanation = self._explain(req, status, reason, judgement.evidence, judgement.lacking)
        suggestion = None
        if status is not Status.SATISFIED and suggest is not None:
            suggestion = suggest(req)
        return Finding(
            requirement=req.id,
            clause=req.clause,
            summary=req.summary,
            strength=req.strength.value,
            status=status,
            explanation=explanation,
            evidence=to_evidence(judgement, source.blocks),
            suggestion=suggestion,
            consequence=req.consequence if status is not Status.SATISFIED else None,
        )

    def _second_readings(self, source: SourceDocument, findings: tuple[Finding, ...], suggest: _Suggestions | None,
                         analysed: Sentences, parties: PartyAnalysis) -> tuple[tuple[Finding, ...], int]:
        """The findings after the clause model's reading (contractkit.checking.clause_model), and how many
        it changed: only for a text as short as the clauses it learned from, with an engine that has words.
        The model reads words, not who says what: it may credit a requirement only where the party it binds
        is said, in a sentence on the requirement's topic, to have a right, duty or prohibition of its kind
        (乙方应修复漏洞 swapped into 甲方应修复漏洞 stays uncredited)."""
        from contractkit.checking.clause_model import judges, reread

        if not self.settings.clause_model or not judges(source.text):
            return findings, 0
        model = self.standard.clause_model
        if model is None:
            return findings, 0
        words = self.engine.tokens(source.text)
        if words is None:
            return findings, 0
        changed = 0
        result = []
        for finding in findings:
            reading = reread(model, finding.status.value, finding.requirement, words)
            if reading is None:
                result.append(finding)
                continue
            req = self.catalogue.requirement(finding.requirement)
            # A missing finding that quotes a near miss has the clause for another party: not creditable.
            near_miss = finding.status is Status.MISSING and bool(finding.evidence)
            if reading.status in CREDITED and (near_miss or not self._may_credit(req, parties, analysed)):
                result.append(finding)
                continue
            # A contrary finding comes from a sentence on the requirement's topic (a refusal elsewhere is none).
            if reading.status == Status.CONTRARY.value and not self._on_topic(req, analysed):
                result.append(finding)
                continue
            changed += 1
            result.append(self._reread(finding, req, Status(reading.status), reading.probability, source, suggest))
        return tuple(result), changed

    def _may_credit(self, req: Requirement, parties: PartyAnalysis, analysed: Sentences) -> bool:
        """May the model credit the requirement? Only where the party it binds (or both parties) holds a
        statement of its modality in a sentence holding one of the requirement's concepts (as the rules read
        it: in its list, section), and waives or refuses nothing there (无需…告知, 不提交…: the model reads
        words, not their negation)."""
        if req.detect.actor is None:
            return True
        actors = self._parties_of_kind(parties, req.detect.actor) | {BOTH_PARTIES}
        modality = req.detect.modality
        kinds = {"duty", "right", "prohibition"} if modality == "any" else {modality} if modality else {"duty", "right"}
        held = {st.kind for a in self._on_topic_sentences(req, analysed) for st in a.statements if st.actor in actors}
        return bool(held & kinds) and "refusal" not in held

    def _on_topic(self, req: Requirement, analysed: Sentences) -> bool:
        return any(True for _ in self._on_topic_sentences(req, analysed))

    @staticmethod
    def _on_topic_sentences(req: Requirement, analysed: Sentences) -> Iterator[AnalysedSentence]:
        """The sentences holding one of the requirement's concepts (as the rules read it: in its list, section)."""
        from contractkit.checking.rules.registry import pipeline_for

        concepts = pipeline_for(req.detect).concepts
        return (a for a in analysed.all if not a.sentence.labels.isdisjoint(concepts))

    def _reread(self, finding: Finding, req: Requirement, status: Status, probability: float,
                source: SourceDocument, suggest: _Suggestions | None) -> Finding:
        """The finding with the clause model's status; the explanation keeps the rules' reading."""
        words = self.standard.vocabulary
        said, ruled = words.zh("statuses", status.value), words.zh("statuses", finding.status.value)
        explanation = (f"{said}（按所学条款措辞判断，把握{probability:.0%}）：逐项规则判为“{ruled}”，"
                       f"但该条款的措辞与已标注为“{said}”的条款相符，请复核。规则的判断：{finding.explanation}")
        if finding.status is Status.SATISFIED:  # the rules' explanation of a pass does not say what is required
            explanation += f" 标准要求：{req.summary}"
        evidence = finding.evidence
        if status is Status.MISSING:
            evidence = ()
        elif not evidence:  # the clause itself is what the model read
            evidence = tuple(Evidence(text=b.text, location=b.location, start=0, end=len(b.text), context=b.text)
                             for b in source.blocks if b.text.strip())
        suggestion = finding.suggestion
        if status is Status.SATISFIED:
            suggestion = None
        elif suggestion is None and suggest is not None:
            suggestion = suggest(req)
        return replace(finding, status=status, explanation=explanation, evidence=evidence, suggestion=suggestion,
                       consequence=req.consequence if status is not Status.SATISFIED else None)

    def _parties_of_kind(self, parties: PartyAnalysis, kind: str) -> set[str]:
        return {
            key for key, roles in parties.role_of.items()
            if any(self.catalogue.role(r).kind == kind for r in roles)
        }

    def _actor_label(self, kind: str | None, parties: set[str]) -> str:
        role_kinds = self.standard.vocabulary.role_kinds
        if not kind or kind not in role_kinds:
            return ""
        return role_kinds[kind].zh + (f"（{'、'.join(sorted(parties))}）" if parties else "")

    def _explain(
        self, req: Requirement, status: Status, reason: str, evidence: Iterable[tuple[AnalysedSentence, Spans]],
        lacking: str = "",
    ) -> str:
        strength = self.standard.vocabulary.zh("strengths", req.strength.value)
        if status is Status.MISSING:
            text = f"合同中未找到对应约定（标准 {req.clause}，{strength}）：{req.summary}"
            if reason:  # a near miss: the clause is there, for another party
                text += f" 相近约定：{reason}，不计为满足。"
        elif status is Status.SATISFIED:
            text = f"已约定：{reason}{self._elements(req, evidence)}。"
        elif status is Status.PARTIAL and lacking:  # met but for the further elements the standard names
            text = f"部分满足：{reason}{self._elements(req, evidence)}，但未约定“{lacking}”。标准要求：{req.summary}"
        elif status is Status.PARTIAL:
            text = f"部分满足：{reason}。标准要求：{req.summary}"
        else:
            text = f"相反约定：{reason}{self._elements(req, evidence)}。标准要求：{req.summary}"
        if status is not Status.SATISFIED and req.consequence:
            text += f" 后果：{req.consequence}"
        return text

    def _elements(self, req: Requirement, evidence: Iterable[tuple[AnalysedSentence, Spans]]) -> str:
        """（要素：漏洞、修复）: the requirement's elements found in the sentence that decided."""
        from contractkit.checking.rules.registry import pipeline_for

        first = next(iter(evidence), None)
        if first is None:
            return ""
        analysed, spans = first
        wanted, concepts = set(spans), pipeline_for(req.detect).concepts
        labels = self.lexicons.concept_labels
        found = dict.fromkeys(
            labels.get(m.label, m.label) for m in analysed.sentence.concepts
            if (m.start, m.end) in wanted and m.label in concepts
        )
        return f"（要素：{'、'.join(found)}）" if found else ""


class _Suggestions:
    """The clauses suggested for one document's unmet requirements, rendered by the generator's own
    templates with the contract's party labels and names (resolved into parameters once per document)."""

    def __init__(self, standard: Standard, parties: PartyAnalysis, options: AbstractSet[str],
                 platform: str | None = None):
        self.standard, self.parties, self.options = standard, parties, options
        catalogue = standard.catalogue
        self.labels: dict[str, str] = {}
        # The cloud the contract names (云栈科技运营“云栈托管云”) fills 本平台 in the clauses suggested.
        self.names: dict[str, str] = {"cloud_platform_name": platform} if platform else {}
        for party in parties.parties:
            for role in party.roles:
                kind = catalogue.role(role).kind
                self.labels.setdefault(kind, party.label)
                if party.name:
                    self.names.setdefault(f"{kind}_name", party.name)

    @cached_property
    def values(self) -> dict[str, Any]:
        parameters = self.standard.parameters
        return parameters.resolve(_usable(self.names, parameters))

    def __call__(self, req: Requirement) -> str:
        from contractkit.generation.render import render_requirement

        catalogue = self.standard.catalogue
        pair_ids = [p for p in req.pairs if p in self.parties.pairs] or list(req.pairs[:1])
        pairs = [catalogue.pair(p) for p in pair_ids]
        item = render_requirement(req, pairs, self.values, self.labels, self.options, self.standard)
        lines = [item.text.plain()] + [f"{n}. {s.plain()}" for n, s in enumerate(item.subitems, 1)]
        return "\n".join(lines)


CREDITED = frozenset({Status.SATISFIED.value, Status.PARTIAL.value})  # what the clause model may only give with care


def _analyse(
    s: Sentence,
    parties: PartyAnalysis,
    heading: bool = False,
    quote: str | None = None,
    passage: str = "该句",
    mentions: tuple[Mention, ...] | None = None,
    section: Section | None = None,
    said: Callable[[], tuple[Statement, ...]] | None = None,
    left_open: str = "",
) -> AnalysedSentence:
    """A sentence with its parties and (read when a check first asks) its statements (``said``: how
    to read them in context, if not from the sentence alone)."""
    void = void_quotes(s.text)
    if void:  # 删除原合同…“乙方可停止维护”: the words struck out say nothing, nor their concepts
        s = replace(s, concepts=outside(s.concepts, void), modals=outside(s.modals, void))
    m = tuple(find_mentions(s.text, parties.aliases, parties.pattern)) if mentions is None else mentions
    hypothetical = is_hypothetical(s.text)

    def read() -> tuple[Statement, ...]:
        found = said() if said is not None else tuple(statements(s, list(m)))
        return in_section(section, found, m, s.text) if section is not None and not hypothetical else found

    return AnalysedSentence(s, m, read, hypothetical, is_deferred(s.text), heading, quote=quote, passage=passage,
                            left_open=left_open)


def _dividing(s: Sentence, also: tuple[str, ...] = ()) -> Sentence:
    """A division table's header, read as naming the division it heads (and ``also`` these concepts)."""
    added = tuple(Match(label, 0, len(s.text)) for label in ("division", *also) if label not in s.labels)
    return replace(s, concepts=(*s.concepts, *added)) if added else s


# 运营“云栈托管云” / “青岚云”平台 / 运营的“岫云金融专属云”: a cloud named in quotes as the one run or as a
# platform (not any quoted word ending in 云).
_CLOUD_NAMED = re.compile(r"(?:运营的?|建设并运营|平台[：:]?)[“「]([^”」“「，。；]{2,16}?云)[”」]"
                          r"|[“「]([^”」“「，。；]{2,16}?云)[”」](?:平台|云平台)")


def _cloud_named(text: str) -> str | None:
    """The name of the cloud the contract names as run or as a platform; None when it names none, or
    several (运营“之江政务云”和“之江产业云”: which one a clause means is the drafter's to say)."""
    names = set()
    for found in _CLOUD_NAMED.finditer(text):
        names.add(found.group(1) or found.group(2))
        at = found.end()
        while (another := _AND_ANOTHER.match(text, at)) is not None:  # …和“之江产业云”
            names.add(another.group(1))
            at = another.end()
    return names.pop() if len(names) == 1 else None


_AND_ANOTHER = re.compile(r"(?:和|与|及|、)[“「]([^”」“「，。；]{2,16}?云)[”」]")


def _usable(values: dict[str, str], parameters: ParameterSet) -> dict[str, str]:
    """The names a suggestion can carry: one the generator would refuse (a symbol-font character,
    a control character, over-long) is left as a blank in the suggested clause, never an error."""
    refused = parameters.problems(values)
    return {name: value for name, value in values.items() if name not in refused}


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection during one check. A check allocates tens of thousands of short-lived
    tuples, lists and dicts (terms, sentences, mentions, statements), all freed by reference counting
    (it makes no reference cycles); the collector's passes over them, and over the ~40,000 objects the
    checker keeps (catalogue, lexicons, automata), took 10-15% of a 30,000-character check. It runs again
    once the check is over; where it was off already (the caller's choice), it stays off."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _with_time(report: DocumentReport, seconds: float) -> DocumentReport:
    return replace(report, seconds=seconds)
