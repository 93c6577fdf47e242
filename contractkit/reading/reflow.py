"""Lines hard-wrapped at a fixed width joined back into their paragraphs.

A contract pasted from a PDF, or read from one, breaks its sentences wherever
the printed line ended ("…对其保管的甲方密" / "钥材料及备份予以销毁…"), and
puts page footers and running headers between the pieces. Every later stage
reads a paragraph at a time, so a clause split over two lines would be two
half-clauses. A document is taken as hard-wrapped only when many of its lines
share one length (the width it was printed at); then a line that fills that
width and does not end a sentence goes on in the next line, unless the next
starts a clause of its own (第五条, 5.2, （三）, 一、, a table row). Lines that
repeat (running headers) and page marks (第 3 页 共 10 页) stay blocks of their
own and do not interrupt the paragraph around them. A document of one clause a
line — how Chinese contracts are usually typed — is left as it is.

Text copied out of a PDF is often wrapped raggedly instead (the printed width holds fewer characters
where digits and Latin letters are narrow, more where a line ends early): no one length dominates.
Such a document is still taken as wrapped when most of its longer lines run on — they end no
sentence, and the line after them starts nothing new — and then the width is the shorter end of its
longer lines. A line opening with a short field name and a colon (地址：, 联系人：, 供应商（乙方）：)
starts anew, and a party's particulars (地址, 联系人, 邮箱) end where their line ends: the parties'
block is typed one field a line. A table typed with spaces between its cells keeps its rows.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from .clauses import clause_label

MIN_LENGTH = 16  # characters: shorter lines (titles, signatures, list items) say nothing of the width
MIN_SHARE = 0.25  # of the longer lines, at least this many must have the same length…
MIN_LINES = 6  # …and at least this many
FILLED = 0.9  # a line at least this share of the width filled it (PDF glyphs vary in width)
SENTENCE_END = ("。", "．", "；", ";", "！", "？", "!", "?", "：", ":", "」", "”")
# （三）, 三、, ２．, a table row, an annex, a bullet: the start of an item (第五条 and 5.2 are clause_label's).
_NEW_ITEM = re.compile(
    r"^\s*(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十\d]{1,3}[、.．]|[|｜┌├└│]|附件|[-*•·]\s)"
)
PAGE_MARK = re.compile(
    r"^(?:第\s*\d+\s*页(?:\s*[，,/／]?\s*共\s*\d+\s*页)?|共\s*\d+\s*页\s*第\s*\d+\s*页|[-—–]\s*\d+\s*[-—–]"
    r"|\d+\s*/\s*\d+|(?:Page|page)\s*\d+(?:\s*of\s*\d+)?)$"
)
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
# 联系人： / 供应商（乙方）： / 地址: a field of the parties' block, one a line.
_FIELD = re.compile(r"^[^，,。；;：:\s]{1,10}[：:]")
# …of which these particulars end where their line ends (邮箱：x@y 根据… is two things).
_PARTICULARS = re.compile(
    r"^[^，,。；;：:\s]{0,4}(?:住所|地址|联系人|联系电话|电话|手机|传真|邮箱|电子邮箱|邮编|法定代表人|授权代表|负责人|开户行|开户银行|账号|"
    r"统一社会信用代码)[^，,。；;：:\s]{0,4}[：:]"
)
# 工作事项　　　星汉云　　　磐石存储: a row of a table typed with spaces, its cells apart.
_CELL_GAP = re.compile(r"\S(?:[ \t]{2,}|\u3000+)\S")
RAGGED_SHARE = 0.5  # of the longer lines, at least this many run on into the next…
RAGGED_WIDTH = 0.25  # …and the width is this quantile of their lengths


def wrap_width(texts: Sequence[str]) -> int | None:
    """The width the lines were wrapped at, or None when they were not."""
    lengths = Counter(len(text) for text in texts if len(text) >= MIN_LENGTH)
    if not lengths:
        return None
    width, count = lengths.most_common(1)[0]
    if count < MIN_LINES or count < MIN_SHARE * sum(lengths.values()):
        return _ragged_width(texts)
    return width


def _ragged_width(texts: Sequence[str]) -> int | None:
    """The width of lines wrapped raggedly (most longer lines run on into the next), or None."""
    body = [text for text in texts if not PAGE_MARK.match(text)]
    longer = [(text, after) for text, after in zip(body, [*body[1:], ""], strict=True) if len(text) >= MIN_LENGTH]
    running = [text for text, after in longer if after and not text.endswith(SENTENCE_END) and not _starts_anew(after)]
    if len(running) < MIN_LINES or len(running) < RAGGED_SHARE * len(longer):
        return None
    ordered = sorted(len(text) for text in running)
    return ordered[int(RAGGED_WIDTH * (len(ordered) - 1))]


def reflow(lines: Sequence[tuple[int, str]]) -> list[tuple[int, str]]:
    """``(source line, text)`` of the non-empty lines, stripped, in order → the paragraphs, each with
    the source line it starts on."""
    texts = [text for _, text in lines]
    width = wrap_width(texts)
    if width is None:
        return list(lines)
    repeated = {text for text, count in Counter(texts).items() if count >= 3}
    out: list[tuple[int, str]] = []
    current: tuple[int, str] | None = None  # the paragraph being joined, when its last line filled the width
    aside: list[tuple[int, str]] = []  # page marks and running headers met inside it: they follow it

    def close() -> None:
        nonlocal current, aside
        if current is not None:
            out.append(current)
        out.extend(aside)
        current, aside = None, []

    for number, text in lines:
        if PAGE_MARK.match(text) or text in repeated:
            (aside if current is not None else out).append((number, text))
            continue
        if current is not None and not _starts_anew(text):
            current = (current[0], _joined(current[1], text))
        else:
            close()
            current = (number, text)
        if not _goes_on(text, width):
            close()
    close()
    return out


def _goes_on(text: str, width: int) -> bool:
    """Did the line fill the width without ending its sentence (a party's particulars, 联系人：…, and a
    table row end where their line ends)?"""
    return (len(text) >= FILLED * width and not text.endswith(SENTENCE_END) and not _PARTICULARS.match(text)
            and not _CELL_GAP.search(text))


def _starts_anew(text: str) -> bool:
    return (clause_label(text) is not None or bool(_NEW_ITEM.match(text)) or bool(_FIELD.match(text))
            or bool(_CELL_GAP.search(text)))


def _joined(before: str, after: str) -> str:
    """Chinese joins with nothing; two words of Latin letters or digits keep a space between them."""
    if _ASCII_WORD.match(before[-1:]) and _ASCII_WORD.match(after[:1]):
        return f"{before} {after}"
    return before + after
