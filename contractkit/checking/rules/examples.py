"""Each requirement's example clauses and the status the checker gives them.

One file per requirement, ``corpora/requirements/examples/<id>.yaml``: short
contract texts in varied real-world phrasing (not the generator's wording),
each with the status a lawyer expects. They are the rules' test cases
(``tests/test_rules.py`` runs every one) and their documentation: ``contractkit
rules ID`` shows one that satisfies the requirement and one that does not, as
sqlfluff's rule docs do. They ship in the package data, so an installed
contractkit can show them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError

from contractkit import resources
from contractkit.catalogue.loader import CatalogueError, read_yaml
from contractkit.catalogue.model import Frozen

Expected = Literal["satisfied", "partial", "missing", "contrary"]
# The failing example a reader learns most from: a clause that says the opposite, then one that
# falls short, then a near miss.
FAILING_PREFERENCE = ("contrary", "partial", "missing")


class ExampleCase(Frozen):
    name: str
    text: str
    expect: Expected
    roles: dict[str, tuple[str, ...]] | None = None  # party label -> role ids; default: the file's
    options: tuple[str, ...] | None = None
    # What the checker does not yet see; the test expects it to keep failing until it does.
    known_gap: str | None = None
    # Holds only with the token layer (jieba's words): under ``--engine terms`` the case is expected to
    # fail, which shows what the layer is for (负责 in 负责人 states no duty).
    needs_words: bool = False
    # The first evidence quote, or a part of it: which sentence the verdict rests on (for a
    # missing requirement, the near miss it quotes: the same clause for another party).
    evidence: str | None = None


class RuleExamples(Frozen):
    requirement: str
    roles: dict[str, tuple[str, ...]]
    options: tuple[str, ...] = ()
    cases: tuple[ExampleCase, ...] = Field(min_length=1)

    def roles_of(self, case: ExampleCase) -> dict[str, tuple[str, ...]]:
        return case.roles if case.roles is not None else self.roles

    def options_of(self, case: ExampleCase) -> tuple[str, ...]:
        return case.options if case.options is not None else self.options

    def shown(self) -> tuple[ExampleCase | None, ExampleCase | None]:
        """One case that satisfies the requirement and one that fails it (known gaps are never shown)."""
        usable = [c for c in self.cases if c.known_gap is None]
        satisfied = next((c for c in usable if c.expect == "satisfied"), None)
        failing = next(
            (c for status in FAILING_PREFERENCE for c in usable if c.expect == status), None
        )
        return satisfied, failing


def examples_dir() -> Path:
    return resources.corpora_dir() / "requirements" / "examples"


def example_files() -> list[Path]:
    return sorted(examples_dir().glob("*.yaml"))


@cache
def load_examples(requirement_id: str) -> RuleExamples | None:
    """The requirement's examples; None when it has no file (the rules command still documents it)."""
    path = examples_dir() / f"{requirement_id}.yaml"
    if not path.is_file():
        return None
    return read_examples(path)


def read_examples(path: Path) -> RuleExamples:
    try:
        examples = RuleExamples.model_validate(read_yaml(path))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise CatalogueError(path, problems) from None
    if examples.requirement != path.stem:
        raise CatalogueError(path, f"holds the examples of {examples.requirement!r}, not of {path.stem!r}")
    return examples
