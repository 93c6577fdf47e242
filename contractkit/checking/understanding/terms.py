"""Finding lexicon terms in a document's paragraphs.

What a lexicon entry finds is defined by one regular expression
(``TermGroup.alternation``: its literal terms, longest first, then its
patterns), run with ``finditer`` over each paragraph, less the matches that
lie wholly inside one of its stop phrases (run the same way). ``TermFinder``
finds exactly that without ninety alternations each scanning the text:

- one Aho-Corasick automaton finds, in one pass over the paragraphs joined by
  line breaks (no term holds one), every occurrence of every literal term and
  of every literal *factor* of the patterns and stop phrases (``literals.py``);
- ``finditer``'s choice is replayed per entry from those occurrences: scanning
  on from the end of the last match, the leftmost position where the entry
  matches wins, at that position the longest term, else the first pattern;
- patterns and stop phrases stay regular expressions, run only on the
  paragraphs that hold one of their factors, each paragraph on its own
  (``search(text, start, end)`` of the joined text sees a paragraph's end as
  the end of the text; before its start, a line break, which the lexicons'
  look-behinds, testing named characters only, read like the start);
- a pattern whose every match starts with one of a few literals (应, 可,
  扣减|扣除…: ``literals.leading_literals``) need not be searched: it may be
  tried with ``match`` only where the automaton found one of them, within its
  paragraph — when those places are few for the characters a search would
  cover (``_LEAD_COST``).

``find`` takes an optional ``Keep`` factory: given a text, a test of a
candidate span. A span it refuses is not a match, and the scan goes on as if
the entry had not matched there (a shorter term at the same place may still
match). The token layer uses it to drop a term that is not a word of the text;
without it the result is exactly the regular expressions'.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from contractkit.checking.understanding.lexicons import TermGroup

Term = tuple[str, int, int]  # label, start, end within its paragraph
Span = tuple[int, int]
Keep = Callable[[str], Callable[[int, int], bool]]  # text -> (start, end) -> is it a match?


# One entry's literal-term occurrences, as (start, -end), sorted: by start, at one start longest first.
_Candidates = list[tuple[int, int]]


class Joined:
    """A document's paragraphs joined by line breaks (no term holds one), and where each one starts:
    the term finders and the sentence splitter each make one pass over the whole document."""

    def __init__(self, texts: Sequence[str]):
        self.texts = texts
        self.text = "\n".join(texts)
        self.starts: list[int] = []
        position = 0
        for text in texts:
            self.starts.append(position)
            position += len(text) + 1
        self.ends = [start + len(text) for start, text in zip(self.starts, texts, strict=True)]

    def block_of(self, position: int) -> int:
        """The paragraph in which a position (not on a joining line break) lies."""
        return bisect_right(self.starts, position) - 1


@dataclass(frozen=True)
class _Regex:
    pattern: re.Pattern
    factors: frozenset[str] | None  # one of which every match holds; None: unknown, run it everywhere
    leads: frozenset[str] | None = None  # one of which every match starts with (patterns only); None: unknown


class TermFinder:
    def __init__(self, group: TermGroup):
        import ahocorasick

        from contractkit.checking.understanding.literals import literals_of

        self.group = group
        self.labels = group.labels
        regexes: list[_Regex] = []
        compiled = {label: re.compile("|".join(patterns)) for label, patterns in group.patterns.items() if patterns}
        known = literals_of([p.pattern for p in (*compiled.values(), *group.stops.values())])

        def regex(pattern: re.Pattern, with_leads: bool) -> int:
            factors, leads = known[pattern.pattern]
            regexes.append(_Regex(pattern, factors, leads if with_leads else None))
            return len(regexes) - 1

        self._patterns = {label: regex(pattern, with_leads=True) for label, pattern in compiled.items()}
        self._stops = {label: regex(stop, with_leads=False) for label, stop in group.stops.items()}
        self._regexes = regexes
        # key -> (the entries it is a term of, the regexes it is a factor of, the regexes whose matches
        # may start with it); a pattern with both is run the cheaper way for each document
        keys: dict[str, tuple[list[int], list[int], list[int]]] = {}
        for i, label in enumerate(self.labels):
            for term in group.terms[label]:
                keys.setdefault(term, ([], [], []))[0].append(i)
        for i, found in enumerate(regexes):
            for factor in found.factors or ():
                keys.setdefault(factor, ([], [], []))[1].append(i)
            for lead in found.leads or ():
                keys.setdefault(lead, ([], [], []))[2].append(i)
        self._automaton = ahocorasick.Automaton()
        for key, (labels, factor_of, lead_of) in keys.items():
            self._automaton.add_word(key, (len(key), tuple(labels), tuple(factor_of), tuple(lead_of)))
        if keys:
            self._automaton.make_automaton()
        self._has_keys = bool(keys)

    def find(self, texts: Sequence[str], keep: Keep | None = None) -> list[list[Term]]:
        """The terms of each text, by label (in lexicon order), then by position."""
        joined = Joined(texts)
        found: list[list[Term]] = [[] for _ in texts]
        for label, start, end in self.terms(joined, keep):
            block = joined.block_of(start)
            offset = joined.starts[block]
            found[block].append((label, start - offset, end - offset))
        return found

    def terms(self, joined: Joined, keep: Keep | None = None) -> list[Term]:
        """The terms of all the texts, by label (in lexicon order), then by position; offsets are within
        the joined text (a term lies within one paragraph)."""
        starts, ends, text = joined.starts, joined.ends, joined.text
        test = keep(text) if keep else None
        occurrences, hits, leads = self._scan(text)

        def blocks_of(regex: int) -> list[int]:
            """The paragraphs where the regex may match: those holding one of its factors."""
            if self._regexes[regex].factors is None:
                return list(range(len(starts)))
            return sorted({bisect_right(starts, at) - 1 for at in hits[regex]})

        found: list[Term] = []
        for i, label in enumerate(self.labels):
            pattern = self._patterns.get(label)
            search: _Search | _LeadSearch | None = None
            if pattern is not None:
                blocks = blocks_of(pattern)
                if self._regexes[pattern].leads is not None and _LEAD_COST * len(leads[pattern]) < sum(
                        ends[b] - starts[b] for b in blocks):
                    search = _LeadSearch(self._regexes[pattern].pattern, joined, sorted(set(leads[pattern])))
                else:
                    search = _Search(self._regexes[pattern].pattern, text, [(starts[b], ends[b]) for b in blocks])
            matches = _select(text, occurrences[i], search, test)
            stop = self._stops.get(label)
            if matches and stop is not None:
                # Stop phrases, run in the paragraphs that hold both a match and one of their factors.
                may_stop = set(blocks_of(stop)) & {bisect_right(starts, start) - 1 for start, _ in matches}
                stopper = self._regexes[stop].pattern
                blocked = [m.span() for b in sorted(may_stop) for m in stopper.finditer(text, starts[b], ends[b])]
                if blocked:
                    matches = _unblocked(matches, blocked)
            found.extend((label, s, e) for s, e in matches)
        return found

    def _scan(self, text: str) -> tuple[list[_Candidates], list[list[int]], list[list[int]]]:
        """Every occurrence of every literal term, per entry; where each regex's factors occur; where
        each pattern's leading literals occur."""
        spans: list[_Candidates] = [[] for _ in self.labels]
        hits: list[list[int]] = [[] for _ in self._regexes]
        leads: list[list[int]] = [[] for _ in self._regexes]
        if self._has_keys:
            for last, (length, labels, factor_of, lead_of) in self._automaton.iter(text):
                first = last + 1 - length
                if labels:
                    span = (first, -1 - last)  # sorts by start, then longest first
                    for label in labels:
                        spans[label].append(span)
                for regex in factor_of:
                    hits[regex].append(first)
                for regex in lead_of:
                    leads[regex].append(first)
        for entry in spans:
            entry.sort()
        return spans, hits, leads


# Trying a pattern with ``match`` at one place where it may start costs about what ``search`` costs
# over this many characters of the paragraphs that hold its factors (measured on the lexicons'
# patterns: 0.7–1 µs a place, 0.015–0.15 µs a character): the cheaper way is taken per document.
_LEAD_COST = 20


class _Search:
    """A pattern's leftmost match at or after a position, paragraph by paragraph (the ranges, in order);
    positions asked for never decrease."""

    def __init__(self, pattern: re.Pattern, text: str, ranges: list[Span]):
        self.pattern, self.text, self.ranges, self.next = pattern, text, ranges, 0

    def __call__(self, position: int) -> re.Match | None:
        while self.next < len(self.ranges):
            start, end = self.ranges[self.next]
            if end > position:
                match = self.pattern.search(self.text, max(start, position), end)
                if match is not None:
                    return match
            self.next += 1
        return None


class _LeadSearch:
    """The same as ``_Search`` for a pattern whose matches start with known literals: tried only where
    one occurs (``at``, ascending), each within its paragraph. ``match`` there is what ``search`` would
    try there (look-behinds see the text before it either way); a match cannot start anywhere else."""

    def __init__(self, pattern: re.Pattern, joined: Joined, at: list[int]):
        self.pattern, self.joined, self.at, self.next = pattern, joined, at, 0

    def __call__(self, position: int) -> re.Match | None:
        at, text, starts, ends = self.at, self.joined.text, self.joined.starts, self.joined.ends
        i = bisect_left(at, position, self.next)
        while i < len(at):
            start = at[i]
            match = self.pattern.match(text, start, ends[bisect_right(starts, start) - 1])
            if match is not None:
                self.next = i
                return match
            i += 1
        self.next = i
        return None


def _unblocked(matches: list[Span], blocked: list[Span]) -> list[Span]:
    """The matches that lie wholly inside no blocked span. The blocked spans are one ``finditer``'s
    (in order, none overlapping), so the only one that can hold a match is the last to start at or
    before it."""
    starts = [start for start, _ in blocked]
    kept = []
    for s, e in matches:
        i = bisect_right(starts, s) - 1
        if i < 0 or e > blocked[i][1]:
            kept.append((s, e))
    return kept


def _select(text: str, terms: _Candidates, search: _Search | _LeadSearch | None, keep: Callable[[int, int], bool] | None
            ) -> list[Span]:
    """What the entry's ``finditer`` finds, less what ``keep`` refuses."""
    if search is None and keep is None:  # the common case: terms only, leftmost-longest, no overlaps
        chosen, position = [], 0
        for start, end in terms:
            if start >= position:
                position = -end
                chosen.append((start, position))
        return chosen
    chosen, position, i, count = [], 0, 0, len(terms)
    match = search(0) if search else None
    while True:
        if i < count and terms[i][0] < position:
            i = bisect_left(terms, (position, -len(text) - 1), i)
        if match is not None and match.start() < position:
            match = search(position) if search else None
        term_at = terms[i][0] if i < count else len(text) + 1
        if match is None and i >= count:
            return chosen
        if match is None or term_at <= match.start():
            # the terms come first in the alternation, longest first
            kept: int | None = None  # the longest term here that ``keep`` takes
            while i < count and terms[i][0] == term_at:
                if kept is None and (keep is None or keep(term_at, -terms[i][1])):
                    kept = -terms[i][1]
                i += 1
            if kept is not None:
                chosen.append((term_at, kept))
                position = kept
                continue
            if match is None or match.start() != term_at:
                continue
        # a pattern match, leftmost; an empty one, or one refused, is passed over
        start, end = match.span()
        if end > start and (keep is None or keep(start, end)):
            chosen.append((start, end))
            position = end
        else:
            match = search(start + 1) if search else None
