"""What every route asks for: the services built at start-up, and who is calling."""

from __future__ import annotations

from fastapi import Request, Security
from fastapi.security import HTTPBasic, HTTPBearer

from .core import ServiceError, Services
from .history import DocumentRecord, ReviewRecord

# Declared so the OpenAPI schema documents both ways in; Access does the checking.
_bearer = HTTPBearer(auto_error=False, description="共享访问令牌（--auth-token-file）")
_basic = HTTPBasic(auto_error=False, description="团队用户（--users-file）")


def services(request: Request) -> Services:
    return request.app.state.services


def current_user(request: Request, _b=Security(_bearer), _u=Security(_basic)) -> str | None:
    """The caller's user name (None when the service runs without authentication)."""
    return services(request).access.user(request)


def review_or_404(request: Request, review_id: str) -> ReviewRecord:
    review = services(request).history.review(review_id) if _looks_like_id(review_id) else None
    if review is None:
        raise ServiceError(404, "not-found", f"没有找到审查记录 {review_id}（可能已被删除）")
    return review


def document_or_404(request: Request, document_id: str) -> DocumentRecord:
    document = services(request).history.document(document_id) if _looks_like_id(document_id) else None
    if document is None:
        raise ServiceError(404, "not-found", f"没有找到文件记录 {document_id}（可能已被删除）")
    return document


def _looks_like_id(value: str) -> bool:
    return len(value) == 32 and all(c in "0123456789abcdef" for c in value)
