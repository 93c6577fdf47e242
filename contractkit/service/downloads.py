"""Files the service hands back: reports in each format, annotated copies, generated agreements."""

from __future__ import annotations

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

# What a user can download a report as (the terminal format is for terminals).
DOWNLOAD_FORMATS = tuple(f for f in REPORT_FORMATS if f != "terminal")


def attachment(filename: str) -> dict[str, str]:
    """Content-Disposition for any file name (RFC 6266: an ASCII fallback plus the UTF-8 name)."""
    fallback = "".join(c if c.isascii() and c.isalnum() or c in "._-" else "_" for c in filename) or "download"
    return {"Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"}


def stem(name: str) -> str:
    return PurePosixPath(name).stem or "contract"


def finished_reports(documents: Sequence[DocumentRecord]) -> list[DocumentReport]:
    return [report for d in documents if d.finished for report in [d.report()] if report is not None]


def report_response(
    reports: list[DocumentReport], fmt: str, name: str, options: list[str], organisation: Organisation | None = None
) -> Response:
    if fmt not in DOWNLOAD_FORMATS:
        raise ServiceError(404, "not-found", f"没有 {fmt} 格式的报告；可选：{'、'.join(DOWNLOAD_FORMATS)}")
    if not reports:
        raise ServiceError(409, "not-ready", "还没有检查完成的文件，请稍后再下载报告")
    formatter = formatter_for(fmt, roles_advice=ROLES_ADVICE_WEB)  # the advice in the browser's terms, no flags
    settings: dict[str, Any] = {"options": options}
    if organisation is not None:  # whose side the review was on, as contractkit check --as reports it
        settings["organisation"] = organisation_summary(organisation)
    run = CheckRun(documents=tuple(reports), settings=settings)
    return Response(
        formatter.render(run), media_type=formatter.media_type,
        headers=attachment(f"{name}.report{formatter.extension}"),
    )


def file_response(path: Path, filename: str, media_type: str) -> FileResponse:
    return FileResponse(path, media_type=media_type, headers=attachment(filename))
