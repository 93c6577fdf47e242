"""Words: where jieba's segmentation decides whether a term match is a word of the text.

The rule (``WordRule``): a lexicon term found in the text is kept unless
*both* of its ends fall inside jieba words. Such a match is no word of the
text: it cuts through two words (通报 in 普通|报告, 备份 in 准备|份额, 方法 in
双方|法定代表人, 停服 in 暂停|服务) or lies inside a longer one (许可 in
被许可方, 提供 in 云服务提供者, 权限 in 有权|限制). A match with one end on a
word boundary stays: 审计 in 审计署, 服务期 in 服务|期限, 安全事故 in
网络安全|事故, 运维 in 运|维和 — a compound's part, or jieba's own misreading of
a term, is still the term. (Dropping a match with *either* end inside a word
was measured too: it loses true hits such as 应 in 应立即, 通知 in 书面通知 or
不转移 in 不|转移给, and the dev corpus and the rule examples got worse.)

Modal words (``keep_modal``) answer one more question: a modal word that begins a
longer word ending in one of the lexicon's noun endings (负责|人, 保证|金, 通知|书,
modality.yaml ``noun_endings``) is the head of a noun and states nothing, so
由乙方负责人签字 gives 乙方 no duty. Part of speech alone was tried before and
lost true hits (jieba tags 采取措施 and 履行合同 as nouns); the endings keep it to
nouns that name a person, a document, money or a system.

Segmentation is lazy and local. jieba never puts a word across the edge of a
run of CJK characters, letters, digits and ``+#&._%-`` (its ``re_han_default``
blocks), and without HMM its words are dictionary words (runs of single ASCII
letters and digits excepted, which it joins). So an end of a match can only
fall inside a word if a dictionary word spans it; only when both ends can is
the run around the match cut, once, by jieba (``Tokenizer.cut(HMM=False)``:
the HMM guesses unknown words from character statistics, which is noise for
this decision and would make every end a possible cut). Whether a word can
span an end is asked cheaply first (bitmaps of the character pairs and
triples found inside words: most ends fail there), then of the dictionary. A
document whose terms all sit on possible boundaries is never segmented.

The dictionary is jieba's prefix dictionary with our user dictionary and the
lexicons' terms added as words, built once (~1.5 s) and kept marshalled in
our cache folder (``resources.cache_dir()``), keyed by what went into it. Its
entries are stored by first character and loaded as a document needs them
(jieba, cutting a run, looks up only strings that start inside it): the whole
dictionary takes ~0.18 s to load, a contract's share a third of that. Each
``WordRule`` has its own jieba ``Tokenizer`` (jieba's global one is never
touched), so engines with different lexicons in one process do not see each
other's words.
"""

from __future__ import annotations

import hashlib
import marshal
import re
import sys
from bisect import bisect_right
from collections.abc import Callable, Iterable
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from contractkit.checking.understanding.lexicons import Lexicons

FORMAT = 5  # of the marshalled dictionary; bump when what goes into it changes
# jieba's re_han_default: the blocks it segments, each on its own (a word never crosses a block's edge)
RUN = re.compile("[\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+")
ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")  # jieba joins these
RUN_SYMBOLS = ASCII_ALNUM | frozenset("+#&._%-")
MAX_CACHED_RUNS = 50_000
KEEP_DICTIONARIES = 4  # in the cache folder: one per set of lexicons (standard, version) in use
PAIR_BITS = 1 << 23  # the bitmap of adjacent character pairs inside words: 1 MiB, ~4% false alarms
TRIPLE_BITS = 1 << 24  # … and of three characters in a row: 2 MiB, ~4% false alarms
PAIR_MULTIPLIER = 0x9E3779B1


def _in_run(char: str) -> bool:
    """Is the character one of RUN's?"""
    return "\u4e00" <= char <= "\u9fd5" or char in RUN_SYMBOLS


class Dictionary:
    """jieba's prefix dictionary: each word with its frequency, each prefix of a word with 0.

    Kept marshalled by first character and loaded as needed (``need``): a contract's words start
    with a few hundred characters, whose entries are a third of the dictionary or less.
    """

    def __init__(self, total: int, longest: dict[str, int], pairs: bytes, triples: bytes,
                 freq: dict[str, int] | None = None, buckets: dict[str, bytes] | None = None):
        self.freq = freq if freq is not None else {}  # what is loaded so far
        self.total = total
        self.longest = longest  # a character -> the length of the longest word that starts with it
        self.pairs = pairs  # a bitmap: is there a word in which these two characters follow each other?
        self.triples = triples  # the same for three characters
        self._buckets = buckets or {}  # a character -> its entries, marshalled, until loaded

    def need(self, chars: Iterable[str]) -> None:
        """Load the entries of the words that start with these characters."""
        buckets = self._buckets
        if buckets:
            for char in chars:
                bucket = buckets.get(char)
                if bucket is not None:
                    self.freq.update(marshal.loads(bucket))
                    buckets.pop(char, None)  # only once loaded: another thread may be asking too

    def load_all(self) -> None:
        self.need(list(self._buckets))

    def dumps(self) -> bytes:
        """The marshalled form, entries by first character (the whole dictionary must be loaded)."""
        assert not self._buckets
        buckets: dict[str, dict[str, int]] = {}
        for word, count in self.freq.items():
            buckets.setdefault(word[0], {})[word] = count
        packed = {char: marshal.dumps(entries) for char, entries in buckets.items()}
        return marshal.dumps((FORMAT, self.total, self.longest, self.pairs, self.triples, packed))

    @classmethod
    def loads(cls, data: bytes) -> Dictionary | None:
        version, *fields = marshal.loads(data)
        if version != FORMAT:
            return None
        total, longest, pairs, triples, packed = fields
        return cls(total, longest, pairs, triples, buckets=packed)

    @cached_property
    def longest_word(self) -> int:
        return max(self.longest.values(), default=1)

    def may_join(self, chars: str) -> bool:
        """False if no word holds these two or three characters in a row (True may be a false alarm)."""
        bit = _bit(chars)
        return bool((self.pairs if len(chars) == 2 else self.triples)[bit >> 3] >> (bit & 7) & 1)


def _bit(chars: str) -> int:
    """The bit of two or three characters in their bitmap."""
    value = 0
    for char in chars:
        value = value * PAIR_MULTIPLIER + ord(char)
    return value % (PAIR_BITS if len(chars) == 2 else TRIPLE_BITS)


class WordRule:
    """Keeps a term match unless both its ends fall inside jieba words (see the module docstring)."""

    def __init__(self, lexicons: Lexicons):
        self.lexicons = lexicons
        self._dictionary: Dictionary | None = None
        self._tokenizer: Any = None
        self._runs: dict[str, frozenset[int]] = {}  # a run's text -> the word boundaries inside it
        self.runs_segmented = 0  # how many runs jieba has cut (the tests check the laziness with it)
        self._last_runs: tuple[str, list[int], list[int]] | None = None

    @property
    def dictionary(self) -> Dictionary:
        if self._dictionary is None:
            self._dictionary = dictionary_for(self.lexicons)
        return self._dictionary

    @property
    def tokenizer(self):
        """A jieba Tokenizer of our own on our dictionary."""
        if self._tokenizer is None:
            jieba = import_jieba()
            tokenizer = jieba.Tokenizer()
            dictionary = self.dictionary
            # jieba looks up only what begins inside the text it cuts: ``need`` loads that first.
            tokenizer.FREQ, tokenizer.total, tokenizer.initialized = dictionary.freq, dictionary.total, True
            self._tokenizer = tokenizer
        return self._tokenizer

    def warm_up(self) -> None:
        """Load all the dictionary and jieba now (e.g. before forking workers that should share them)."""
        self.dictionary.load_all()
        self.words("预热")

    def words(self, text: str) -> list[str]:
        """jieba's words of a text, as the rule sees them."""
        self.dictionary.need(text)
        return list(self.tokenizer.cut(text, HMM=False))

    def keep(self, text: str) -> Callable[[int, int], bool]:
        """The test of a match (start, end) in ``text``: False when both its ends fall inside words.

        Each end is first asked the cheap questions (is it inside a run, could a word hold the two
        characters around it): nearly every match has an end that fails them, and is kept without
        walking the dictionary. Only when both ends pass are they asked of the dictionary, then of
        jieba's segmentation."""
        size = len(text)
        pairs = b""  # the dictionary's bitmap, taken on first use (a text with no match loads nothing)
        runs: list[list[int]] = []

        def may_be_inside(at: int) -> bool:
            """False when ``at`` is surely no word's inside; True when a word may span it, or jieba
            joins the two characters around it (runs of ASCII letters and digits)."""
            nonlocal pairs
            if at <= 0 or at >= size:
                return False
            before, after = text[at - 1], text[at]
            if not ("\u4e00" <= before <= "\u9fd5" or before in RUN_SYMBOLS) or not (
                "\u4e00" <= after <= "\u9fd5" or after in RUN_SYMBOLS
            ):
                return False  # jieba cuts the text into runs of these first
            if before in ASCII_ALNUM and after in ASCII_ALNUM:
                return True  # jieba joins runs of these
            # No word holds these two characters side by side (most ends).
            if not pairs:
                pairs = self.dictionary.pairs
            bit = (ord(before) * PAIR_MULTIPLIER + ord(after)) % PAIR_BITS
            return bool(pairs[bit >> 3] >> (bit & 7) & 1)

        def inside_word(at: int) -> bool:
            """Given ``may_be_inside(at)``: does ``at`` fall inside one of jieba's words?"""
            if not (text[at - 1] in ASCII_ALNUM and text[at] in ASCII_ALNUM) and not self._spanned(text, at):
                return False
            if not runs:
                runs.extend(self._runs_of(text))
            i = bisect_right(runs[0], at) - 1
            start, end = runs[0][i], runs[1][i]  # the run around ``at``: jieba segments it on its own
            return at - start not in self._boundaries(text[start:end])

        def test(start: int, end: int) -> bool:
            if not may_be_inside(start) or not may_be_inside(end):
                return True
            return not (inside_word(start) and inside_word(end))

        return test

    def keep_modal(self, text: str) -> Callable[[int, int], bool]:
        """``keep`` for modal words, which also drops a modal word that heads a noun: the jieba word
        holding its end runs on to one of the lexicons' noun endings (负责|人 in 乙方负责人签字)."""
        test, endings = self.keep(text), self.lexicons.noun_endings
        firsts = {ending[0] for ending in endings}

        def heads_noun(start: int, end: int) -> bool:
            if end >= len(text) or text[end] not in firsts or not _in_run(text[end - 1]):
                return False
            runs = self._runs_of(text)
            i = bisect_right(runs[0], end) - 1
            run_start, run_end = runs[0][i], runs[1][i]
            if not run_start < end < run_end:
                return False
            bounds = self._boundaries(text[run_start:run_end])
            after = min((b for b in bounds if b > end - run_start), default=run_end - run_start)
            piece = text[end:run_start + after]  # the rest of the word, or the next word
            if piece not in endings:
                return False  # 负责|人员: the modal word is a word of its own
            # Inside a word (负责人|签字), or cut off by a lexicon phrase that took the modal word (由乙方负责|人:
            # the phrase is ours, the noun is jieba's).
            return end - run_start not in bounds or bool(self.dictionary.freq.get(text[start:end] + piece))

        return lambda start, end: test(start, end) and not heads_noun(start, end)

    def _runs_of(self, text: str) -> tuple[list[int], list[int]]:
        """Where the runs of the text start and end (kept for the last text: the concept and the modal
        terms of a document ask in turn)."""
        last = self._last_runs
        if last is None or last[0] != text:
            spans = [match.span() for match in RUN.finditer(text)]
            last = self._last_runs = (text, [s for s, _ in spans], [e for _, e in spans])
        return last[1], last[2]

    def _spanned(self, text: str, at: int) -> bool:
        """Does some dictionary word of two or more characters, within the run, span offset ``at``?"""
        dictionary = self.dictionary
        freq, longest, size = dictionary.freq, dictionary.longest, len(text)
        for first in range(at - 1, max(-1, at - dictionary.longest_word), -1):
            char = text[first]
            if not ("\u4e00" <= char <= "\u9fd5" or char in RUN_SYMBOLS):
                return False  # the run's start
            if first == at - 2 and not dictionary.may_join(text[first:at + 1]):
                return False  # a word from further back would hold these three characters
            if first + longest.get(char, 1) <= at:  # no word from here reaches past ``at``
                continue
            dictionary.need(char)
            last = at + 1
            count = freq.get(text[first:last])
            while count is not None:  # a word, or the prefix of one
                if count:
                    return True
                if last >= size or not _in_run(text[last]):
                    break
                last += 1
                count = freq.get(text[first:last])
        return False

    def _boundaries(self, run: str) -> frozenset[int]:
        bounds = self._runs.get(run)
        if bounds is None:
            offsets, position = [], 0
            self.dictionary.need(run)
            for word in self.tokenizer.cut(run, HMM=False):
                position += len(word)
                offsets.append(position)
            self.runs_segmented += 1
            if len(self._runs) >= MAX_CACHED_RUNS:
                self._runs.clear()
            bounds = self._runs[run] = frozenset(offsets)
        return bounds


# ---------------------------------------------------------------- the dictionary
def dictionary_for(lexicons: Lexicons) -> Dictionary:
    """The dictionary for these lexicons: from this process's memory, our cache folder, or built."""
    words = tuple(sorted(lexicons.jieba_terms()))
    return _dictionary(_key(lexicons.userdict, words), lexicons.userdict, words)


def _key(userdict: Path, words: tuple[str, ...]) -> str:
    digest = hashlib.sha256(f"{FORMAT}\n{_jieba_dictionary_stamp()}\n".encode())
    digest.update(userdict.read_bytes())
    digest.update("\n".join(words).encode())
    return digest.hexdigest()[:24]


def _jieba_dictionary_stamp() -> str:
    """Which jieba dictionary (path, size, modification time), without importing jieba."""
    from importlib.util import find_spec

    spec = find_spec("jieba")
    if spec is None or not spec.origin:
        raise ImportError("jieba is not installed")
    path = Path(spec.origin).parent / "dict.txt"
    stat = path.stat()
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}"


@cache
def _dictionary(key: str, userdict: Path, words: tuple[str, ...]) -> Dictionary:
    from contractkit.resources import cache_file, write_cache

    path = cache_file(f"jieba-words-{key}.marshal")
    if path is not None:
        try:
            loaded = Dictionary.loads(path.read_bytes())  # ~10 ms; the entries load as needed
            if loaded is not None:
                return loaded
        except (OSError, ValueError, EOFError, TypeError):
            pass
    dictionary = _build(userdict, words, path.parent if path else None)
    if path is not None:
        write_cache(path, dictionary.dumps(), KEEP_DICTIONARIES)
    return dictionary


def _build(userdict: Path, words: tuple[str, ...], cache: Path | None) -> Dictionary:
    jieba = import_jieba()
    tokenizer = jieba.Tokenizer()
    if cache is not None:
        tokenizer.tmp_dir = str(cache)  # jieba's own cache of its dictionary, not the shared /tmp
    tokenizer.initialize()
    tokenizer.load_userdict(str(userdict))
    for word in words:
        tokenizer.add_word(word)  # no frequency: jieba picks one that keeps the word whole
    longest: dict[str, int] = {}
    pairs, triples = bytearray(PAIR_BITS // 8), bytearray(TRIPLE_BITS // 8)
    for word, count in tokenizer.FREQ.items():
        if not count:
            continue
        if len(word) > longest.get(word[0], 0):
            longest[word[0]] = len(word)
        for size, bitmap in ((2, pairs), (3, triples)):
            for at in range(len(word) - size + 1):
                bit = _bit(word[at:at + size])
                bitmap[bit >> 3] |= 1 << (bit & 7)
    return Dictionary(tokenizer.total, longest, bytes(pairs), bytes(triples), freq=tokenizer.FREQ)


def import_jieba():
    """jieba, quiet. Its import pulls in pkg_resources (~80 ms, deprecated) only to open its own data
    files, and opens them by path without it, so it is imported without pkg_resources if nothing
    else has loaded that yet."""
    if "jieba" not in sys.modules and "pkg_resources" not in sys.modules:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # makes `import pkg_resources` fail
        try:
            import jieba
        finally:
            del sys.modules["pkg_resources"]
    import jieba

    jieba.setLogLevel(60)  # jieba reports its dictionary loading on stderr otherwise
    return jieba
