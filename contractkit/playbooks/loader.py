"""Reading a playbook file: YAML, validated, every problem named by file, entry and field.

``load_playbook(path)`` returns a ``Playbook`` or raises ``PlaybookError`` whose message lists each
problem as ``FILE: positions[incident-report].measure.preferred: …`` (entries named by their id).
Beyond the shape, a playbook is checked against the standard (``validate``): the pairs, sides and
requirements it names exist, the extras' detections use checks and concepts the checker knows, every
clause template renders, and every clause it proposes reads back as meeting its own position and
as no worse than acceptable for every other position — so that accepting a redline gives a
contract the playbook finds compliant.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from contractkit.playbooks.clauses import ClauseError, Parties, proposal
from contractkit.playbooks.model import Playbook, Position
from contractkit.yamlfile import load_yaml

if TYPE_CHECKING:
    from contractkit.standard import Standard

MAX_BYTES = 1_000_000


class PlaybookError(ValueError):
    """A playbook file that cannot be used; ``problems`` lists each ``entry.field: problem``."""

    def __init__(self, path: Path | str, problems: Sequence[str]):
        self.path, self.problems = Path(path), list(problems)
        super().__init__("\n".join(f"{path}: {problem}" for problem in self.problems))


def read_playbook(path: str | Path) -> Playbook:
    """The playbook of a YAML file, with its shape validated (not yet against the standard)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PlaybookError(path, [f"cannot be read: {exc.strerror or exc}"]) from None
    return parse_playbook(data, path)


def parse_playbook(data: bytes, path: str | Path) -> Playbook:
    """The playbook of a YAML file's bytes (``path`` names it in errors and as its ``source``)."""
    path = Path(path)
    if len(data) > MAX_BYTES:
        raise PlaybookError(path, [f"is larger than {MAX_BYTES // 1000} kB; a playbook is a short YAML file"])
    try:
        raw = load_yaml(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise PlaybookError(path, ["is not UTF-8 text"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        raise PlaybookError(path, [f"{where}not valid YAML ({getattr(exc, 'problem', None) or exc})"]) from None
    if not isinstance(raw, dict):
        raise PlaybookError(path, ["must be a YAML mapping with playbook, name, pairs and positions"])
    raw = {**raw, "source": str(path)}
    try:
        return Playbook.model_validate(raw)
    except ValidationError as exc:
        raise PlaybookError(path, describe_errors(exc, raw)) from None


def describe_errors(exc: ValidationError, data: dict[str, Any]) -> list[str]:
    """pydantic's errors as ``positions[incident-report].measure.preferred: …``."""
    problems = []
    for error in exc.errors():
        parts: list[str] = []
        node: Any = data
        for key in error["loc"]:
            if isinstance(key, int) and parts and isinstance(node, list):
                item = node[key] if key < len(node) else None
                name = item.get("id") if isinstance(item, dict) else None
                parts[-1] += f"[{name}]" if name else f"[{key}]"
                node = item
                continue
            parts.append(str(key))
            node = node.get(key) if isinstance(node, dict) else None
        message = error["msg"].removeprefix("Value error, ")
        where = ".".join(parts) or "(top level)"
        if error["type"] == "extra_forbidden":
            message = "unknown field (a misspelling?)"
        problems.append(f"{where}: {message}")
    return problems


def load_playbook(path: str | Path, standard: Standard | None = None) -> Playbook:
    """Read a playbook and validate it against ``standard`` (default: the shipped one)."""
    playbook = read_playbook(path)
    problems = validate(playbook, standard)
    if problems:
        raise PlaybookError(path, problems)
    return playbook


def load_playbook_bytes(data: bytes, name: str | Path, standard: Standard | None = None) -> Playbook:
    """``load_playbook`` for a file's content (an upload, a stored copy); ``name`` names it in errors."""
    playbook = parse_playbook(data, name)
    problems = validate(playbook, standard)
    if problems:
        raise PlaybookError(name, problems)
    return playbook


def validate(playbook: Playbook, standard: Standard | None = None) -> list[str]:
    """Everything wrong with a (well-formed) playbook under ``standard``: ``entry.field: problem`` each."""
    from contractkit.checking.rules.registry import CheckError, pipeline_for
    from contractkit.standard import default_standard

    standard = standard or default_standard()
    catalogue = standard.catalogue
    pair_ids = {p.id for p in catalogue.pairs}
    role_ids = {r.id for r in catalogue.roles}
    requirement_ids = {r.id for r in catalogue.requirements}
    extra_ids = {e.id for e in playbook.extras}
    concepts = set(standard.lexicons.concept_labels)
    problems: list[str] = []

    if playbook.side not in role_ids:
        problems.append(f"side: unknown role {playbook.side!r}; known: {', '.join(sorted(role_ids))}")
    for where, pairs in [("pairs", playbook.pairs),
                         *((f"positions[{p.id}].pairs", p.pairs) for p in playbook.positions),
                         *((f"extras[{e.id}].pairs", e.pairs) for e in playbook.extras)]:
        for pair in pairs:
            if pair not in pair_ids:
                problems.append(f"{where}: unknown pair {pair!r}; known: {', '.join(sorted(pair_ids))}")
    for position in playbook.positions:
        where = f"positions[{position.id}]"
        requirement = position.requirement
        if requirement and requirement not in requirement_ids and requirement not in extra_ids:
            problems.append(f"{where}.requirement: {requirement!r} is neither a requirement of the catalogue "
                            f"(see `contractkit requirements`) nor one of the playbook's extras")
        elif requirement in requirement_ids:
            chosen = set(position.pairs or playbook.pairs)
            if not chosen & set(catalogue.requirement(requirement).pairs):
                problems.append(f"{where}.pairs: requirement {requirement!r} applies to none of "
                                f"{', '.join(sorted(chosen))}")
    problems += _parameter_problems(playbook, standard)
    article_ids = {a.id for a in catalogue.articles}
    for extra in playbook.extras:
        if extra.article is not None and extra.article not in article_ids:
            problems.append(f"extras[{extra.id}].article: unknown article {extra.article!r}; known: "
                            f"{', '.join(sorted(article_ids))}")
        try:
            checks = pipeline_for(extra.detect)
        except CheckError as exc:
            problems.append(f"extras[{extra.id}].detect: {exc}")
            continue
        unknown = sorted(checks.concepts - concepts)
        if unknown:
            problems.append(f"extras[{extra.id}].detect: unknown concepts {unknown} (see corpora/lexicons)")
    if problems:
        return problems
    return problems + _clauses_agree(playbook)


def _parameter_problems(playbook: Playbook, standard: Standard) -> list[str]:
    """A position's ``parameter`` is one of the generator's, and its preferred value within the bounds."""
    from contractkit.generation.parameters import ParameterError

    parameters = standard.parameters
    problems = []
    for position in playbook.positions:
        if position.parameter is None or position.measure is None:
            continue
        where = f"positions[{position.id}].parameter"
        if position.parameter not in parameters:
            problems.append(f"{where}: unknown parameter {position.parameter!r} (see `contractkit parameters`)")
            continue
        spec = parameters[position.parameter]
        if spec.type not in ("integer", "percent"):
            problems.append(f"{where}: {position.parameter!r} is a {spec.type} parameter, not a number")
            continue
        try:
            spec.parse(parameter_value(position.measure.preferred, spec.type))
        except ParameterError as exc:
            problems.append(f"{where}: the preferred value does not fit {position.parameter!r}: {exc.problem}")
    return problems


def parameter_value(value: float, kind: str) -> int | str:
    """A position's value as the generator's parameter takes it: a whole number, or a percentage's text."""
    if kind == "integer":
        return int(value) if float(value).is_integer() else str(value)  # a fraction: refused by the parameter
    return f"{value:g}"


def _clauses_agree(playbook: Playbook) -> list[str]:
    """Every clause renders, reads back as meeting its own position, and as no worse than acceptable for
    the others: what a redline inserts must be what the playbook wants."""
    from contractkit.playbooks.evaluate import Context, judge_position, passages
    from contractkit.reading.model import Location, TextBlock

    problems: list[str] = []
    parties = Parties.example()
    judged = [p for p in playbook.all_positions() if p.kind != "requirement"]
    rendered: list[tuple[str, Position, str, str]] = []
    for position in playbook.all_positions():
        for which, template in (("preferred", position.preferred), ("fallback", position.fallback)):
            if template is None:
                continue
            where = (f"extras[{position.id}].template" if position.kind == "requirement" and
                     playbook.extra(position.id) else f"positions[{position.id}].{which}")
            try:
                text = proposal(playbook, position, parties, which)
            except ClauseError as exc:
                problems.append(f"{where}: {exc}")
                continue
            if position.kind != "requirement":
                rendered.append((where, position, which, text))
    if problems:  # every clause must render before any is read back
        return problems
    for where, position, which, text in rendered:
        blocks = [TextBlock(line, Location("paragraph", i)) for i, line in enumerate(text.splitlines())]
        context = Context(playbook, blocks, passages(blocks), {}, parties, lambda _id: None)
        shared = set(position.pairs or playbook.pairs)
        for other in judged:
            if not shared & set(other.pairs or playbook.pairs):
                continue  # never in the same contract
            result = judge_position(other, context)
            if other is position:
                expected = ("meets",) if which == "preferred" else ("meets", "acceptable")
                if result.status not in expected:
                    problems.append(f"{where}: the clause reads as {result.status} for its own position "
                                    f"(expected {' or '.join(expected)}); its words must match the position's "
                                    f"topic and near words: {text!r}")
            elif result.status in ("deviates", "walk-away"):
                problems.append(f"{where}: the clause reads as {result.status} for position {other.id!r}: "
                                f"{text!r}")
    return problems
