"""What every route asks for: the services built at start-up, and who is calling (and what they may see)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPBasic, HTTPBearer

from .core import ServiceError, Services
from .history import DocumentRecord, ReviewRecord
from .security import Caller

# Declared so the OpenAPI schema documents both ways in; Access does the checking.
_bearer = HTTPBearer(auto_error=False, description="共享访问令牌（--auth-token-file）")
_basic = HTTPBasic(auto_error=False, description="团队用户（--users-file）")


def services(request: Request) -> Services:
    return request.app.state.services


def current_user(request: Request, _b=Security(_bearer), _u=Security(_basic)) -> Caller:
    """Who is calling (``NOBODY`` when the service runs without access control); raises NotAuthenticated."""
    caller = services(request).access.caller(request)
    request.state.caller = caller
    return caller


SignedIn = Annotated[Caller, Depends(current_user)]  # a route's parameter: who is calling


def caller_of(request: Request) -> Caller:
    """The caller ``current_user`` found for this request (pages show who is signed in)."""
    found = getattr(request.state, "caller", None)
    return found if found is not None else current_user(request)


def review_or_404(request: Request, review_id: str) -> ReviewRecord:
    review = services(request).history.review(review_id) if _looks_like_id(review_id) else None
    if review is None or not caller_of(request).owns(review.owner):  # another user's: as if it did not exist
        raise ServiceError(404, "not-found", f"没有找到审查记录 {review_id}（可能已被删除）")
    return review


def document_or_404(request: Request, document_id: str) -> DocumentRecord:
    document = services(request).history.document(document_id) if _looks_like_id(document_id) else None
    exists, owner = services(request).history.owner(document.review_id) if document is not None else (False, None)
    if document is None or not exists or not caller_of(request).owns(owner):
        raise ServiceError(404, "not-found", f"没有找到文件记录 {document_id}（可能已被删除）")
    return document


def deletable_review(request: Request, review_id: str) -> ReviewRecord:
    """The review, if the caller may delete it (theirs, or they are an admin); 403 otherwise."""
    review = review_or_404(request, review_id)
    if not caller_of(request).may_delete(review.owner):
        who = review.owner or "其他用户"
        raise ServiceError(403, "forbidden", f"这次审查由 {who} 上传，只有上传人或管理员可以删除")
    return review


def _looks_like_id(value: str) -> bool:
    return len(value) == 32 and all(c in "0123456789abcdef" for c in value)
