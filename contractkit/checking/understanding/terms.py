"""Finding lexicon terms in a document's paragraphs: each pattern scans the whole text once.

Scanning paragraph by paragraph costs one regex call per pattern and
paragraph (90 patterns × 700 paragraphs in a long contract), and the calls,
not the scanning, were most of the time. So each pattern runs once over the
paragraphs joined by line breaks. The result is exactly what scanning each
paragraph alone gives: a match (or stop phrase) that runs over a paragraph's
end would not exist, or would shift the scan, paragraph by paragraph, so the
paragraphs it touches are scanned again on their own. The lexicons' look-
arounds test named characters only, so a line break next to a paragraph reads
like its end.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

Term = tuple[str, int, int]  # label, start, end within its paragraph


class TermFinder:
    def __init__(self, patterns: dict[str, re.Pattern], stops: dict[str, re.Pattern] | None = None):
        self.patterns, self.stops = patterns, stops or {}

    def find(self, texts: Sequence[str]) -> list[list[Term]]:
        """The terms of each text, by label (in lexicon order), then by position."""
        starts, position = [], 0
        for text in texts:
            starts.append(position)
            position += len(text) + 1
        joined = "\n".join(texts)
        found: list[list[Term]] = [[] for _ in texts]
        for label, pattern in self.patterns.items():
            stop = self.stops.get(label)
            matches = _spans(pattern, joined)
            stops = _spans(stop, joined) if stop else []
            rescan: set[int] = set()
            per_block: dict[int, list[tuple[int, int]]] = {}
            blocked: dict[int, list[tuple[int, int]]] = {}
            for spans, into in ((matches, per_block), (stops, blocked)):
                for start, end in spans:
                    block = bisect_right(starts, start) - 1
                    if end <= starts[block] + len(texts[block]) and start >= starts[block]:
                        into.setdefault(block, []).append((start - starts[block], end - starts[block]))
                    else:  # over a paragraph's end: what paragraph-by-paragraph scanning finds differs
                        rescan.update(range(block, bisect_right(starts, end)))
            for block in sorted(set(per_block) | rescan):
                if block in rescan:
                    own = _spans(pattern, texts[block])
                    own_stops = _spans(stop, texts[block]) if stop else []
                else:
                    own, own_stops = per_block[block], blocked.get(block, [])
                found[block].extend(
                    (label, s, e) for s, e in own if not any(bs <= s and e <= be for bs, be in own_stops)
                )
        return found


def _spans(pattern: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [match.span() for match in pattern.finditer(text)]
