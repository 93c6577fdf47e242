"""Output formats: one writer per format, each turning a Document into bytes.

Writers are looked up by format name; adding a format means adding a module
and one line in ``WRITERS``, never an if/elif over formats.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Protocol

from contractkit.generation.document import Document

if TYPE_CHECKING:
    from contractkit.generation.explain import Sheet


class Writer(Protocol):
    format: str
    extension: str
    media_type: str

    def write(self, document: Document) -> bytes: ...

    def write_sheet(self, sheet: Sheet) -> bytes:
        """The explanation sheet (--explain): a title, a few paragraphs and one table."""
        ...


# format -> "module:Class", imported on first use so python-docx loads only when needed.
WRITERS = {
    "docx": "contractkit.generation.writers.docx_writer:DocxWriter",
    "md": "contractkit.generation.writers.markdown_writer:MarkdownWriter",
    "txt": "contractkit.generation.writers.text_writer:TextWriter",
}
FORMATS = tuple(WRITERS)


def writer_for(format_name: str) -> Writer:
    try:
        module_name, class_name = WRITERS[format_name].split(":")
    except KeyError:
        raise ValueError(f"unknown format {format_name!r}; choose one of {', '.join(FORMATS)}") from None
    return getattr(import_module(module_name), class_name)()


def format_for_path(path) -> str | None:
    """The format a file name's extension asks for, if any."""
    suffix = str(path).rsplit(".", 1)[-1].lower() if "." in str(path) else ""
    return {"docx": "docx", "md": "md", "markdown": "md", "txt": "txt"}.get(suffix)
