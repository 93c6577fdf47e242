"""Output formats of the checker: one formatter per format, each turning a CheckRun into bytes.

Formatters are looked up by format name; adding a format means adding a
module and one line in ``FORMATTERS``, never an if/elif over formats. The
library never prints: the caller decides where the bytes go.

    >>> formatter = formatter_for("html")
    >>> data = formatter.render(run)          # bytes, UTF-8 for the text formats

Or written while the check runs, a document at a time (see ``streaming``)::

    >>> writer = formatter.stream(out, RunHeader(standard, settings, len(files), skipped))
    >>> for report in reports:
    ...     writer.write(report)
    >>> writer.close()

``binary`` tells a caller whether the output makes sense on a terminal
(``xlsx`` does not); every formatter returns bytes all the same.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Protocol

from contractkit.results.model import CheckRun

if TYPE_CHECKING:
    from contractkit.formatters.streaming import BinaryOut, ReportWriter, RunHeader


class Formatter(Protocol):
    name: str  # the format name, as given to formatter_for
    extension: str  # file-name extension, with the dot: ".html"
    binary: bool  # True when the bytes are not text a terminal could show
    media_type: str

    def render(self, run: CheckRun, *, colour: bool = False) -> bytes: ...

    def stream(self, out: BinaryOut, header: RunHeader, *, colour: bool = False) -> ReportWriter: ...


# format -> "module:Class", imported on first use so openpyxl/jinja2 load only when needed.
FORMATTERS = {
    "terminal": "contractkit.formatters.terminal_formatter:TerminalFormatter",
    "json": "contractkit.formatters.json_formatter:JsonFormatter",
    "jsonl": "contractkit.formatters.jsonl_formatter:JsonLinesFormatter",
    "html": "contractkit.formatters.html_formatter:HtmlFormatter",
    "csv": "contractkit.formatters.csv_formatter:CsvFormatter",
    "xlsx": "contractkit.formatters.xlsx_formatter:XlsxFormatter",
}
FORMATS = tuple(FORMATTERS)
DEFAULT_FORMAT = "terminal"

# file-name extension -> format, for "--output report.html" without "--format".
_EXTENSIONS = {
    "json": "json",
    "jsonl": "jsonl",
    "html": "html",
    "htm": "html",
    "csv": "csv",
    "xlsx": "xlsx",
    "txt": "terminal",
}


def formatter_for(format_name: str, **options) -> Formatter:
    """The formatter for ``format_name``; ``options`` go to its constructor (e.g. ``quiet=True``)."""
    try:
        module_name, class_name = FORMATTERS[format_name].split(":")
    except KeyError:
        raise ValueError(f"unknown format {format_name!r}; choose one of {', '.join(FORMATS)}") from None
    return getattr(import_module(module_name), class_name)(**options)


def format_for_path(path) -> str | None:
    """The format a file name's extension asks for, if any."""
    text = str(path)
    suffix = text.rsplit(".", 1)[-1].lower() if "." in text else ""
    return _EXTENSIONS.get(suffix)


__all__ = ["DEFAULT_FORMAT", "FORMATS", "FORMATTERS", "Formatter", "format_for_path", "formatter_for"]
