"""The checks a requirement can name, registered by name (as presidio registers recognizers).

A check is a small class registered with ``@register("name")`` in a module
under ``contractkit/checking/rules/checks/``; a requirement's ``detect.checks``
lists the names it uses, each with its parameters. ``Params`` (a pydantic
model) validates what the catalogue writes after the name; ``shorthand`` names
the parameter a bare value fills (``partial_element: [data]``).

Sentence checks judge one sentence at a time, in the order the requirement
lists them: the first that returns a verdict decides the sentence. A check
with ``needs_all_of`` only sees sentences that meet every group of
``all_of``; more generally, a check only sees the sentences holding what it
``requires``. Fallback checks run when no sentence gave a verdict.

Everything is validated when the catalogue loads (``detection_problems``), so
a misspelt name or a bad parameter never reaches a contract.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

# The catalogue imports the registry and every check module when it loads, to validate the names
# it uses; generation loads it too. So these modules import only what is light at module level,
# and the checker's language modules and result objects when they judge.
if TYPE_CHECKING:
    from contractkit.catalogue.model import Detection
    from contractkit.checking.rules.model import (
        AnalysedSentence,
        ConceptGroups,
        ContractParties,
        Judgement,
        Sentences,
        Spans,
        Verdict,
    )

Labeller = Callable[[str], str]  # concept id -> the words a reader knows it by


class Check:
    """One named way of judging a requirement; built once per requirement with its parameters."""

    name: ClassVar[str] = ""
    Params: ClassVar[type[BaseModel] | None] = None
    shorthand: ClassVar[str | None] = None

    def __init__(self, detect: Detection, params: Any):
        self.detect = detect
        self.params = params

    @classmethod
    def parse(cls, raw: Any) -> Any:
        """The typed parameters; raises ValueError with a reader's message."""
        if cls.Params is None:
            if raw is not None:
                raise ValueError("takes no parameters")
            return None
        if cls.shorthand and not isinstance(raw, dict):
            raw = {cls.shorthand: raw}
        try:
            return cls.Params.model_validate(raw or {})
        except ValidationError as exc:
            raise ValueError("; ".join(_pydantic_problem(err) for err in exc.errors())) from None

    def problems(self) -> list[str]:
        """What the requirement must also have for this check to make sense."""
        return []

    def concepts(self) -> set[str]:
        """The concepts this check looks for beyond ``all_of``."""
        return set()

    def describe(self, label: Labeller) -> str:
        """One line for the ``rules`` command, in the words of a contract reviewer."""
        raise NotImplementedError


class SentenceCheck(Check):
    needs_all_of: ClassVar[bool] = False
    # The check never gives a sentence a status, only settles some as saying nothing (names_party):
    # a sentence no other check can give one is left unjudged.
    settles_only: ClassVar[bool] = False

    def requires(self) -> ConceptGroups:
        """The concept groups a sentence must each hold for ``judge`` to return anything but None.

        The evaluation shows the check no other sentence (most sentences a requirement looks at hold
        only some of its words), and judges no sentence that no check of the requirement can give a
        status. So a check returns None, not ``says_nothing``, for any sentence lacking one of these.
        """
        return self.detect.all_of if self.needs_all_of else ()

    def judge(self, analysed: AnalysedSentence, parties: ContractParties) -> Verdict | None:
        """A verdict decides the sentence; None leaves it to the next check."""
        raise NotImplementedError

    def verdict(
        self, status: Literal["satisfied", "partial", "contrary", "missing"] | None, reason: str = "",
        spans: Spans = (),
    ) -> Verdict:
        from contractkit.checking.rules.model import Verdict
        from contractkit.results.model import Status

        return Verdict(Status(status) if status else None, self.name, reason, tuple(spans))

    def says_nothing(self) -> Verdict:
        return self._nothing

    @cached_property
    def _nothing(self) -> Verdict:
        # The same (frozen) verdict every time: a clause check gives it to most sentences it sees.
        return self.verdict(None)


class FallbackCheck(Check):
    def fallback(self, sentences: Sentences, parties: ContractParties) -> Judgement | None:
        raise NotImplementedError


CHECKS: dict[str, type[Check]] = {}


_CheckClass = TypeVar("_CheckClass", bound=type[Check])


def register(name: str) -> Callable[[_CheckClass], _CheckClass]:
    """Class decorator: make the check known under ``name`` to the catalogue."""

    def decorate(cls: _CheckClass) -> _CheckClass:
        if CHECKS.get(name, cls) is not cls:
            raise ValueError(f"check {name!r} is registered twice ({CHECKS[name].__module__}, {cls.__module__})")
        cls.name = name
        CHECKS[name] = cls
        return cls

    return decorate


def known_checks() -> dict[str, type[Check]]:
    import contractkit.checking.rules.checks  # noqa: F401  (registers every check module there)

    return CHECKS


@dataclass(frozen=True)
class Pipeline:
    """A requirement's checks, built: what the evaluation runs over a contract's sentences."""

    detect: Detection
    checks: tuple[Check, ...]  # in the order the requirement lists them
    sentence_checks: tuple[SentenceCheck, ...]
    fallbacks: tuple[FallbackCheck, ...]
    # Every concept any check looks for: a sentence with none of them is skipped cheaply.
    concepts: frozenset[str]
    # What each sentence check requires (in the order of ``sentence_checks``), and what a sentence
    # must hold for any of them to give it a status (None: the sentence may get one whatever it holds).
    requires: tuple[ConceptGroups, ...]
    deciding: tuple[ConceptGroups, ...] | None


class CheckError(ValueError):
    """A requirement's checks cannot be built; the message lists every problem."""


def detection_problems(detect: Detection) -> list[str]:
    """Unknown check names, bad parameters and unmet needs, each naming the check."""
    return _build(detect)[1]


def build_pipeline(detect: Detection) -> Pipeline:
    pipeline, problems = _build(detect)
    if problems:
        raise CheckError("; ".join(problems))
    return pipeline


def pipeline_for(detect: Detection) -> Pipeline:
    """The detection's checks, built once and kept on the (frozen) detection itself."""
    return detect.pipeline


def _build(detect: Detection) -> tuple[Pipeline, list[str]]:
    registry = known_checks()
    built, problems = [], []
    for use in detect.checks:
        cls = registry.get(use.name)
        if cls is None:
            problems.append(f"unknown check {use.name!r}; known checks: {', '.join(sorted(registry))}")
            continue
        try:
            check = cls(detect, cls.parse(use.params))
        except ValueError as exc:
            problems.append(f"check {use.name!r}: {exc}")
            continue
        problems += [f"check {use.name!r}: {p}" for p in check.problems()]
        built.append(check)
    names = [use.name for use in detect.checks]
    problems += [f"check {n!r} is listed twice" for n in sorted({n for n in names if names.count(n) > 1})]
    concepts = {c for group in (*detect.all_of, *detect.complete) for c in group}
    if not problems:  # a check with bad parameters cannot say what it looks for
        for check in built:
            concepts |= check.concepts()
    sentence_checks = tuple(c for c in built if isinstance(c, SentenceCheck))
    requires = tuple(c.requires() if not problems else () for c in sentence_checks)
    deciding = tuple(groups for c, groups in zip(sentence_checks, requires, strict=True) if not c.settles_only)
    pipeline = Pipeline(
        detect,
        tuple(built),
        sentence_checks,
        tuple(c for c in built if isinstance(c, FallbackCheck)),
        frozenset(concepts),
        requires,
        None if () in deciding else deciding,
    )
    return pipeline, problems


def _pydantic_problem(err: ErrorDetails) -> str:
    where = ".".join(str(part) for part in err["loc"])
    return f"{where}: {err['msg']}" if where else err["msg"]
