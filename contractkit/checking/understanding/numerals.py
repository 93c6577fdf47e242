"""Chinese and Arabic numbers in contract text: 两层, 三级, 十二个月, 24小时."""

from __future__ import annotations

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}


def parse_number(text: str) -> int | None:
    """'两' -> 2, '十二' -> 12, '二十' -> 20, '一百零五' -> 105, '３' -> 3; None if not a number."""
    text = text.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for char in text:
        if char in DIGITS:
            current = DIGITS[char]
        elif char in UNITS:
            total += (current or 1) * UNITS[char]
            current = 0
        else:
            return None
    return total + current if text else None


# A clause's number as contracts write it: 10.3, １０．３, 十.
CLAUSE_NUMBER = r"[0-9０-９]+(?:[.．][0-9０-９]+)*|[一二三四五六七八九十百零〇两]+"


def clause_number(number: str) -> str:
    """10.3, １０．３ and 十 -> one spelling (an article's Chinese number as its value)."""
    number = number.translate(str.maketrans("０１２３４５６７８９．", "0123456789."))
    if "." in number or number.isdigit():
        return number
    value = parse_number(number)
    return str(value) if value is not None else number
