"""Quantities in Chinese contract text: numbers in every form, their units, ranges and bounds.

``find_quantities(text)`` returns each quantity a sentence states, normalised:

* numerals: Arabic (``24``, ``１２``, ``1,860,000.00``, ``99.9``), Chinese (``两``, ``十二``,
  ``二十四``, ``一百零五``, ``三千``), the financial (大写) forms (``伍拾万``, ``壹佰捌拾陆万``),
  ``半`` (``半小时``, ``一个半月``) and mixed forms (``1.5万元``, ``100万元``);
* units: durations (分钟, 小时, 日/天, 工作日, 周, 个月, 年), counts (层, 级, 次, 人, 名),
  percentages (``50%``, ``百分之五十``, ``1倍`` = 100%) and amounts (元, 万元, 亿元, ``¥``, ``人民币``);
* ranges (``2至4小时``, ``2-4小时``, ``二到四个小时``, ``2小时至4小时``) and bounds
  (``不超过``, ``以内``, ``内`` → at most; ``不少于``, ``至少``, ``以上`` → at least);
* a number stated without a unit where a deadline or a limit is expected (``时限为24``,
  ``24以内``): ``unit`` is None, and the caller decides how to read it.

What is not a quantity is left out: dates (``2025年4月1日``), clause numbers (``第十二条``),
``7×24小时``, identifiers (``ISO 27001``), level names before a noun (``三级故障`` reads as
a count only where a position asks for one).

Each quantity keeps its span (``start``/``end``) and the span of its numerals
(``number_start``/``number_end``), so a redline can replace just the number, in the
contract's own style (``numeral_style`` and ``write_number``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

Dimension = Literal["duration", "count", "percent", "amount"]
NumeralStyle = Literal["arabic", "chinese", "financial"]
Bound = Literal["at-most", "at-least"]

# ------------------------------------------------------------------ units
# unit key -> (dimension, size in the dimension's base unit: hours, 1, percent, yuan)
WORKDAY_DAYS = 7 / 5  # a working day, for comparing with calendar days: 5 working days are a week
UNITS: dict[str, tuple[Dimension, float]] = {
    "minute": ("duration", 1 / 60),
    "hour": ("duration", 1.0),
    "day": ("duration", 24.0),
    "workday": ("duration", 24.0 * WORKDAY_DAYS),
    "week": ("duration", 24.0 * 7),
    "month": ("duration", 24.0 * 30),
    "year": ("duration", 24.0 * 365),
    "layer": ("count", 1.0),
    "level": ("count", 1.0),
    "times": ("count", 1.0),
    "person": ("count", 1.0),
    "percent": ("percent", 1.0),
    "multiple": ("percent", 100.0),
    "yuan": ("amount", 1.0),
    "ten-thousand-yuan": ("amount", 10_000.0),
    "hundred-million-yuan": ("amount", 100_000_000.0),
}
# How a playbook names a unit (Chinese as a contract writes it, or the key) -> unit key.
UNIT_NAMES: dict[str, str] = {
    "分钟": "minute", "小时": "hour", "日": "day", "天": "day", "自然日": "day", "日历日": "day",
    "工作日": "workday", "周": "week", "星期": "week", "月": "month", "个月": "month", "年": "year",
    "层": "layer", "级": "level", "次": "times", "人": "person", "名": "person", "%": "percent",
    "％": "percent", "倍": "multiple", "元": "yuan", "万元": "ten-thousand-yuan", "亿元": "hundred-million-yuan",
    **{key: key for key in UNITS},
}
# How a value in that unit is written back (2 + 小时 → 2小时; 3 + 工作日 → 3个工作日).
UNIT_TEXT: dict[str, str] = {
    "minute": "分钟", "hour": "小时", "day": "日", "workday": "个工作日", "week": "周", "month": "个月",
    "year": "年", "layer": "层", "level": "级", "times": "次", "person": "人", "percent": "%", "multiple": "倍",
    "yuan": "元", "ten-thousand-yuan": "万元", "hundred-million-yuan": "亿元",
}
# The unit words of the text, longest first, each with its key.
_UNIT_WORDS = (
    ("个工作日", "workday"), ("工作日", "workday"), ("个自然日", "day"), ("自然日", "day"), ("个日历日", "day"),
    ("日历日", "day"), ("个小时", "hour"), ("小时", "hour"), ("钟头", "hour"), ("分钟", "minute"),
    ("个星期", "week"), ("星期", "week"), ("个月", "month"), ("周", "week"), ("天", "day"), ("日", "day"),
    ("月", "month"), ("年", "year"), ("层", "layer"), ("级", "level"), ("次", "times"), ("名", "person"),
    ("人", "person"), ("%", "percent"), ("％", "percent"), ("倍", "multiple"),
    ("亿元", "hundred-million-yuan"), ("万元", "ten-thousand-yuan"), ("元", "yuan"),
    ("hours", "hour"), ("hour", "hour"), ("hrs", "hour"), ("h", "hour"), ("H", "hour"), ("mins", "minute"),
    ("min", "minute"), ("days", "day"), ("day", "day"),
)


def unit_key(name: str) -> str:
    """A unit as a playbook names it (小时, 工作日, %, 万元, hour …) -> its key; ValueError if unknown."""
    try:
        return UNIT_NAMES[name.strip()]
    except KeyError:
        raise ValueError(f"unknown unit {name!r}; known: {', '.join(sorted(set(UNIT_NAMES) - set(UNITS)))}") from None


def dimension_of(unit: str) -> Dimension:
    return UNITS[unit][0]


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """``value`` in ``from_unit`` expressed in ``to_unit`` (same dimension)."""
    return value * UNITS[from_unit][1] / UNITS[to_unit][1]


# ------------------------------------------------------------------ numerals
_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    "壹": 1, "贰": 2, "貳": 2, "叁": 3, "參": 3, "肆": 4, "伍": 5, "陆": 6, "陸": 6, "柒": 7, "捌": 8, "玖": 9,
}
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
_FINANCIAL = set("壹贰貳叁參肆伍陆陸柒捌玖拾佰仟")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")
_ZH_CHARS = "零〇一二两三四五六七八九十百千万亿壹贰貳叁參肆伍陆陸柒捌玖拾佰仟萬億"


def parse_chinese(text: str) -> int | None:
    """``二十四`` -> 24, ``一百零五`` -> 105, ``伍拾万`` -> 500000, ``两`` -> 2, ``十`` -> 10; None if not one."""
    if not text:
        return None
    hundred_millions = ten_thousands = section = 0
    number: int | None = None
    for char in text:
        if char in _DIGITS:
            number = _DIGITS[char]
        elif char in _SMALL_UNITS:
            section += (1 if number is None else number) * _SMALL_UNITS[char]
            number = None
        elif _BIG_UNITS.get(char) == 10_000:
            if not section and not number:
                return None
            ten_thousands = (section + (number or 0)) * 10_000
            section, number = 0, None
        elif char in _BIG_UNITS:
            if not (ten_thousands or section or number):
                return None
            hundred_millions = (ten_thousands + section + (number or 0)) * 100_000_000
            ten_thousands, section, number = 0, 0, None
        else:
            return None
    return hundred_millions + ten_thousands + section + (number or 0)


def parse_number(text: str) -> float | None:
    """Any one number as a contract writes it: ``24``, ``１２``, ``1,860,000.00``, ``二十四``, ``伍拾万``,
    ``1.5万``, ``两``; None if ``text`` is not a number."""
    text = text.strip().translate(_FULL_WIDTH)
    if not text:
        return None
    big = 1
    if len(text) > 1 and text[-1] in _BIG_UNITS and re.fullmatch(r"[0-9,.]+[万萬亿億]", text):
        big, text = _BIG_UNITS[text[-1]], text[:-1]
    if re.fullmatch(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?", text):
        return float(text.replace(",", "")) * big
    value = parse_chinese(text)
    return None if value is None else float(value)


def numeral_style(text: str) -> NumeralStyle:
    if any(c.isdigit() and c.isascii() or c in "０１２３４５６７８９" for c in text):
        return "arabic"
    return "financial" if any(c in _FINANCIAL for c in text) else "chinese"


def write_number(value: float, style: NumeralStyle = "arabic", *, before_unit: bool = True) -> str:
    """``value`` as the contract would write it: 2 -> ``2``, ``两`` (before a measure word) or ``贰``."""
    if style == "arabic" or value != int(value) or value < 0 or value >= 100_000_000:
        return _arabic(value)
    n = int(value)
    if style == "chinese" and n == 2 and before_unit:
        return "两"
    from contractkit.reading.numbering import chinese_number

    return chinese_number(n, legal=style == "financial")


def _arabic(value: float) -> str:
    if value == int(value):
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


# ------------------------------------------------------------------ finding quantities
@dataclass(frozen=True)
class Quantity:
    """One quantity of a text: where it is, what it says, normalised."""

    start: int  # the whole expression (bound words and unit included)
    end: int
    number_start: int  # the numerals alone (both ends of a range: 2至4)
    number_end: int
    text: str  # text[start:end]
    low: float  # in ``unit`` (the unit as written), both ends equal for a single number
    high: float
    unit: str | None  # unit key, None when the text gives none
    style: NumeralStyle
    bound: Bound | None = None  # 不超过 / 以内 → at-most; 不少于 / 以上 → at-least
    half: bool = False  # 半小时, 一个半月: the numerals cannot be replaced alone
    value_end: int = 0  # end of the numerals and their unit (before 以内/以上)

    @property
    def dimension(self) -> Dimension | None:
        return dimension_of(self.unit) if self.unit else None

    @property
    def is_range(self) -> bool:
        return self.low != self.high

    def in_unit(self, unit: str, *, assumed: str | None = None) -> tuple[float, float] | None:
        """(low, high) in ``unit``; a unitless number is read in ``assumed`` (None: not at all)."""
        source = self.unit or assumed
        if source is None or dimension_of(source) != dimension_of(unit):
            return None
        return convert(self.low, source, unit), convert(self.high, source, unit)


_NUM = rf"(?:[0-9０-９]{{1,3}}(?:,[0-9]{{3}})+(?:[.．][0-9]+)?|[0-9０-９]+(?:[.．][0-9０-９]+)?|[{_ZH_CHARS}]+)"
_RANGE_SEP = r"(?:至|到|~|～|-|－|—|–)"
_UNIT_ALT = "|".join(re.escape(word) for word, _ in sorted(_UNIT_WORDS, key=lambda w: -len(w[0])))
_AT_MOST_BEFORE = r"不超过|不超出|不多于|不高于|不得超过|最多|最长|至多|最迟|低于|少于|不大于|控制在"
_AT_LEAST_BEFORE = r"不少于|不低于|不短于|至少|最少|最低|不得少于|不得低于|超过|高于|多于|大于"
# number [个] [半] unit, or number [个]半 unit; a range of two; a percentage 百分之N
_QUANTITY = re.compile(
    rf"(?P<before>{_AT_MOST_BEFORE}|{_AT_LEAST_BEFORE})?[\s\u3000]*"
    rf"(?P<currency>人民币|RMB|rmb|¥|￥)?[\s\u3000]*"
    rf"(?:百分之(?P<pct>{_NUM})(?:(?:{_RANGE_SEP})百分之(?P<pct2>{_NUM}))?"
    rf"|(?P<n1>{_NUM})(?P<half1>个?半)?[\s\u3000]*(?:(?P<u1>{_UNIT_ALT})[\s\u3000]*)?"
    rf"(?:{_RANGE_SEP}[\s\u3000]*(?P<n2>{_NUM})(?P<half2>个?半)?[\s\u3000]*)?"
    rf"(?P<u2>{_UNIT_ALT})?"
    rf"|(?P<halfonly>半)个?(?P<u3>小时|钟头|天|日|个月|月|年))"
    rf"(?P<after>以内|之内|以下|以上|内)?"
)
_UNIT_OF = dict(_UNIT_WORDS)
_LATIN_UNITS = {word for word, _ in _UNIT_WORDS if word.isascii() and word.isalpha()}
# A unitless number counts where a deadline or a limit is expected: 时限为24 / 24以内.
_UNITLESS_BEFORE = re.compile(r"(?:时限|期限|时间|限额|上限|层级|层数|比例)(?:为|是|：|:)?[\s\u3000]*$")


def find_quantities(text: str) -> list[Quantity]:
    """The quantities of ``text``, in order (see the module's docstring for what is and is not one)."""
    found: list[Quantity] = []
    for m in _QUANTITY.finditer(text):
        quantity = _quantity(text, m)
        if quantity is not None:
            found.append(quantity)
    return found


def _quantity(text: str, m: re.Match[str]) -> Quantity | None:
    unit: str | None
    if m.group("pct") is not None:
        low, high = parse_number(m.group("pct")), parse_number(m.group("pct2") or m.group("pct"))
        if low is None or high is None:
            return None
        start, end = m.start("pct"), m.end("pct2") if m.group("pct2") else m.end("pct")
        return _made(text, m, low, high, "percent", start, end, numeral_style(m.group("pct")), False)
    if m.group("halfonly"):
        unit = _UNIT_OF[m.group("u3")]
        return _made(text, m, 0.5, 0.5, unit, m.start("halfonly"), m.end("halfonly"), "chinese", True)
    n1, n2 = m.group("n1"), m.group("n2")
    if n1 is None:
        return None
    u1: str | None = m.group("u1")
    u2: str | None = m.group("u2")
    if n2 is None and u1 and u2:  # 2小时 and a unit word glued after it (2小时日常…): the first unit only
        u2 = None
    unit_word = u2 or u1
    if unit_word in _LATIN_UNITS and _letter_after(text, m.end("u2") if u2 else m.end("u1")):
        return None  # 5 hosts, 2 handlers: latin text, not a unit
    low, high = parse_number(n1), parse_number(n2) if n2 else parse_number(n1)
    if low is None or high is None:
        return None
    if m.group("half1"):
        low += 0.5
    if m.group("half2"):
        high += 0.5
    elif n2 is None and m.group("half1"):
        high = low
    if not _is_quantity(text, m, n1, unit_word):
        return None
    unit = _UNIT_OF[unit_word] if unit_word else None
    if m.group("currency") and unit is None:
        unit = "yuan"
    number_end = m.end("n2") if n2 else m.end("n1")
    half = bool(m.group("half1") or m.group("half2"))
    style = numeral_style(n1)
    # ¥1,860,000.00 as yuan; 1.5万元 -> the 万 is in the number
    return _made(text, m, low, high, unit, m.start("n1"), number_end, style, half)


def _made(text: str, m: re.Match[str], low: float, high: float, unit: str | None, number_start: int,
          number_end: int, style: NumeralStyle, half: bool) -> Quantity | None:
    bound: Bound | None = None
    before, after = m.group("before"), m.group("after")
    if before:
        bound = "at-most" if re.fullmatch(_AT_MOST_BEFORE, before) else "at-least"
    elif after in ("以内", "之内", "内", "以下"):
        bound = "at-most"
    elif after == "以上":
        bound = "at-least"
    if unit is None and not (after in ("以内", "之内", "内") or _UNITLESS_BEFORE.search(text[: m.start()])):
        return None
    if low > high:
        low, high = high, low
    start = m.start() + len(m.group(0)) - len(m.group(0).lstrip(" \u3000"))
    end = m.end()
    value_end = m.start("after") if after else end
    return Quantity(start, end, number_start, number_end, text[start:end], low, high, unit, style, bound, half,
                    value_end)


_DATE_AFTER = re.compile(r"^[\s\u3000]*[0-9０-９零〇一二三四五六七八九十]{1,3}[\s\u3000]*[月日号]")
_ORDINAL_BEFORE = re.compile(r"(?:第|编号|序号|No\.?|NO\.?|版本|V|v)[\s\u3000]*$")


def _is_quantity(text: str, m: re.Match[str], n1: str, unit_word: str | None) -> bool:
    """Not a date, a clause or item number, an identifier or 7×24."""
    before = text[max(0, m.start("n1") - 8): m.start("n1")]
    if _ORDINAL_BEFORE.search(before):
        return False
    if before.endswith(("×", "x", "X", "*", "/", "／", ".", "-", "—")) and not m.group("before"):
        return False
    if before and before[-1].isascii() and before[-1].isalpha():
        return False  # ISO 27001, CVSS7.0 …
    end = m.end()
    if unit_word in ("年", "月") and _DATE_AFTER.match(text[end:]):
        return False  # 2025年4月1日, 4月1日
    if unit_word == "年" and re.fullmatch(r"[0-9０-９]{4}", n1):
        return False  # 2025年
    if unit_word == "日" and re.search(r"月[\s\u3000]*$", text[: m.start("n1")]):
        return False  # 4月1日
    unit_end = m.end("u2") if m.group("u2") else m.end("u1") if m.group("u1") else end
    if unit_word in ("级", "层") and (
            re.match(r"[\s\u3000]*(?:故障|事件|漏洞|等保|等级|证书|资质|标准|以上|及以上|要求)", text[unit_end:])
            or re.search(r"(?:等保|等级保护|保护等级|资质|认证|证书|第)[\s\u3000]*$", text[: m.start("n1")])):
        return False  # 三级故障, 等保三级以上: a level's name, not a count
    after = text[end: end + 1]
    if not unit_word and after and (after.isascii() and after.isalnum()):
        return False
    return True


def _letter_after(text: str, at: int) -> bool:
    return at < len(text) and text[at].isascii() and text[at].isalpha()


# ------------------------------------------------------------------ writing a value back
def describe(low: float, high: float, unit: str | None) -> str:
    """``2小时``, ``2至4小时``, ``50%``, ``人民币500,000元`` — a normalised value for a report."""
    if unit is None:
        return _arabic(low) if low == high else f"{_arabic(low)}至{_arabic(high)}"
    if unit == "yuan":
        def money(v: float) -> str:
            return f"{v:,.2f}".rstrip("0").rstrip(".") if v != int(v) else f"{int(v):,}"

        return f"人民币{money(low)}元" if low == high else f"人民币{money(low)}至{money(high)}元"
    words = UNIT_TEXT[unit]
    number = _arabic(low) if low == high else f"{_arabic(low)}至{_arabic(high)}"
    return number + words


def nice(value: float) -> float:
    """A converted value for display: 33.6 stays, 2.0000001 becomes 2."""
    rounded = round(value, 2)
    return float(int(rounded)) if math.isclose(rounded, int(rounded)) else rounded
