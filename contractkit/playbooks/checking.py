"""Where the checker meets a playbook: a checked document's positions (called by ``Checker``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from contractkit.playbooks.clauses import Parties
from contractkit.playbooks.evaluate import evaluate
from contractkit.playbooks.model import Extra, Playbook
from contractkit.results.model import DocumentReport, Finding, PositionResult

if TYPE_CHECKING:
    from contractkit.catalogue import Requirement
    from contractkit.reading.model import SourceDocument
    from contractkit.standard import Standard


def positions_of(playbook: Playbook, source: SourceDocument, report: DocumentReport, standard: Standard,
                 judge: Callable[[Requirement], Finding]) -> tuple[PositionResult, ...]:
    """The playbook's positions for a checked document; ``judge`` judges a requirement as the checker does."""
    catalogue = standard.catalogue
    requirements = {r.id: r for r in catalogue.requirements}
    role_kind = {r.id: r.kind for r in catalogue.roles}

    def applies(requirement_id: str, pairs: set[str]) -> bool:
        requirement = requirements.get(requirement_id)
        return requirement is None or bool(pairs & set(requirement.pairs))

    def clause_of(requirement_id: str) -> str | None:
        requirement = requirements.get(requirement_id)
        return requirement.clause if requirement else None

    def judge_extra(extra: Extra) -> Finding:
        return judge(as_requirement(extra, playbook.pairs))

    parties = Parties.of_report(report.parties, role_kind, source.text)
    return evaluate(playbook, source.blocks, report.findings, report.pairs, parties,
                    applies=applies, clause_of=clause_of, judge_extra=judge_extra)


_BUILT: dict[tuple[int, tuple[str, ...]], tuple[Extra, Requirement]] = {}  # by the extra's identity


def as_requirement(extra: Extra, pairs: tuple[str, ...]) -> Requirement:
    """A playbook's own requirement in the catalogue's form, for the checker to judge (its id, x-…, is
    not a catalogue id: built without the catalogue's id check; the detection was validated on loading).
    Built once per extra (kept by identity: the models' equality is not what a cache wants)."""
    key = (id(extra), tuple(pairs))
    built = _BUILT.get(key)
    if built is None or built[0] is not extra:
        built = _BUILT[key] = (extra, _requirement(extra, pairs))
    return built[1]


def _requirement(extra: Extra, pairs: tuple[str, ...]) -> Requirement:
    from contractkit.catalogue import Requirement

    return Requirement.model_construct(
        id=extra.id, clause=extra.clause, summary=extra.summary, strength=extra.strength,
        wording={"must": "应", "should": "宜", "may": "可"}[extra.strength.value], pairs=extra.pairs or pairs,
        condition=None, article="responsibility", work_item=extra.summary, division={},
        consequence=extra.consequence, detect=extra.detect,
    )
