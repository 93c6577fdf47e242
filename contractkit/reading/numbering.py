"""Word list numbering: the label Word displays in front of a numbered paragraph.

Counters follow Word, not a literal reading of "one list per w:num": all
``w:num`` instances that point at the same ``w:abstractNum`` share one running
count, and an instance carrying ``w:lvlOverride/w:startOverride`` restarts the
overridden levels the first time it is used. A deeper level restarts whenever
a shallower one is used, unless ``w:lvlRestart`` says otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

MAX_LEVELS = 9
# Word's labels are a few characters. Definitions that would make a huge one
# (lowerLetter from w:start 10^10 is 400 million letters; a w:lvlText of
# thousands of %1) are hostile or garbage: the label is cut here instead of
# being built in full, which took gigabytes from a 2 KB file.
MAX_LABEL_CHARS = 200

_ZH_DIGITS = "零一二三四五六七八九"
_ZH_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_ZH_UNITS = ("", "十", "百", "千")
_ZH_LEGAL_UNITS = ("", "拾", "佰", "仟")
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
_PLACEHOLDER_SPLIT = re.compile(r"%([1-9])")  # split() alternates literal text and level numbers


def _zh_below_10000(n: int, digits: str, units: tuple[str, ...]) -> str:
    out: list[str] = []
    zero = False
    for power in (3, 2, 1, 0):
        d = (n // 10 ** power) % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append(digits[0])
            zero = False
        out.append(digits[d] + units[power])
    return "".join(out)


def chinese_number(n: int, *, legal: bool = False) -> str:
    """一, 二 … 十, 十一 … 一百零一; legal (大写) form 壹, 贰 … 壹拾."""
    digits, units = (_ZH_LEGAL_DIGITS, _ZH_LEGAL_UNITS) if legal else (_ZH_DIGITS, _ZH_UNITS)
    if n <= 0:
        return digits[0] if n == 0 else str(n)
    if n >= 100_000_000:
        return str(n)
    high, low = divmod(n, 10_000)
    text = ""
    if high:
        text = _zh_below_10000(high, digits, units) + "万"
        if low and low < 1000:
            text += digits[0]
    if low:
        text += _zh_below_10000(low, digits, units)
    if not legal and 10 <= n < 20:
        text = text[1:]  # 十一, not 一十一
    return text


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = []
    for value, letters in _ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def _letters(n: int) -> str:
    # Word: A … Z, AA … ZZ, AAA … (the letter repeats; not a base-26 count)
    if n <= 0:
        return str(n)
    return chr(ord("A") + (n - 1) % 26) * min((n - 1) // 26 + 1, MAX_LABEL_CHARS)


def format_number(n: int, fmt: str) -> str:
    """Render a counter value in one of Word's ST_NumberFormat styles."""
    if fmt in ("decimal", "decimalHalfWidth") or not fmt:
        return str(n)
    if fmt == "decimalZero":
        return f"{n:02d}" if 0 <= n < 10 else str(n)
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting",
               "taiwaneseCounting", "taiwaneseCountingThousand", "koreanCounting"):
        return chinese_number(n)
    if fmt in ("chineseLegalSimplified", "ideographLegalTraditional", "japaneseLegal"):
        return chinese_number(n, legal=True)
    if fmt in ("ideographDigital", "japaneseDigitalTenThousand", "taiwaneseDigital"):
        return "".join("〇一二三四五六七八九"[int(c)] for c in str(n)) if n >= 0 else str(n)
    if fmt in ("upperRoman", "lowerRoman"):
        text = _roman(n)
        return text if fmt == "upperRoman" else text.lower()
    if fmt in ("upperLetter", "lowerLetter"):
        text = _letters(n)
        return text if fmt == "upperLetter" else text.lower()
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese"):
        if 1 <= n <= 20:
            return chr(0x2460 + n - 1)
        if 21 <= n <= 35:
            return chr(0x3251 + n - 21)
        if 36 <= n <= 50:
            return chr(0x32B1 + n - 36)
        return str(n)
    if fmt == "decimalEnclosedParen":
        return chr(0x2474 + n - 1) if 1 <= n <= 20 else f"({n})"
    if fmt == "decimalEnclosedFullstop":
        return chr(0x2488 + n - 1) if 1 <= n <= 20 else f"{n}."
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(0xFF10 + int(c)) for c in str(n)) if n >= 0 else str(n)
    if fmt == "ideographTraditional":
        return _TIANGAN[n - 1] if 1 <= n <= 10 else str(n)
    if fmt in ("ideographZodiac", "ideographZodiacTraditional"):
        return _DIZHI[n - 1] if 1 <= n <= 12 else str(n)
    if fmt == "ordinal":
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"
    if fmt == "none":
        return ""
    return str(n)  # cardinalText, ordinalText, hebrew…: a plain number is the honest fallback


@dataclass
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str | None = None  # w:lvlText; None = the level shows nothing
    restart: int | None = None  # w:lvlRestart
    legal: bool = False  # w:isLgl
    suffix: str = "tab"  # w:suff
    style: str | None = None  # w:pStyle: the paragraph style bound to this level


@dataclass
class Num:
    abstract: str
    start_overrides: dict[int, int] = field(default_factory=dict)
    level_overrides: dict[int, Level] = field(default_factory=dict)


@dataclass
class NumberingDefinitions:
    abstracts: dict[str, dict[int, Level]] = field(default_factory=dict)
    style_links: dict[str, str] = field(default_factory=dict)  # abstractNumId -> numStyleLink style
    link_targets: dict[str, str] = field(default_factory=dict)  # styleLink style -> abstractNumId
    nums: dict[str, Num] = field(default_factory=dict)


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def _level(el: etree._Element, w: str) -> tuple[int, Level] | None:
    ilvl = _int(el.get(w + "ilvl"))
    if ilvl is None or not 0 <= ilvl < MAX_LEVELS:
        return None
    level = Level()
    val = w + "val"
    for child in el:
        tag = child.tag
        if tag == w + "start":
            start = _int(child.get(val))
            level.start = 1 if start is None else start
        elif tag == w + "numFmt":
            level.fmt = child.get(val) or "decimal"
        elif tag == w + "lvlText":
            level.text = child.get(val)
        elif tag == w + "lvlRestart":
            level.restart = _int(child.get(val))
        elif tag == w + "isLgl":
            level.legal = child.get(val) not in ("0", "false", "off")
        elif tag == w + "suff":
            level.suffix = child.get(val) or "tab"
        elif tag == w + "pStyle":
            level.style = child.get(val)
    return ilvl, level


def parse_numbering(root: etree._Element, w: str) -> NumberingDefinitions:
    """Read numbering.xml (``w`` is the WordprocessingML namespace in braces)."""
    defs = NumberingDefinitions()
    val = w + "val"
    for el in root:
        if el.tag == w + "abstractNum":
            abstract_id = el.get(w + "abstractNumId")
            if abstract_id is None:
                continue
            levels: dict[int, Level] = {}
            for child in el:
                if child.tag == w + "lvl":
                    parsed = _level(child, w)
                    if parsed:
                        levels[parsed[0]] = parsed[1]
                elif child.tag == w + "numStyleLink" and (style := child.get(val)):
                    defs.style_links[abstract_id] = style
                elif child.tag == w + "styleLink" and (style := child.get(val)):
                    defs.link_targets[style] = abstract_id
            defs.abstracts[abstract_id] = levels
        elif el.tag == w + "num":
            num_id = el.get(w + "numId")
            num = Num(abstract="")
            for child in el:
                if child.tag == w + "abstractNumId":
                    num.abstract = child.get(val) or ""
                elif child.tag == w + "lvlOverride":
                    ilvl = _int(child.get(w + "ilvl"))
                    if ilvl is None or not 0 <= ilvl < MAX_LEVELS:
                        continue
                    for sub in child:
                        if sub.tag == w + "startOverride":
                            start = _int(sub.get(val))
                            if start is not None:
                                num.start_overrides[ilvl] = start
                        elif sub.tag == w + "lvl":
                            parsed = _level(sub, w)
                            if parsed:
                                num.level_overrides[ilvl] = parsed[1]
            if num_id is not None and num.abstract:
                defs.nums[num_id] = num
    return defs


class NumberingState:
    """Running counters while walking a document in order."""

    def __init__(self, defs: NumberingDefinitions, style_num: dict[str, str] | None = None):
        self.defs = defs
        self.style_num = style_num or {}  # paragraph style id -> numId (for numStyleLink)
        self.counters: dict[str, list[int | None]] = {}
        self.seen: set[str] = set()
        self._resolved: dict[str, tuple[str, dict[int, Level], list[int], list[int | None]] | None] = {}
        self._templates: dict[tuple[str, int], list[str]] = {}  # lvlText split at its %N

    def _abstract(self, num: Num) -> str:
        abstract = num.abstract
        for _ in range(4):  # numStyleLink -> style -> num -> abstract with styleLink
            style = self.defs.style_links.get(abstract)
            if style is None:
                break
            target = self.defs.link_targets.get(style)
            if target is None:
                linked = self.defs.nums.get(self.style_num.get(style, ""))
                target = linked.abstract if linked else None
            if target is None or target == abstract:
                break
            abstract = target
        return abstract

    def _resolve(self, num_id: str) -> tuple[str, dict[int, Level], list[int], list[int | None]] | None:
        """(counter key, effective levels, start and lvlRestart per level) for a numId, memoised."""
        if num_id in self._resolved:
            return self._resolved[num_id]
        resolved = None
        num = self.defs.nums.get(num_id)
        if num is not None:
            key = self._abstract(num)
            levels = self.defs.abstracts.get(key)
            if levels is not None:
                if num.level_overrides:
                    levels = {**levels, **num.level_overrides}
                starts = [num.start_overrides.get(k, levels[k].start if k in levels else 1)
                          for k in range(MAX_LEVELS)]
                restarts = [levels[k].restart if k in levels else None for k in range(MAX_LEVELS)]
                resolved = (key, levels, starts, restarts)
        self._resolved[num_id] = resolved
        return resolved

    def levels(self, num_id: str) -> dict[int, Level] | None:
        resolved = self._resolve(num_id)
        return resolved[1] if resolved else None

    def level_for_style(self, num_id: str, style: str | None) -> int:
        for ilvl, level in (self.levels(num_id) or {}).items():
            if style is not None and level.style == style:
                return ilvl
        return 0

    def next_label(self, num_id: str, ilvl: int) -> tuple[str, str] | None:
        """Advance the counter for this paragraph; return (label, separator) or None."""
        resolved = self._resolve(num_id)
        if resolved is None or not 0 <= ilvl < MAX_LEVELS:
            return None
        key, levels, starts, restarts = resolved
        level = levels.get(ilvl)
        if level is None:
            return None
        counters = self.counters.get(key)
        if counters is None:
            counters = self.counters[key] = [None] * MAX_LEVELS
        if num_id not in self.seen:
            self.seen.add(num_id)
            num = self.defs.nums[num_id]
            for overridden in set(num.start_overrides) | set(num.level_overrides):
                counters[overridden] = None

        value = counters[ilvl]
        counters[ilvl] = starts[ilvl] if value is None else value + 1
        for deeper in range(ilvl + 1, MAX_LEVELS):
            restart = restarts[deeper]
            if restart is None or (restart != 0 and ilvl < restart):
                counters[deeper] = None

        if level.fmt == "bullet" or not level.text:
            return None
        template = self._templates.get((num_id, ilvl))
        if template is None:
            template = self._templates[(num_id, ilvl)] = _PLACEHOLDER_SPLIT.split(level.text)
        out: list[str] = []
        size = 0
        for i, piece in enumerate(template):
            if size > MAX_LABEL_CHARS:
                break
            if i % 2 == 0:
                out.append(piece)
                size += len(piece)
                continue
            k = int(piece) - 1
            current = counters[k] if k <= ilvl else None
            fmt = "decimal" if level.legal else (levels[k].fmt if k in levels else "decimal")
            out.append(format_number(current if current is not None else starts[k], fmt))
            size += len(out[-1])
        label = "".join(out)[:MAX_LABEL_CHARS].strip()
        if not label:
            return None
        return label, ("" if level.suffix == "nothing" else " ")
