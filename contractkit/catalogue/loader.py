"""Load and cross-check the requirement catalogue and its concept lexicon."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypedDict, TypeVar

import yaml
from pydantic import ValidationError

from contractkit import resources
from contractkit.catalogue.model import Catalogue
from contractkit.yamlfile import UniqueKeyLoader

if TYPE_CHECKING:
    from pydantic import BaseModel

M = TypeVar("M", bound="BaseModel")


class CatalogueError(ValueError):
    """The catalogue file is malformed; the message names the file and the entry."""

    def __init__(self, path: Path, problem: str):
        self.path, self.problem = path, problem
        super().__init__(f"{path}: {problem}")




# A concept of the lexicon, validated. "not": longer phrases in which a term means something else;
# "continues": a short sentence holding only such concepts (乙方应予配合) continues the one before;
# "referent": a situation that 上述情况 may point back at (故障, 安全事件), see understanding/references.py.
ConceptEntry = TypedDict(
    "ConceptEntry",
    {"label": str, "terms": tuple[str, ...], "patterns": tuple[str, ...], "not": tuple[str, ...],
     "continues": bool, "referent": bool},
)


def read_yaml(path: Path, error: Callable[[Path, str], Exception] = CatalogueError) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=UniqueKeyLoader)
    except FileNotFoundError:
        raise error(path, "file not found") from None
    except yaml.YAMLError as exc:
        raise error(path, f"not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise error(path, "expected a mapping at the top level")
    return data


def read_model(path: Path, model: type[M], error: Callable[[Path, str], Exception] = CatalogueError) -> M:
    """A YAML file validated into a pydantic ``model``; the first problem raised as ``error(path,
    "<where>: <what>")``, e.g. ``positions.0.title: Field required``."""
    try:
        return model.model_validate(read_yaml(path, error=error))
    except ValidationError as exc:
        problem = exc.errors()[0]
        raise error(path, f"{'.'.join(map(str, problem['loc']))}: {problem['msg']}") from None


def load_concepts(path: Path | None = None) -> dict[str, tuple[str, ...]]:
    """Concept id -> the literal terms that express it (``corpora/lexicons/concepts.yaml``)."""
    return {cid: entry["terms"] for cid, entry in load_concept_entries(path).items()}


def load_concept_entries(path: Path | None = None) -> dict[str, ConceptEntry]:
    """Concept id -> {label, terms, patterns}, validated (patterns must compile)."""
    import re

    if path is None:
        from contractkit.standard import default_standard

        path = default_standard().concepts_path
    data = read_yaml(path)
    concepts = data.get("concepts")
    if not isinstance(concepts, dict) or not concepts:
        raise CatalogueError(path, "'concepts' must be a non-empty mapping")
    result: dict[str, ConceptEntry] = {}
    for concept_id, entry in concepts.items():
        if not isinstance(entry, dict):
            raise CatalogueError(path, f"concept {concept_id!r} must be a mapping with terms")
        terms, patterns = entry.get("terms") or [], entry.get("patterns") or []
        if not terms and not patterns:
            raise CatalogueError(path, f"concept {concept_id!r} needs a non-empty list of terms or patterns")
        if not all(isinstance(t, str) and t.strip() for t in terms):
            raise CatalogueError(path, f"concept {concept_id!r}: every term must be non-empty text")
        for pattern in patterns:
            try:
                # Parsed, not compiled: a third of the cost at every start-up; the term finders compile
                # the patterns once, together.
                _parse_pattern(pattern)
            except (re.error, TypeError) as exc:
                raise CatalogueError(path, f"concept {concept_id!r}: bad pattern {pattern!r}: {exc}") from None
        result[concept_id] = {
            "label": entry.get("label") or concept_id,
            "terms": tuple(terms),
            "patterns": tuple(patterns),
            # Longer phrases in which a term means something else (缺陷责任期 for 缺陷).
            "not": tuple(entry.get("not") or ()),
            "continues": _flag(path, concept_id, "continues", entry.get("continues", False)),
            "referent": _flag(path, concept_id, "referent", entry.get("referent", False)),
        }
    return result


def _parse_pattern(pattern: str) -> None:
    """Raise re.error for what ``re.compile`` would refuse: a syntax error, or a look-behind of varying
    width (the one error the parser leaves to the compiler)."""
    import importlib
    import re

    if not isinstance(pattern, str):
        raise TypeError(f"not text: {pattern!r}")
    try:
        parser = importlib.import_module("re._parser")
        constants = importlib.import_module("re._constants")
    except ImportError:  # another Python's internals: compile instead
        re.compile(pattern)
        return

    def check(items: Any) -> None:
        for op, av in items:
            if op in (constants.ASSERT, constants.ASSERT_NOT):
                direction, sub = av
                if direction < 0 and len(set(sub.getwidth())) > 1:
                    raise re.error("look-behind requires fixed-width pattern")
                check(sub.data)
            elif op is constants.SUBPATTERN:
                check(av[3].data)
            elif op is constants.BRANCH:
                for alternative in av[1]:
                    check(alternative.data)
            elif op in (constants.MAX_REPEAT, constants.MIN_REPEAT, getattr(constants, "POSSESSIVE_REPEAT", None)):
                check(av[2].data)

    check(parser.parse(pattern).data)


def _flag(path: Path, concept_id: str, name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise CatalogueError(path, f"concept {concept_id!r}: {name!r} must be true or false, not {value!r}")
    return value


def load_catalogue(
    path: Path | None = None,
    *,
    templates_dir: Path | None = None,
    concepts: dict[str, tuple[str, ...]] | None = None,
) -> Catalogue:
    if path is None:
        from contractkit.standard import default_standard

        standard = default_standard()
        path, templates_dir = standard.catalogue_path, templates_dir or standard.templates_dir
        concepts = concepts if concepts is not None else load_concepts(standard.concepts_path)
    path = Path(path)
    data = read_yaml(path)
    try:
        catalogue = Catalogue.model_validate(data)
    except ValidationError as exc:
        raise CatalogueError(path, _describe(exc, data)) from None
    _cross_check(
        catalogue,
        path,
        templates_dir or resources.templates_dir(),  # a catalogue file alone: the shipped templates
        concepts if concepts is not None else load_concepts(),
    )
    return catalogue


def default_catalogue() -> Catalogue:
    """The shipped standard's catalogue, loaded once per process (with the standard)."""
    from contractkit.standard import default_standard

    return default_standard().catalogue


def _describe(exc: ValidationError, data: dict[str, Any]) -> str:
    problems = []
    for err in exc.errors():
        location = list(err["loc"])
        # Name requirements by id rather than by list index: that is what a maintainer searches for.
        if len(location) >= 2 and location[0] == "requirements" and isinstance(location[1], int):
            try:
                location[1] = data["requirements"][location[1]].get("id", location[1])
            except (IndexError, AttributeError, TypeError):
                pass
        problems.append(f"{'.'.join(str(part) for part in location)}: {err['msg']}")
    return "; ".join(problems)


def _cross_check(
    catalogue: Catalogue, path: Path, templates: Path, concepts: dict[str, tuple[str, ...]]
) -> None:
    # The checks a requirement names live with the checker; imported here, when a catalogue is
    # checked, so that importing the catalogue stays light.
    from contractkit.checking.rules.registry import CheckError, pipeline_for

    def fail(problem: str) -> NoReturn:
        raise CatalogueError(path, problem)

    for kind, items in (
        ("role", catalogue.roles),
        ("pair", catalogue.pairs),
        ("option", catalogue.conditions),
        ("article", catalogue.articles),
        ("requirement", catalogue.requirements),
    ):
        seen: set[str] = set()
        for item in items:
            if item.id in seen:
                fail(f"duplicate {kind} id {item.id!r}")
            seen.add(item.id)

    role_ids = {r.id for r in catalogue.roles}
    role_kinds = {r.kind for r in catalogue.roles}
    for pair in catalogue.pairs:
        for role in pair.roles:
            if role not in role_ids:
                fail(f"pair {pair.id!r} names unknown role {role!r}")
    pair_ids = {p.id for p in catalogue.pairs}
    condition_ids = {c.id for c in catalogue.conditions}
    article_ids = {a.id for a in catalogue.articles}
    for req in catalogue.requirements:
        where = f"requirement {req.id!r}"
        for pair_id in req.pairs:
            if pair_id not in pair_ids:
                fail(f"{where} names unknown pair {pair_id!r}")
        if req.condition and req.condition not in condition_ids:
            fail(f"{where} names unknown option {req.condition!r}")
        if req.article not in article_ids:
            fail(f"{where} names unknown article {req.article!r}")
        if not (templates / req.template).is_file():
            fail(f"{where}: template {req.template!r} not found under {templates}")
        try:
            checks = pipeline_for(req.detect)  # built once here, then reused for every contract
        except CheckError as exc:
            fail(f"{where}: {exc}")
        unknown = sorted(checks.concepts - set(concepts))
        if unknown:
            fail(f"{where}: detection names unknown concepts {unknown}")
        for kind in req.division:
            if kind not in role_kinds:
                fail(f"{where}: division names unknown role kind {kind!r}")
