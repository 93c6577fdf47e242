"""Chinese legal numbering labels: 第一条, （一）, 1. — for the text formats.

The .docx writer uses Word's own numbering instead; these produce the same labels.
"""

DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 105 -> 一百零五 (1 ≤ n < 1000)."""
    if not 0 < n < 1000:
        raise ValueError(f"cannot number {n} in Chinese counting here")
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    parts = []
    if hundreds:
        parts.append(DIGITS[hundreds] + "百")
        if rest and tens == 0:
            parts.append("零")
    if tens:
        parts.append(("" if tens == 1 and not hundreds else DIGITS[tens]) + "十")
    if ones:
        parts.append(DIGITS[ones])
    return "".join(parts)


def article_label(n: int) -> str:
    return f"第{chinese_number(n)}条"


def item_label(n: int) -> str:
    return f"（{chinese_number(n)}）"


def subitem_label(n: int) -> str:
    return f"{n}."
