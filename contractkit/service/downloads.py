"""Files the service hands back: reports in each format, annotated copies, generated agreements."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from fastapi.responses import FileResponse, Response

from contractkit.api import (
    REPORT_FORMATS,
    ROLES_ADVICE_WEB,
    CheckRun,
    DocumentReport,
    Organisation,
    formatter_for,
    organisation_summary,
)

from .core import ServiceError
from .history import DocumentRecord
from .wording import for_people

# What a user can download a report as (the terminal format is for terminals).
DOWNLOAD_FORMATS = tuple(f for f in REPORT_FORMATS if f != "terminal")


def attachment(filename: str) -> dict[str, str]:
    """Content-Disposition for any file name (RFC 6266: an ASCII fallback plus the UTF-8 name)."""
    fallback = "".join(c if c.isascii() and c.isalnum() or c in "._-" else "_" for c in filename) or "download"
    return {"Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"}


def stem(name: str) -> str:
    return PurePosixPath(name).stem or "contract"


# Formats a person reads (their settings in Chinese, their first line saying when the review is not done).
_FOR_PEOPLE = ("html", "xlsx", "csv")


def finished_reports(documents: Sequence[DocumentRecord]) -> list[DocumentReport]:
    """The reports of the documents checked (being checked again: not yet, their old result is stale)."""
    return [for_people(report, d.original_name) for d in documents if d.finished
            for report in [d.report()] if report is not None]


def report_response(
    reports: list[DocumentReport], fmt: str, name: str, options: list[str], organisation: Organisation | None = None,
    *, total: int | None = None, option_names: dict[str, str] | None = None, role_names: dict[str, str] | None = None,
    playbook: dict[str, Any] | None = None,
) -> Response:
    """The report of ``reports`` in ``fmt``; ``total``: how many documents the review has — with fewer reports,
    the report says on its first line that it is not complete (已完成 53/200). ``playbook``: the summary of the
    playbook the review was checked against (the reports then show its positions, JSON contractkit.check/2)."""
    if fmt not in DOWNLOAD_FORMATS:
        raise ServiceError(404, "not-found", f"没有 {fmt} 格式的报告；可选：{'、'.join(DOWNLOAD_FORMATS)}")
    if not reports:
        raise ServiceError(409, "not-ready", "还没有检查完成的文件，请稍后再下载报告")
    formatter = formatter_for(fmt, roles_advice=ROLES_ADVICE_WEB)  # the advice in the browser's terms, no flags
    incomplete = None
    if total is not None and len(reports) < total:
        incomplete = (f"本报告尚不完整：已完成 {len(reports)}/{total} 份，其余文件仍在检查中；"
                      "请在全部检查完成后重新下载")
    settings: dict[str, Any]
    if fmt in _FOR_PEOPLE:
        names = option_names or {}
        settings = {"同时检查": "、".join(names.get(o, o) for o in options) or "无（合同提及时自动检查）"}
        if organisation is not None:
            role = (role_names or {}).get(organisation.role, organisation.role)
            settings["我方"] = f"{'、'.join(organisation.names)}（{role}）"
        if playbook is not None:
            settings["立场手册"] = playbook["name"]
        if incomplete:
            settings["完成情况"] = f"已完成 {len(reports)}/{total}"
    else:
        settings = {"options": options}
        if organisation is not None:  # whose side the review was on, as contractkit check --as reports it
            settings["organisation"] = organisation_summary(organisation)
        if total is not None:
            settings["progress"] = {"finished": len(reports), "documents": total, "complete": incomplete is None}
    run = CheckRun(documents=tuple(reports), settings=settings, playbook=playbook)  # type: ignore[arg-type]
    body = formatter.render(run)
    if fmt == "html":
        body = _without_english_strengths(body)
    if incomplete:
        body = _marked_incomplete(body, fmt, incomplete)
        name = f"{name}（未完成 {len(reports)}-{total}）"
    return Response(body, media_type=formatter.media_type, headers=attachment(f"{name}.report{formatter.extension}"))


_STRENGTH_GLOSS = re.compile(r"(应|宜|可)(级?)(?: · |（)(?:must|should|may)）?")


def _without_english_strengths(body: bytes) -> bytes:
    """The HTML report glosses 应/宜/可 with must/should/may for the command line's readers; not here."""
    return _STRENGTH_GLOSS.sub(r"\1\2", body.decode("utf-8")).encode("utf-8")


def _marked_incomplete(body: bytes, fmt: str, message: str) -> bytes:
    """``body`` with ``message`` where a reader sees it first: the first line of a CSV, a banner at the top
    of an HTML page, the first sheet of a workbook (JSON and JSON Lines say it in settings.progress)."""
    if fmt == "csv":
        bom = "\ufeff".encode()
        rest = body[len(bom):] if body.startswith(bom) else body
        return bom + f"{message}\r\n".encode() + rest
    if fmt == "html":
        banner = (f'<div role="alert" style="background:#fef3c7;color:#92400e;border:2px solid #f59e0b;'
                  f'padding:10px 14px;margin:0 0 12px;font-weight:700">{_escape(message)}</div>')
        page = body.decode("utf-8")
        at = page.find(">", page.find("<body")) + 1 if "<body" in page else 0
        return (page[:at] + banner + page[at:]).replace("<title>", "<title>（未完成）", 1).encode("utf-8")
    if fmt == "xlsx":
        from openpyxl import load_workbook
        from openpyxl.styles import Font

        workbook = load_workbook(io.BytesIO(body))
        sheet = workbook.create_sheet("未完成", 0)
        sheet["A1"] = message
        sheet["A1"].font = Font(bold=True, color="92400E", size=14)
        sheet.column_dimensions["A"].width = 100
        workbook.active = 0
        for other in workbook.worksheets[1:]:
            other.sheet_view.tabSelected = False
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()
    return body


def _escape(text: str) -> str:
    from html import escape

    return escape(text)


def file_response(path: Path, filename: str, media_type: str) -> FileResponse:
    return FileResponse(path, media_type=media_type, headers=attachment(filename))
