"""PDF text with pypdf (pure Python): one block per non-empty line.

``Location.kind`` is 'page'; ``paragraph`` is the block ordinal in the
document, ``page`` the 0-based page and ``line`` the 0-based line of the
page's extracted text. pypdf raises all sorts of exceptions on hostile input,
so everything it raises is reported as ``corrupt``.
"""

from __future__ import annotations

import io
import logging
import time
from pathlib import Path

from .clauses import ClauseTracker
from .errors import ReadError
from .model import Location, SourceDocument, TextBlock
from .reflow import reflow
from .safety import ReadLimits

# pypdf reports every repair it makes on a damaged file as a logging warning;
# with no handler configured those would land on stderr through logging's
# last-resort handler. An application that configures logging still sees them.
logging.getLogger("pypdf").addHandler(logging.NullHandler())


def read_pdf(data: bytes, path: Path, limits: ReadLimits) -> SourceDocument:
    try:
        import pypdf
    except ImportError:  # pragma: no cover - a broken installation, not bad input
        raise ReadError(path, "unsupported", "is a PDF, but PDF support (pypdf) is not installed") from None
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    del pypdf

    started = time.monotonic()
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                result = reader.decrypt("")
            except DependencyError:
                raise ReadError(path, "encrypted",
                                "is an encrypted PDF that needs AES support (install 'cryptography')") from None
            if result == PasswordType.NOT_DECRYPTED:
                raise ReadError(path, "encrypted", "is a password-protected PDF")
        pages = reader.pages
        count = len(pages)
    except ReadError:
        raise
    except FileNotDecryptedError:
        raise ReadError(path, "encrypted", "is a password-protected PDF") from None
    except MemoryError:
        raise ReadError(path, "memory", "needs too much memory to open as a PDF") from None
    except Exception as exc:  # noqa: BLE001 - pypdf's failure modes are open-ended
        raise ReadError(path, "corrupt", f"is not a readable PDF ({_short(exc)})") from None

    if count == 0:
        raise ReadError(path, "corrupt", "is a PDF without pages")
    if count > limits.max_pdf_pages:
        raise ReadError(path, "too-large", f"has {count} pages (limit {limits.max_pdf_pages})")

    lines: list[tuple[int, int, str]] = []  # page, line on it, text
    chars = 0
    for page_no in range(count):
        if time.monotonic() - started > limits.max_pdf_seconds:
            raise ReadError(path, "timeout", f"took over {limits.max_pdf_seconds:g} s to extract (page {page_no + 1})")
        try:
            text = pages[page_no].extract_text() or ""
        except FileNotDecryptedError:
            raise ReadError(path, "encrypted", "is a password-protected PDF") from None
        except MemoryError:
            raise ReadError(path, "memory", f"needs too much memory to extract page {page_no + 1}") from None
        except Exception as exc:  # noqa: BLE001
            raise ReadError(path, "corrupt", f"has a damaged page {page_no + 1} ({_short(exc)})") from None
        chars += len(text)
        if chars > limits.max_text_chars:
            raise ReadError(path, "too-large", f"has more than {limits.max_text_chars} characters of text")
        lines += [(page_no, line_no, line.strip()) for line_no, line in enumerate(text.splitlines()) if line.strip()]

    # A PDF's lines are its printed lines: the sentences they cut are joined again (reflow.py).
    blocks: list[TextBlock] = []
    clauses = ClauseTracker()
    for index, line in reflow([(index, text) for index, (_, _, text) in enumerate(lines)]):
        page_no, line_no, _ = lines[index]
        location = Location(kind="page", paragraph=len(blocks), page=page_no, line=line_no, label=clauses.update(line))
        blocks.append(TextBlock(text=line, location=location))
    if not blocks:
        raise ReadError(path, "no-text", f"has no text layer on any of its {count} page(s)")
    return SourceDocument(path=path, format="pdf", blocks=tuple(blocks))


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."
