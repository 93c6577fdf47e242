"""Plain text and Markdown: one block per non-empty line.

Chinese contracts put one clause per line, so a single newline already ends a
block (plain text pasted from a PDF, wrapped at one width, is joined back into
its paragraphs first: reflow.py). ``Location.paragraph`` is the block ordinal, ``Location.line`` the
0-based source line. Markdown is reduced to what a reader of the rendered page
sees: heading hashes, bullet markers, block quotes, emphasis markers, link
syntax and code fences go; ordered-list numbers stay (they are displayed, and
in a contract they are often the clause number).
"""

from __future__ import annotations

import re
from pathlib import Path

from .clauses import ClauseTracker
from .errors import ReadError
from .model import Location, SourceDocument, TextBlock
from .reflow import reflow
from .safety import ReadLimits

MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd"}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def read_text(data: bytes, path: Path, limits: ReadLimits) -> SourceDocument:
    text = decode_text(data, path)
    if len(text) > limits.max_text_chars:
        raise ReadError(path, "too-large", f"has more than {limits.max_text_chars} characters of text")
    markdown = path.suffix.lower() in MARKDOWN_SUFFIXES
    blocks = _markdown_blocks(text) if markdown else _plain_blocks(text)
    if not blocks:
        raise ReadError(path, "empty", "contains only whitespace")
    return SourceDocument(path=path, format="md" if markdown else "txt", blocks=tuple(blocks))


# ------------------------------------------------------------------ decoding


def decode_text(data: bytes, path: Path) -> str:
    """UTF-8, UTF-8 with BOM, UTF-16 with BOM, then GB18030; binary is refused."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise ReadError(path, "encoding", "is UTF-32 text")
    if data.startswith(b"\xef\xbb\xbf"):
        return _checked(_decode(data, "utf-8-sig", path), path)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _checked(_decode(data, "utf-16", path), path)
    if b"\x00" in data:
        for encoding in ("utf-16-le", "utf-16-be"):
            try:
                guess = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if _plausible(guess):
                raise ReadError(path, "encoding", "looks like UTF-16 text without a byte-order mark")
        raise ReadError(path, "unsupported", "is a binary file, not text or a known document format")
    try:
        return _checked(data.decode("utf-8"), path)
    except UnicodeDecodeError:
        pass
    bad = _almost_utf8(data)
    if bad:
        raise ReadError(path, "encoding", f"is UTF-8 text with {bad} invalid byte sequence(s) (damaged?)")
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _plausible(text):
        return _checked(text, path)
    if _looks_textual(data):
        raise ReadError(path, "encoding", "is text in an unknown encoding (not UTF-8, UTF-16 or GB18030)")
    raise ReadError(path, "unsupported", "is a binary file, not text or a known document format")


def _decode(data: bytes, encoding: str, path: Path) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise ReadError(path, "encoding", f"starts like {encoding} text but is not valid {encoding}") from None


_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f]")  # not \t \n \f \r or DOS's \x1a


def _checked(text: str, path: Path) -> str:
    if _CONTROLS.search(text) and len(_CONTROLS.findall(text)) > max(2, len(text) // 100):
        raise ReadError(path, "unsupported", "is a binary file, not text or a known document format")
    return text


def _plausible(text: str) -> bool:
    """Mostly characters a Chinese or English contract is written in."""
    if not text:
        return True
    sample = text[:20000]
    good = 0
    for ch in sample:
        o = ord(ch)
        if (0x20 <= o < 0x7F or ch in "\t\n\r" or 0x4E00 <= o <= 0x9FFF or 0x3000 <= o <= 0x303F
                or 0xFF00 <= o <= 0xFFEF or 0x2000 <= o <= 0x206F or 0x3400 <= o <= 0x4DBF
                or 0xA0 <= o <= 0xFF or 0x2460 <= o <= 0x24FF):
            good += 1
    return good >= 0.9 * len(sample)


def _almost_utf8(data: bytes) -> int:
    """Number of invalid sequences if ``data`` is UTF-8 with a few broken bytes, else 0.

    GB18030 text decoded as UTF-8 breaks at nearly every Chinese character;
    UTF-8 cut mid-character or with a stray byte breaks once or twice. Reading
    the latter as GB18030 would turn the whole file into mojibake.
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    multibyte = len(text) - len(text.encode("ascii", "ignore")) - bad
    return bad if multibyte >= 20 * bad else 0


def _looks_textual(data: bytes) -> bool:
    sample = data[:20000]
    bad = sum(1 for b in sample if b < 0x20 and b not in (9, 10, 12, 13, 26))
    return bad <= len(sample) // 200


# ------------------------------------------------------------------ blocks


def _plain_blocks(text: str) -> list[TextBlock]:
    blocks: list[TextBlock] = []
    clauses = ClauseTracker()
    lines = [(line_no, line.strip()) for line_no, line in enumerate(_LINE_BREAK.split(text)) if line.strip()]
    for line_no, line in reflow(lines):  # text pasted from a PDF: its wrapped lines joined again
        location = Location(kind="paragraph", paragraph=len(blocks), line=line_no, label=clauses.update(line))
        blocks.append(TextBlock(text=line, location=location))
    return blocks


_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
# CommonMark wants a space after the hashes; "#第一条" is accepted too (Chinese writers often omit it).
_ATX = re.compile(r"^\s{0,3}(#{1,6})(?:\s+|$|(?=[\u4e00-\u9fff]))(.*?)(?:\s+#+\s*)?$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_QUOTE = re.compile(r"^\s*(?:>\s?)+")
_BULLET = re.compile(r"^\s*[-*+]\s+(?:\[[ xX]\]\s+)?")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
# CommonMark lets any ASCII punctuation be backslash-escaped (our own writer escapes "<" and "&").
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_EMPHASIS = (
    re.compile(r"\*\*\*(?=\S)(.+?)(?<=\S)\*\*\*"),
    re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"),
    re.compile(r"(?<![*\\])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?!\*)"),
    # underscores only at word boundaries: ____年__月__日 blanks must survive
    re.compile(r"(?<![\w_])___(?=[^\s_])(.+?)(?<=[^\s_])___(?![\w_])"),
    re.compile(r"(?<![\w_])__(?=[^\s_])(.+?)(?<=[^\s_])__(?![\w_])"),
    re.compile(r"(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])"),
    re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"),
)


def strip_markdown_inline(text: str) -> str:
    escaped: list[str] = []

    def hide(match: re.Match[str]) -> str:
        escaped.append(match.group(1))
        return f"\uE000{len(escaped) - 1}\uE001"

    text = _ESCAPE.sub(hide, text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    for pattern in _EMPHASIS:
        text = pattern.sub(r"\1", text)
    if escaped:
        text = re.sub("\uE000(\\d+)\uE001", lambda m: escaped[int(m.group(1))], text)
    return text


def _markdown_blocks(text: str) -> list[TextBlock]:
    blocks: list[TextBlock] = []
    clauses = ClauseTracker()
    fence: str | None = None
    previous_line = -2  # line number of the last block, for setext headings
    for line_no, raw in enumerate(_LINE_BREAK.split(text)):
        m = _FENCE.match(raw)
        if m:
            marker = m.group(1)[0]
            if fence is None:
                fence = marker
                continue
            if marker == fence:
                fence = None
                continue
        if fence is not None:  # code: verbatim
            line, heading = raw.strip(), False
        else:
            if _SETEXT.match(raw) and previous_line == line_no - 1 and blocks and not blocks[-1].heading:
                last = blocks[-1]
                blocks[-1] = TextBlock(text=last.text, location=last.location, heading=True)
                continue
            if _RULE.match(raw) or _TABLE_RULE.match(raw):
                continue
            line, heading = raw, False
            line = _QUOTE.sub("", line)
            atx = _ATX.match(line)
            if atx:
                line, heading = atx.group(2), True
            else:
                line = _BULLET.sub("", line)
            stripped = line.strip()
            if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
                line = "\t".join(cell.strip() for cell in stripped[1:-1].split("|"))
            line = strip_markdown_inline(line).strip()
        if not line:
            continue
        location = Location(kind="paragraph", paragraph=len(blocks), line=line_no, label=clauses.update(line))
        blocks.append(TextBlock(text=line, location=location, heading=heading))
        previous_line = line_no
    return blocks

