"""What users read, in their terms: Chinese messages, no codes or command-line advice.

The library's reports are written for the command line too: an error's message is in English
(``<file>: <detail> — <advice>``) and a note may name an option (``--option cii``). The service
shows, stores and hands out each report as a person reads it in the browser.
"""

from __future__ import annotations

import re
from dataclasses import replace

from contractkit.api import ERROR_ADVICE_ZH, DocumentReport, error_message_zh

# "（--option cii）", "(--role 甲方=provider)": advice for the command line, meaningless in a browser.
_FLAGS = re.compile(r"\s*[（(]--[a-z][\w-]*[^）)]*[）)]")
_CLAUSE_SEPARATORS = re.compile(r"\s*[;；]\s*")


def for_people(report: DocumentReport, display_name: str) -> DocumentReport:
    """``report`` with its error message in Chinese and its notes without command-line flags."""
    error = report.error
    if error is not None and ERROR_ADVICE_ZH.get(error.code, "\0") not in error.message:
        error = replace(error, message=error_message_zh(error.code, error.message, display_name))
    notes = tuple(web_note(note) for note in report.notes)
    if error is report.error and notes == tuple(report.notes):
        return report
    return replace(report, error=error, notes=notes)


def web_note(note: str) -> str:
    return _FLAGS.sub("", note)


def clause_parts(clause: str) -> list[str]:
    """The single clauses a finding's clause field lists ("8.2.4 a) 5); 8.2.4 b)" → two)."""
    return [part for part in _CLAUSE_SEPARATORS.split(clause.strip()) if part]
