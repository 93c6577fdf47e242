"""The checker's lexicons (``corpora/lexicons/*.yaml``), validated and compiled once.

Each lexicon entry (a concept, a kind of modal word) is, by definition, one
regular expression: its literal terms, longest first, then its patterns, in
order (``TermGroup.alternation``). ``terms.TermFinder`` finds exactly what
those expressions find, faster: the literal terms of every entry through one
Aho-Corasick automaton, only true patterns as regular expressions. Matching
runs on the text, not on jieba's tokens, so a term that jieba splits
differently in context (监督权利 -> 监督 / 权利) is still found; the token
layer (``segmentation.py``) then drops a match only where it is not a word.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from contractkit.catalogue.loader import CatalogueError, load_concept_entries, read_yaml

if TYPE_CHECKING:
    from contractkit.catalogue import Catalogue
    from contractkit.checking.understanding.parties.lexicon import PartyLexicon


def _alternation(terms, patterns=()) -> re.Pattern:
    parts = [re.escape(t) for t in sorted(set(terms), key=len, reverse=True)] + list(patterns)
    return re.compile("|".join(parts))


@dataclass(frozen=True)
class TermGroup:
    """One group of lexicon entries (the concepts, or the modal words), by label in lexicon order."""

    terms: Mapping[str, tuple[str, ...]]  # label -> literal terms
    patterns: Mapping[str, tuple[str, ...]]  # label -> regular expressions, tried after the terms
    stops: Mapping[str, re.Pattern]  # label -> phrases (regular expressions) in which its terms mean something else

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.terms)

    def alternation(self, label: str) -> re.Pattern:
        """The entry as one regular expression: what it finds, by definition."""
        return self.alternations[label]

    @cached_property
    def alternations(self) -> dict[str, re.Pattern]:
        return {label: _alternation(self.terms[label], self.patterns[label]) for label in self.terms}


def _group(entries: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]], stops: Mapping[str, re.Pattern]
           ) -> TermGroup:
    for label, (terms, _) in entries.items():
        for term in terms:
            if "\n" in term:  # the term finder joins paragraphs with line breaks
                raise ValueError(f"{label}: a term cannot hold a line break: {term!r}")
    return TermGroup(
        terms={label: tuple(terms) for label, (terms, _) in entries.items()},
        patterns={label: tuple(patterns) for label, (_, patterns) in entries.items()},
        stops=dict(stops),
    )


@dataclass(frozen=True)
class Lexicons:
    concept_group: TermGroup
    modality_group: TermGroup
    concept_terms: dict[str, tuple[str, ...]]
    concept_labels: dict[str, str]  # concept id -> its Chinese label, for explanations
    concept_stops: dict[str, re.Pattern]  # concept id -> phrases in which its terms mean something else
    parties: PartyLexicon  # party labels, sides and the words of each role
    partner_roles: tuple[str, ...]  # the catalogue's partner role ids, in catalogue order
    userdict: Path
    # Endings that make a modal word the head of a noun (负责人, 保证金, 通知书): see modality.yaml.
    noun_endings: frozenset[str] = frozenset()

    @property
    def concepts(self) -> dict[str, re.Pattern]:
        """Concept id -> the regular expression that defines what it finds (compiled on first use)."""
        return self.concept_group.alternations

    @property
    def modality(self) -> dict[str, re.Pattern]:
        return self.modality_group.alternations

    def jieba_terms(self) -> set[str]:
        """Multi-character terms jieba should keep whole."""
        terms = {t for group in self.concept_terms.values() for t in group}
        for words in self.parties.roles.values():
            terms.update(words.name_terms)
        terms.update(self.parties.labels)
        return {t for t in terms if len(t) > 1}


def _load_noun_endings(path: Path) -> frozenset[str]:
    endings = read_yaml(path).get("noun_endings", [])
    if not isinstance(endings, list) or not all(isinstance(e, str) and e.strip() == e and e for e in endings):
        raise CatalogueError(path, "'noun_endings' must be a list of words")
    return frozenset(endings)


def _load_modality(path: Path) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Kind -> (terms, patterns), validated."""
    data = read_yaml(path).get("modality")
    if not isinstance(data, dict) or not data:
        raise CatalogueError(path, "'modality' must be a non-empty mapping")
    entries = {}
    for kind, entry in data.items():
        terms, patterns = entry.get("terms", []), entry.get("patterns", [])
        if not terms and not patterns:
            raise CatalogueError(path, f"modality {kind!r} needs terms or patterns")
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise CatalogueError(path, f"modality {kind!r}: bad pattern {pattern!r}: {exc}") from None
        entries[kind] = (tuple(terms), tuple(patterns))
    return entries


def load_lexicons(folder: Path, concepts_path: Path, catalogue: Catalogue) -> Lexicons:
    """A standard's lexicons: its concepts, modal words, party labels and roles (checked against its
    catalogue's roles) and jieba's user dictionary."""
    from contractkit.checking.understanding.parties.lexicon import load_party_lexicon

    entries = load_concept_entries(concepts_path)
    concept_terms = {cid: entry["terms"] for cid, entry in entries.items()}
    concept_labels = {cid: entry["label"] for cid, entry in entries.items()}
    # Stop phrases are regular expressions: "(合同|协议)…变更" is a contract amendment, not a change.
    concept_stops = {cid: _alternation((), entry["not"]) for cid, entry in entries.items() if entry["not"]}
    try:
        concept_group = _group({cid: (e["terms"], e["patterns"]) for cid, e in entries.items()}, concept_stops)
        modality_group = _group(_load_modality(folder / "modality.yaml"), {})
    except ValueError as exc:
        raise CatalogueError(folder, str(exc)) from None
    parties = load_party_lexicon(folder / "roles.yaml")
    unknown = set(parties.roles) - {r.id for r in catalogue.roles}
    if unknown:
        raise CatalogueError(folder / "roles.yaml", f"unknown roles {sorted(unknown)}")
    return Lexicons(
        concept_group=concept_group,
        modality_group=modality_group,
        concept_terms=concept_terms,
        concept_labels=concept_labels,
        concept_stops=concept_stops,
        parties=parties,
        partner_roles=tuple(r.id for r in catalogue.roles if r.kind == "partner"),
        userdict=folder / "jieba_userdict.txt",
        noun_endings=_load_noun_endings(folder / "modality.yaml"),
    )


def default_lexicons() -> Lexicons:
    """The shipped standard's lexicons (loaded once, with the standard)."""
    from contractkit.standard import default_standard

    return default_standard().lexicons
