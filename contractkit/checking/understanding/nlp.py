"""The language engine behind a small interface (as presidio does).

``NlpEngine.analyse(texts)`` turns paragraphs into sentences carrying the
concept and modality terms found in them. Two engines (``make_engine``):

- ``terms`` (``TermEngine``): the lexicon terms (``terms.TermFinder``) and the
  sentence splitter, no tokens;
- ``nlp`` (``JiebaEngine``, the default): the same, with jieba's words
  deciding where a term is not a word of the text (``segmentation.WordRule``:
  a match whose both ends fall inside words is dropped — 通报 in 普通报告,
  许可 in 被许可方). jieba segments lazily: only the runs around such
  candidates, never the whole document.

Sentences are cut at 。！？； and line breaks (``split_sentences``).

spaCy is not in the pipeline. The one decision tokens make needs jieba's
segmentation of a few clauses and nothing else; spaCy's blank Chinese pipeline
only wrapped the same jieba call into a Doc, and the Doc and its span groups
were never read (replacing them with the term finder gave identical reports,
~4x faster), while ``import spacy`` alone takes ~0.5 s of the 1 s a single
``contractkit check`` may take. ``evaluate --engine terms|nlp`` measures what
the token layer changes.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple, Protocol

from contractkit.checking.understanding.lexicons import Lexicons, default_lexicons

if TYPE_CHECKING:
    from contractkit.checking.understanding.segmentation import WordRule
    from contractkit.checking.understanding.terms import Joined, Keep, Term, TermFinder

# A sentence: what lies between two sentence ends (。！？； or a line break; a tab separates table
# cells: Markdown tables are read as tab-separated cells), and the marks that end it; trimmed.
SENTENCE = re.compile(r"([^。！？；!?;\n\t]+)([。！？；!?;]*)")
ENGINES = ("nlp", "terms")  # the first is the default


class Match(NamedTuple):
    """A term found in a sentence (a tuple: a contract has thousands, and a tuple is made fastest)."""

    label: str
    start: int  # offsets within the sentence text
    end: int


@dataclass(frozen=True)
class Sentence:
    block: int  # index of the block (paragraph) in the SourceDocument
    start: int  # offsets within the block text
    end: int
    text: str
    concepts: tuple[Match, ...]
    modals: tuple[Match, ...]
    # The concepts found here, worked out with the sentence: every sentence is asked for them (the
    # context readers, the rules' index by concept), and a cached_property's first use (a Python call
    # and a lock) cost more than working them out.
    labels: frozenset[str] = field(init=False, repr=False, compare=False)

    def __init__(self, block: int, start: int, end: int, text: str, concepts: tuple[Match, ...],
                 modals: tuple[Match, ...]):
        # All the fields in one step (a frozen dataclass sets each through object.__setattr__); a
        # contract has a thousand sentences.
        self.__dict__.update(block=block, start=start, end=end, text=text, concepts=concepts, modals=modals,
                             labels=frozenset([m.label for m in concepts]))

    def has(self, concept: str) -> bool:
        return concept in self.labels

    def spans_of(self, concepts) -> list[tuple[int, int]]:
        return [(m.start, m.end) for m in self.concepts if m.label in concepts]


class NlpEngine(Protocol):
    def analyse(self, texts: Sequence[str]) -> list[list[Sentence]]: ...

    def warm_up(self) -> None: ...

    def tokens(self, text: str) -> list[str] | None: ...


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: ends at 。！？； and line breaks; the mark stays with its sentence."""
    spans = []
    for found in SENTENCE.finditer(text):
        body = found.group(1)
        stripped = body.strip()
        if stripped:
            start = found.start() + len(body) - len(body.lstrip())
            end = found.end() if found.group(2) else found.end(1) - (len(body) - len(body.rstrip()))
            spans.append((start, end))
    return spans


class TermEngine:
    """Lexicon terms and sentences, no tokens (``--engine terms``). Built once per process and shared:
    it holds no state between documents."""

    kind = "terms"

    def __init__(self, lexicons: Lexicons | None = None):
        self.lexicons = lexicons or default_lexicons()

    @cached_property
    def concept_finder(self) -> TermFinder:
        from contractkit.checking.understanding.terms import TermFinder

        return TermFinder(self.lexicons.concept_group)

    @cached_property
    def modal_finder(self) -> TermFinder:
        from contractkit.checking.understanding.terms import TermFinder

        return TermFinder(self.lexicons.modality_group)

    def warm_up(self) -> None:
        """Build what the first document would (e.g. before forking workers that should share it)."""
        self.analyse(["预热"])

    def tokens(self, text: str) -> list[str] | None:
        """The words of a text; None: this engine has no tokens (what needs them is left out)."""
        return None

    def analyse(self, texts: Sequence[str]) -> list[list[Sentence]]:
        from contractkit.checking.understanding.terms import Joined

        joined = Joined(texts)
        return document_sentences(joined, self.concept_finder.terms(joined, self.keep),
                                  self.modal_finder.terms(joined, self.keep_modal))

    @property
    def keep(self) -> Keep | None:
        """Which matches are terms of the text: here, all the lexicons find."""
        return None

    @property
    def keep_modal(self) -> Keep | None:
        """Which modal-word matches are modal words of the text."""
        return None


class JiebaEngine(TermEngine):
    """Lexicon terms that are words of the text, and sentences (``--engine nlp``, the default)."""

    kind = "nlp"

    def __init__(self, lexicons: Lexicons | None = None):
        super().__init__(lexicons)
        from contractkit.checking.understanding.segmentation import WordRule

        self.words: WordRule = WordRule(self.lexicons)

    def warm_up(self) -> None:
        super().warm_up()
        self.words.warm_up()

    def tokens(self, text: str) -> list[str] | None:
        return self.words.words(text)

    @property
    def keep(self) -> Keep | None:
        return self.words.keep

    @property
    def keep_modal(self) -> Keep | None:
        return self.words.keep_modal


def make_engine(kind: str = ENGINES[0], lexicons: Lexicons | None = None) -> TermEngine:
    """An engine by name: ``nlp`` (terms that are words, by jieba) or ``terms`` (terms only)."""
    if kind == "nlp":
        return JiebaEngine(lexicons)
    if kind == "terms":
        return TermEngine(lexicons)
    raise ValueError(f"unknown engine {kind!r}: choose one of {', '.join(ENGINES)}")


def document_sentences(joined: Joined, concept_terms: Sequence[Term], modal_terms: Sequence[Term]
                       ) -> list[list[Sentence]]:
    """Each paragraph's sentences, each with the terms it wholly holds (offsets made relative). The
    sentences are cut in one pass over the joined paragraphs: the line breaks joining them end sentences,
    so each sentence lies within one paragraph, as if each were cut on its own."""
    text, starts = joined.text, joined.starts
    bounds = [(start, end) for start, end in split_sentences(text) if start < end]
    concepts, modals = _by_sentence(bounds, concept_terms), _by_sentence(bounds, modal_terms)
    found: list[list[Sentence]] = [[] for _ in starts]
    for (start, end), held, said in zip(bounds, concepts, modals, strict=True):
        block = bisect_right(starts, start) - 1
        offset = starts[block]
        found[block].append(Sentence(block, start - offset, end - offset, text[start:end], tuple(held), tuple(said)))
    return found


def _by_sentence(bounds: list[tuple[int, int]], spans: Sequence[Term]) -> list[list[Match]]:
    """Each span, in the sentence that wholly holds it (offsets made relative), in span order."""
    starts = [start for start, _ in bounds]
    ends = [end for _, end in bounds]
    found: list[list[Match]] = [[] for _ in bounds]
    # Match(label, start, end) without the namedtuple's Python-level __new__, which calls this (a
    # contract has ~3,000 terms).
    new = tuple.__new__
    for label, s, e in spans:
        i = bisect_right(starts, s) - 1
        if i >= 0 and e <= ends[i]:
            offset = starts[i]
            found[i].append(new(Match, (label, s - offset, e - offset)))
    return found
