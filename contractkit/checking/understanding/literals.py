"""Literal factors of a regular expression: strings one of which every match contains.

``terms.TermFinder`` runs a lexicon pattern or stop phrase only on the
paragraphs that hold one of its factors (found with the terms, in the same
Aho-Corasick pass), instead of over the whole text: Python's ``re`` spends
~0.5 ms on 30,000 characters per pattern even where nothing matches. The
factors are read from the parsed expression (``re._parser``); a pattern whose
factors cannot be told (or another Python's internals) is run everywhere, so
a factor set can only save time, never change a result. The party analysis
uses the same to skip paragraphs (``paragraphs_holding``).
"""

from __future__ import annotations

import importlib
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

# A set of exact strings larger than this is not worth spelling out. (The modal words a present-tense
# undertaking starts with are 65: at 64, one more word turned their lead search into a paragraph
# search and cost ~4 ms a contract.)
MAX_STRINGS = 96


@lru_cache(maxsize=1024)
def required_factors(pattern: str) -> frozenset[str] | None:
    """Non-empty strings one of which every match of ``pattern`` contains; None when none are known
    (the pattern must then be run everywhere)."""
    return _read(pattern, lambda factors, items: factors.sequence(items)[1])


@lru_cache(maxsize=1024)
def leading_literals(pattern: str) -> frozenset[str] | None:
    """Non-empty strings one of which every match of ``pattern`` starts with (after zero-width
    assertions), so that a match can start only where one of them occurs; None when not known."""
    found = _read(pattern, _leading)
    return found if found is not None and "" not in found and len(found) <= MAX_STRINGS else None


Literals = tuple[frozenset[str] | None, frozenset[str] | None]  # (required factors, leading literals)
KEEP_CACHES = 4  # in the cache folder: one per set of lexicon patterns in use


def literals_of(patterns: Sequence[str]) -> dict[str, Literals]:
    """``required_factors`` and ``leading_literals`` of each pattern, from our cache folder when these
    patterns were read before (reading them all from re's parser costs ~50 ms at every start-up):
    the answers depend on nothing but the pattern and the Python that parses it."""
    import hashlib
    import marshal
    import sys

    from contractkit.resources import cache_file, write_cache

    wanted = sorted(set(patterns))
    digest = hashlib.sha256(repr((sys.version_info[:2], MAX_STRINGS, wanted)).encode()).hexdigest()[:16]
    path = cache_file(f"pattern-literals-{digest}.marshal")
    if path is not None:
        try:
            stored = marshal.loads(path.read_bytes())
            return {p: (_as_set(stored[p][0]), _as_set(stored[p][1])) for p in wanted}
        except (OSError, ValueError, EOFError, TypeError, KeyError, IndexError):
            pass
    found = {p: (required_factors(p), leading_literals(p)) for p in wanted}
    if path is not None:
        write_cache(path, marshal.dumps({p: tuple(_as_list(s) for s in pair) for p, pair in found.items()}),
                    KEEP_CACHES)
    return found


def _as_list(strings: frozenset[str] | None) -> list[str] | None:
    return None if strings is None else sorted(strings)


def _as_set(strings: list[str] | None) -> frozenset[str] | None:
    if strings is not None and not (isinstance(strings, list) and all(isinstance(x, str) for x in strings)):
        raise TypeError("not a list of strings")
    return None if strings is None else frozenset(strings)


def _read(pattern: str, reader: Callable[[_Factors, list], frozenset[str] | None]) -> frozenset[str] | None:
    """``reader(a reader of the parsed pattern's nodes, its items)``; None for a case-insensitive pattern.
    Both questions are asked of every lexicon pattern at start-up: the pattern is parsed once, and each
    node's strings are worked out once (``_Factors`` keeps them)."""
    try:
        parsed = _parsed(pattern)
        if parsed is None:
            return None
        factors, items = parsed
        return reader(factors, items)
    except Exception:  # another Python's internals: no prefilter, never a wrong answer
        return None


@lru_cache(maxsize=256)
def _parsed(pattern: str) -> tuple[_Factors, list] | None:
    parser: Any = importlib.import_module("re._parser")
    constants: Any = importlib.import_module("re._constants")
    parsed = parser.parse(pattern)
    if parsed.state.flags & constants.SRE_FLAG_IGNORECASE:
        return None
    return _Factors(constants), list(parsed.data)


def _leading(factors: _Factors, items: list) -> frozenset[str] | None:
    """What every match of a concatenation starts with, after the zero-width items in front: the
    exact strings of its first items joined (扣(?:减|除) → 扣减, 扣除; (?:详)?见 → 详见, 见), or what its first group,
    alternation or repeat starts with — together with what the rest starts with when that item may
    match nothing (an optional 向… in front)."""
    c, exact_of = factors.c, factors.node
    index = 0
    while index < len(items) and exact_of(*items[index])[0] == _EMPTY:
        index += 1
    if index == len(items):
        return None
    op, av = items[index]
    prefixes = exact_of(op, av)[0]
    if prefixes is not None:
        for following in items[index + 1:]:
            exact = exact_of(*following)[0]
            joined = _small(frozenset(a + b for a in prefixes for b in exact)) if exact else None
            if joined is None:
                break
            prefixes = joined
        if "" not in prefixes:
            return prefixes
    if op is c.SUBPATTERN:
        _, add, remove, sub = av
        if add or remove:
            return None
        head, may_be_empty = _leading(factors, list(sub.data)), _nullable(c, op, av)
    elif op is c.BRANCH:
        alternatives = [_leading(factors, list(alternative.data)) for alternative in av[1]]
        if any(found is None for found in alternatives):
            return None
        head, may_be_empty = frozenset().union(*alternatives), _nullable(c, op, av)  # type: ignore[arg-type]
    elif op in _repeats(c):
        head, may_be_empty = _leading(factors, list(av[2].data)), _nullable(c, op, av)
    else:
        return None
    if head is None or not may_be_empty:
        return head
    rest = _leading(factors, items[index + 1:])
    return None if rest is None else head | rest


_EMPTY = frozenset({""})


def _repeats(c: Any) -> tuple:
    return tuple(op for op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)) if op is not None)


def _nullable(c: Any, op: Any, av: Any) -> bool:
    """May the node match the empty string? True when not known (the caller then looks further)."""
    if op in (c.LITERAL, c.NOT_LITERAL, c.IN, c.ANY):
        return False
    if op is c.SUBPATTERN:
        return all(_nullable(c, o, a) for o, a in av[3].data)
    if op is c.BRANCH:
        return any(all(_nullable(c, o, a) for o, a in alternative.data) for alternative in av[1])
    if op in _repeats(c):
        return av[0] == 0 or all(_nullable(c, o, a) for o, a in av[2].data)
    return True


class _Factors:
    """Per node: ``exact`` — every string it can match, when few (else None); ``factors`` — as above.
    A node's answer is kept (by the node's identity: one parse is read here), since the leading
    literals ask again of the nodes inside the ones they ask of."""

    def __init__(self, c: Any):
        self.c = c
        self._known: dict[int, tuple[Any, tuple[frozenset[str] | None, frozenset[str] | None]]] = {}

    def node(self, op, av) -> tuple[frozenset[str] | None, frozenset[str] | None]:
        known = self._known.get(id(av))
        if known is not None and known[0] is av:
            return known[1]
        found = self._node(op, av)
        if isinstance(av, (tuple, list)) or hasattr(av, "data"):
            self._known[id(av)] = (av, found)  # (the node is kept too, so its id is not reused)
        return found

    def _node(self, op, av) -> tuple[frozenset[str] | None, frozenset[str] | None]:
        c = self.c
        if op is c.LITERAL:
            return frozenset({chr(av)}), frozenset({chr(av)})
        if op is c.IN:
            if all(o is c.LITERAL for o, _ in av) and len(av) <= MAX_STRINGS:
                chars = frozenset(chr(a) for _, a in av)
                return chars, chars
            return None, None
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):  # zero-width
            return frozenset({""}), None
        if op is c.SUBPATTERN:
            _, add, remove, sub = av
            if add or remove:
                return None, None
            return self.sequence(list(sub.data))
        if op is c.BRANCH:
            results = [self.sequence(list(alternative.data)) for alternative in av[1]]
            return _small(_union([e for e, _ in results])), _union([f for _, f in results])
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
            low, high, sub = av
            exact, factor = self.sequence(list(sub.data))
            if low == 0 and high == 1 and exact is not None:
                return _small(exact | {""}), None
            return None, factor if low >= 1 else None
        return None, None

    def sequence(self, items) -> tuple[frozenset[str] | None, frozenset[str] | None]:
        """A concatenation: runs of exact nodes joined into longer strings; the best factor set wins."""
        candidates: list[frozenset[str]] = []
        run: frozenset[str] | None = frozenset({""})
        whole: frozenset[str] | None = frozenset({""})
        for op, av in items:
            exact, factor = self.node(op, av)
            if factor is not None:
                candidates.append(factor)
            if exact is None:
                if run is not None and "" not in run:
                    candidates.append(run)
                run, whole = frozenset({""}), None
                continue
            run = _small(frozenset(a + b for a in run for b in exact)) if run is not None else None
            whole = _small(frozenset(a + b for a in whole for b in exact)) if whole is not None else None
            if run is None:
                run = frozenset({""})
        if run is not None and "" not in run:
            candidates.append(run)
        best = max(candidates, key=lambda s: (min(map(len, s)), -len(s)), default=None)
        return whole, best


def _union(sets: list[frozenset[str] | None]) -> frozenset[str] | None:
    """Each alternative holds one of its own: the union, if every alternative has a set."""
    union: frozenset[str] = frozenset()
    for strings in sets:
        if strings is None:
            return None
        union |= strings
    return union


def _small(strings: frozenset[str] | None) -> frozenset[str] | None:
    return strings if strings is not None and len(strings) <= MAX_STRINGS else None


def paragraphs_holding(pattern: re.Pattern, texts: Sequence[str]) -> Sequence[int]:
    """The indices, in order, of the texts in which ``pattern`` may match: those holding one of its
    factors (all of them when it has none). Running a pattern over these only finds what running it
    over every text finds; it saves one regular-expression call per text that cannot match."""
    return paragraphs_holding_any((pattern,), texts)


def paragraphs_holding_any(patterns: Sequence[re.Pattern], texts: Sequence[str]) -> Sequence[int]:
    """The indices, in order, of the texts in which one of ``patterns`` may match, found in one pass
    for them all: those holding one of their factors."""
    union: set[str] = set()
    for pattern in patterns:
        found = None if pattern.flags & re.IGNORECASE else required_factors(pattern.pattern)
        if found is None:
            return range(len(texts))
        union |= found
    joined, starts = _joined(texts)
    if len(union) <= FEW_FACTORS:
        return _holding_each(sorted(union), joined, starts)
    return _holding_any(sorted(union), joined, starts)


# Up to this many factors, str.find of each is faster than one search for their alternation (which
# tries each place where one of their first characters occurs); beyond it, much slower (the party
# analysis asks with up to ~90 factors, 交付/供应/… or every party label).
FEW_FACTORS = 4


def _holding_each(factors: list[str], joined: str, starts: list[int]) -> list[int]:
    """The paragraphs holding a factor, by ``str.find`` of each factor, paragraph after paragraph."""
    position = len(joined) + 1
    holding: set[int] = set()
    for factor in factors:
        at = joined.find(factor)
        while at >= 0:
            block = bisect_right(starts, at) - 1
            holding.add(block)
            # on to the next paragraph: one occurrence is enough
            at = joined.find(factor, max(at + 1, starts[block + 1] if block + 1 < len(starts) else position))
    return sorted(holding)


def _holding_any(factors: list[str], joined: str, starts: list[int]) -> list[int]:
    """The same by searching for the factors' alternation from the start, then from the start of the
    paragraph after each one found: it finds the leftmost place where one of them starts, so the same
    paragraphs, in one scan instead of one per factor and paragraph."""
    # Sorted factors: the same ones make the same expression, which ``re`` then compiles once.
    search = re.compile("|".join(map(re.escape, factors))).search
    holding: list[int] = []
    position = 0
    while (occurrence := search(joined, position)) is not None:
        block = bisect_right(starts, occurrence.start()) - 1
        holding.append(block)
        if block + 1 == len(starts):
            break
        position = starts[block + 1]  # on to the next paragraph
    return holding


_last: tuple[tuple[str, ...], str, list[int]] | None = None  # the texts last joined (a party analysis asks often)


def _joined(texts: Sequence[str]) -> tuple[str, list[int]]:
    """The texts joined by line breaks, and where each starts."""
    global _last
    last, key = _last, tuple(texts)
    if last is not None and last[0] == key:  # the same strings: compared by identity first, so cheap
        return last[1], last[2]
    starts, position = [], 0
    for text in texts:
        starts.append(position)
        position += len(text) + 1
    joined = "\n".join(texts)
    _last = (key, joined, starts)
    return joined, starts
