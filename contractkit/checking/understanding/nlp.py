"""The NLP engine behind a small interface (as presidio does).

``NlpEngine.analyse(texts)`` turns paragraphs into sentences carrying the
concept and modality terms found in them. The shipped engine is a spaCy
pipeline on ``spacy.blank("zh")`` with jieba segmentation (no downloaded
model): our own component marks lexicon terms as span groups, and sentences
are cut at 。！？； and line breaks (``split_sentences``; spaCy's per-token
sentence flags cost more than the rest of the pipeline and nothing read them).
spaCy and jieba load on first use, once per process.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

from contractkit.checking.understanding.lexicons import Lexicons, default_lexicons
from contractkit.checking.understanding.terms import TermFinder
from contractkit.resources import cache_dir

LEXICON_GROUPS = ("concepts", "modality")  # the span groups, one LexiconMatcher each
# Sentence ends; a tab separates table cells (Markdown tables are read as tab-separated cells).
SENTENCE_END = re.compile(r"[。！？；!?;]+|[\n\t]+")


@dataclass(frozen=True)
class Match:
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

    @cached_property
    def labels(self) -> frozenset[str]:
        """The concepts found here; every requirement asks, so it is worked out once."""
        return frozenset(m.label for m in self.concepts)

    def has(self, concept: str) -> bool:
        return concept in self.labels

    def spans_of(self, concepts) -> list[tuple[int, int]]:
        return [(m.start, m.end) for m in self.concepts if m.label in concepts]


class NlpEngine(Protocol):
    def analyse(self, texts: Sequence[str]) -> list[list[Sentence]]: ...

    def warm_up(self) -> None: ...


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: ends at 。！？； and line breaks; the mark stays with its sentence."""
    spans, start = [], 0
    for mark in SENTENCE_END.finditer(text):
        end = mark.end()
        if text[start:mark.start()].strip():
            spans.append((start, end if mark.group().strip() else mark.start()))
        start = end
    if text[start:].strip():
        spans.append((start, len(text)))
    return [_trim(text, s, e) for s, e in spans]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


class SpacyJiebaEngine:
    """spaCy + jieba with the project's components; built once per process."""

    def __init__(self, lexicons: Lexicons | None = None):
        self.lexicons = lexicons or default_lexicons()
        self._nlp = None

    @property
    def nlp(self):
        if self._nlp is None:
            self._nlp = build_pipeline(self.lexicons)
        return self._nlp

    def warm_up(self) -> None:
        """Load spaCy and jieba now (e.g. before forking workers that should share them)."""
        self.nlp("预热")

    def analyse(self, texts: Sequence[str]) -> list[list[Sentence]]:
        return [doc_sentences(doc, block) for block, doc in enumerate(self.nlp.pipe(self._docs(texts)))]

    def _docs(self, texts: Sequence[str]):
        """Segmented Docs that already know their text (jieba keeps it exactly, so Doc.text is never
        rebuilt) and their lexicon terms (found for the whole document at once, see terms.py)."""
        terms = {group: self.nlp.get_pipe(group).finder.find(texts) for group in LEXICON_GROUPS}
        for index, text in enumerate(texts):
            doc = self.nlp.make_doc(text)
            doc.user_data[TEXT_KEY] = text
            for group in LEXICON_GROUPS:
                doc.user_data[("contractkit", group)] = terms[group][index]
            yield doc


def doc_sentences(doc, block: int) -> list[Sentence]:
    """Read our span groups back out of a processed Doc as plain Sentences."""
    concept_spans = doc.user_data[("contractkit", "concepts")]
    modal_spans = doc.user_data[("contractkit", "modality")]
    text = doc_text(doc)
    bounds = [(start, end) for start, end in split_sentences(text) if start < end]
    concepts, modals = _by_sentence(bounds, concept_spans), _by_sentence(bounds, modal_spans)
    return [
        Sentence(block, start, end, text[start:end], tuple(concepts[i]), tuple(modals[i]))
        for i, (start, end) in enumerate(bounds)
    ]


def _by_sentence(bounds: list[tuple[int, int]], spans) -> list[list[Match]]:
    """Each span, in the sentence that wholly holds it (offsets made relative), in span order."""
    starts = [start for start, _ in bounds]
    found: list[list[Match]] = [[] for _ in bounds]
    for label, s, e in spans:
        i = bisect_right(starts, s) - 1
        if i >= 0 and e <= bounds[i][1]:
            found[i].append(Match(label, s - bounds[i][0], e - bounds[i][0]))
    return found


TEXT_KEY = ("contractkit", "text")


def doc_text(doc) -> str:
    """The Doc's text, built once: spaCy rebuilds Doc.text from the tokens on every access."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


class LexiconMatcher:
    """spaCy component: marks each lexicon term as a span in ``doc.spans[group]``.

    Terms are found on the text, then aligned outwards to token edges, so a
    term jieba split or merged differently is never missed.
    """

    def __init__(self, group: str, patterns: dict[str, re.Pattern], stops: dict[str, re.Pattern] | None = None):
        self.group = group
        self.finder = TermFinder(patterns, stops)

    def __call__(self, doc):
        key = ("contractkit", self.group)
        # The exact characters, for evidence highlighting and for ordering against party names;
        # SpacyJiebaEngine finds them for a whole document at once and hands them in.
        exact = doc.user_data.get(key)
        if exact is None:
            exact = doc.user_data[key] = self.finder.find([doc_text(doc)])[0]
        spans = [doc.char_span(s, e, label=label, alignment_mode="expand") for label, s, e in exact]
        doc.spans[self.group] = [span for span in spans if span is not None]
        return doc


def build_pipeline(lexicons: Lexicons):
    import jieba
    import spacy
    from spacy.language import Language

    jieba.setLogLevel(60)  # jieba reports its cache loading on stderr otherwise
    jieba.dt.tmp_dir = str(cache_dir())
    jieba.dt.cache_file = "jieba.cache"
    jieba.load_userdict(str(lexicons.userdict))
    for term in sorted(lexicons.jieba_terms()):
        jieba.add_word(term)  # no freq: jieba picks one that keeps the word whole

    if not Language.has_factory("contractkit_lexicon"):
        Language.factory(
            "contractkit_lexicon",
            func=lambda nlp, name, group, lexicons: LexiconMatcher(group, *_PIPELINE_LEXICONS[lexicons][group]),
            default_config={"group": "concepts", "lexicons": 0},
        )
    # spaCy configs hold plain values: the components find this pipeline's lexicons by key.
    key = id(lexicons)
    _PIPELINE_LEXICONS[key] = {
        "concepts": (lexicons.concepts, lexicons.concept_stops),
        "modality": (lexicons.modality, {}),
    }

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.add_pipe("contractkit_lexicon", name="concepts", config={"group": "concepts", "lexicons": key})
    nlp.add_pipe("contractkit_lexicon", name="modality", config={"group": "modality", "lexicons": key})
    return nlp


_PIPELINE_LEXICONS: dict[int, dict] = {}
