"""The seam between the code and one standard's data.

A ``Standard`` is everything contractkit knows about one standard: its
identity (code, title), its requirement catalogue, the checker's concepts and
lexicons, the generator's clause templates and parameters, and the words the
products use to speak of it (strengths, statuses, role kinds …). It is loaded
once from a data folder's manifest (``corpora/standard.yaml``) and passed
explicitly to the checker, the generator, the formatters and the service. A
second standard is a second folder with its own manifest: no code changes.
"""

from __future__ import annotations

import copy
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from contractkit import resources

if TYPE_CHECKING:
    from contractkit.catalogue import Catalogue, Pair
    from contractkit.checking.clause_model.model import ClauseModel
    from contractkit.checking.understanding.lexicons import Lexicons
    from contractkit.checking.understanding.tables import TableWords
    from contractkit.generation.parameters import ParameterSet

MANIFEST = "standard.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Word(_Strict):
    zh: str
    en: str
    meaning: str | None = None  # what the word stands for, where a legend explains it


class Vocabulary(_Strict):
    """The words every product uses to speak of the standard, in Chinese and English."""

    strengths: dict[str, Word]
    statuses: dict[str, Word]
    document_statuses: dict[str, Word]
    modalities: dict[str, Word]
    role_kinds: dict[str, Word]
    markings: dict[str, Word]
    sources: dict[str, Word]

    def zh(self, group: str, key: str | None) -> str:
        """The Chinese word for ``key`` in ``group`` (the key itself when the group does not know it)."""
        word = getattr(self, group).get(key) if key is not None else None
        return word.zh if word else str(key)

    def en(self, group: str, key: str | None) -> str:
        word = getattr(self, group).get(key) if key is not None else None
        return word.en if word else str(key)


class _DataPaths(_Strict):
    catalogue: str
    concepts: str
    lexicons: str
    templates: str
    parameters: str
    clause_model: str | None = None  # the learned second reading of short clauses (checking/clause_model)


class _Manifest(_Strict):
    code: str
    title: str
    version: str
    data: _DataPaths
    vocabulary: Vocabulary


class StandardError(ValueError):
    """A standard's manifest that cannot be used; the message names the file and the key."""

    def __init__(self, path: Path, problem: str):
        self.path, self.problem = path, problem
        super().__init__(f"{path}: {problem}")


class Standard:
    """One standard's data, loaded lazily and once: the checker needs no templates, ``--help`` nothing."""

    def __init__(self, manifest_path: Path):
        from contractkit.catalogue.loader import read_model

        self.manifest_path = Path(manifest_path)
        manifest = read_model(self.manifest_path, _Manifest, error=StandardError)
        self.code, self.title, self.version = manifest.code, manifest.title, manifest.version
        self.vocabulary = manifest.vocabulary
        folder = self.manifest_path.parent
        paths = {name: (folder / value).resolve() for name, value in manifest.data.model_dump().items()
                 if value is not None}
        for name, path in paths.items():
            if not path.exists():
                raise StandardError(self.manifest_path, f"data.{name}: {path} does not exist")
        self.catalogue_path: Path = paths["catalogue"]
        self.concepts_path: Path = paths["concepts"]
        self.lexicons_dir: Path = paths["lexicons"]
        self.templates_dir: Path = paths["templates"]
        self.parameters_path: Path = paths["parameters"]
        self.clause_model_path: Path | None = paths.get("clause_model")

    def __repr__(self) -> str:
        return f"Standard({self.code!r}, {self.manifest_path})"

    @property
    def full_title(self) -> str:
        """T/CCIA 004-2024《云计算服务安全责任划分规则及实施指南》"""
        return f"{self.code}《{self.title}》"

    @cached_property
    def catalogue(self) -> Catalogue:
        from contractkit.catalogue.loader import load_catalogue, load_concepts

        return load_catalogue(
            self.catalogue_path, templates_dir=self.templates_dir, concepts=load_concepts(self.concepts_path)
        )

    @cached_property
    def lexicons(self) -> Lexicons:
        from contractkit.checking.understanding.lexicons import load_lexicons

        return load_lexicons(self.lexicons_dir, self.concepts_path, self.catalogue)

    @cached_property
    def continuing_concepts(self) -> frozenset[str]:
        """Concepts whose short sentences continue the sentence before (乙方应予配合)."""
        from contractkit.catalogue.loader import load_concept_entries

        return frozenset(cid for cid, entry in load_concept_entries(self.concepts_path).items() if entry["continues"])

    @cached_property
    def referent_concepts(self) -> frozenset[str]:
        """Situations a reference (出现上述情况时) may point at: 故障, 安全事件, 违约."""
        from contractkit.catalogue.loader import load_concept_entries

        return frozenset(cid for cid, entry in load_concept_entries(self.concepts_path).items() if entry["referent"])

    @cached_property
    def table_words(self) -> TableWords | None:
        """How division-of-work tables name their columns (``<lexicons>/tables.yaml``); None: the
        standard reads no tables."""
        from contractkit.checking.understanding.tables import load_table_words

        path = self.lexicons_dir / "tables.yaml"
        return load_table_words(path) if path.is_file() else None

    @cached_property
    def clause_model(self) -> ClauseModel | None:
        """The learned second reading of short clauses (``data.clause_model``); None: the standard has none."""
        from contractkit.checking.clause_model.model import load_clause_model

        return load_clause_model(self.clause_model_path) if self.clause_model_path is not None else None

    @cached_property
    def parameters(self) -> ParameterSet:
        from contractkit.generation.parameters import load_parameters

        return load_parameters(self.parameters_path)

    def with_catalogue(self, catalogue: Catalogue) -> Standard:
        """The same standard with another catalogue: a variant of its requirements under test."""
        other = copy.copy(self)
        other.__dict__["catalogue"] = catalogue
        return other

    def with_clause_model(self, model: ClauseModel | None) -> Standard:
        """The same standard with another clause model (one trained without the cases measured)."""
        other = copy.copy(self)
        other.__dict__["clause_model"] = model
        return other

    def pair(self, *roles: str) -> Pair:
        """The pair these two roles sign as, whatever their order (provider, om) -> provider-om."""
        return self.catalogue.pair_of(*roles)


def load_standard(folder_or_manifest: str | Path) -> Standard:
    path = Path(folder_or_manifest)
    return Standard(path / MANIFEST if path.is_dir() else path)


@cache
def default_standard() -> Standard:
    """The standard shipped with contractkit (T/CCIA 004-2024), loaded once per process."""
    return load_standard(resources.corpora_dir())
