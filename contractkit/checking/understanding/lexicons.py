"""The checker's lexicons (``corpora/lexicons/*.yaml``), validated and compiled once.

Every lexicon entry becomes one regular expression. Matching runs on the
text, not on jieba's tokens, so a term that jieba splits differently in
context (监督权利 -> 监督 / 权利) is still found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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
class Lexicons:
    concepts: dict[str, re.Pattern]
    concept_terms: dict[str, tuple[str, ...]]
    concept_labels: dict[str, str]  # concept id -> its Chinese label, for explanations
    concept_stops: dict[str, re.Pattern]  # concept id -> phrases in which its terms mean something else
    modality: dict[str, re.Pattern]
    parties: PartyLexicon  # party labels, sides and the words of each role
    partner_roles: tuple[str, ...]  # the catalogue's partner role ids, in catalogue order
    userdict: Path

    def jieba_terms(self) -> set[str]:
        """Multi-character terms jieba should keep whole."""
        terms = {t for group in self.concept_terms.values() for t in group}
        for words in self.parties.roles.values():
            terms.update(words.name_terms)
        terms.update(self.parties.labels)
        return {t for t in terms if len(t) > 1}


def _load_modality(path: Path) -> dict[str, re.Pattern]:
    data = read_yaml(path).get("modality")
    if not isinstance(data, dict) or not data:
        raise CatalogueError(path, "'modality' must be a non-empty mapping")
    compiled = {}
    for kind, entry in data.items():
        terms, patterns = entry.get("terms", []), entry.get("patterns", [])
        if not terms and not patterns:
            raise CatalogueError(path, f"modality {kind!r} needs terms or patterns")
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise CatalogueError(path, f"modality {kind!r}: bad pattern {pattern!r}: {exc}") from None
        compiled[kind] = _alternation(terms, patterns)
    return compiled


def load_lexicons(folder: Path, concepts_path: Path, catalogue: Catalogue) -> Lexicons:
    """A standard's lexicons: its concepts, modal words, party labels and roles (checked against its
    catalogue's roles) and jieba's user dictionary."""
    from contractkit.checking.understanding.parties.lexicon import load_party_lexicon

    entries = load_concept_entries(concepts_path)
    concept_terms = {cid: entry["terms"] for cid, entry in entries.items()}
    concept_labels = {cid: entry["label"] for cid, entry in entries.items()}
    concepts = {cid: _alternation(entry["terms"], entry["patterns"]) for cid, entry in entries.items()}
    # Stop phrases are regular expressions: "(合同|协议)…变更" is a contract amendment, not a change.
    concept_stops = {cid: _alternation((), entry["not"]) for cid, entry in entries.items() if entry["not"]}
    parties = load_party_lexicon(folder / "roles.yaml")
    unknown = set(parties.roles) - {r.id for r in catalogue.roles}
    if unknown:
        raise CatalogueError(folder / "roles.yaml", f"unknown roles {sorted(unknown)}")
    return Lexicons(
        concepts=concepts,
        concept_terms=concept_terms,
        concept_labels=concept_labels,
        concept_stops=concept_stops,
        modality=_load_modality(folder / "modality.yaml"),
        parties=parties,
        partner_roles=tuple(r.id for r in catalogue.roles if r.kind == "partner"),
        userdict=folder / "jieba_userdict.txt",
    )


def default_lexicons() -> Lexicons:
    """The shipped standard's lexicons (loaded once, with the standard)."""
    from contractkit.standard import default_standard

    return default_standard().lexicons
