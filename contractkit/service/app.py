"""The ASGI application: wiring only (settings → database → storage → worker pool → routes)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from importlib.resources import files
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from contractkit import __version__
from contractkit.api import check_pool, default_standard, shape_errors

from .api import public_router as public_api_router
from .api import router as api_router
from .core import ServiceError, Services
from .database import create_database_engine, migrate
from .history import History
from .organisation import OrganisationSettings
from .pages import error_page
from .pages import router as pages_router
from .playbooks import PlaybookLibrary
from .reviews import ReviewService
from .security import Access, AllowedHosts, NotAuthenticated, RequestGuard, SecurityHeaders, Sessions, TooManyAttempts
from .settings import ServiceSettings
from .storage import UploadStore

log = logging.getLogger("contractkit.service")


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or ServiceSettings()
    app = FastAPI(
        title="contractkit 审查服务",
        version=__version__,
        description=(
            "按 T/CCIA 004-2024《云计算服务安全责任划分规则及实施指南》检查合同的安全责任条款、"
            "生成协议。JSON 接口位于 /api 之下；报告格式见 contractkit.check/1 JSON Schema。"
        ),
        lifespan=_lifespan,
        openapi_url="/api/openapi.json",
        docs_url=None,  # Swagger UI loads from a CDN; /api/docs is our own page (pages.api_docs)
        redoc_url=None,
    )
    app.state.settings = settings
    app.include_router(public_api_router)
    app.include_router(api_router)
    app.include_router(pages_router)
    app.mount("/static", StaticFiles(directory=str(files("contractkit.service") / "static")), name="static")
    # Outermost last: security headers on every answer, then the Host check, then the body and Origin guard.
    app.add_middleware(RequestGuard, max_body_bytes=settings.max_upload_bytes)
    app.add_middleware(AllowedHosts, allowed_hosts=settings.effective_allowed_hosts)
    app.add_middleware(SecurityHeaders)
    _error_handlers(app)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: ServiceSettings = app.state.settings
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_database_engine(settings.effective_database_url)
    migrate(engine)
    standard = default_standard()
    pool = check_pool(settings.pool, standard=standard)  # loads spaCy and jieba once; the forked workers share them
    history = History(engine)
    reviews = ReviewService(history, UploadStore(settings.uploads_dir), pool, settings.max_files,
                            settings.duplicate_days)
    resumed = reviews.resume()
    if resumed:
        log.info("queued again %d document(s) left unfinished by the last run", resumed)
    access = Access(settings.auth, Sessions(engine, settings.auth.session_hours))
    app.state.services = Services(
        settings, history, reviews, access, engine.dialect.name, OrganisationSettings(engine), standard,
        PlaybookLibrary(settings.playbooks_dir),
    )
    try:
        yield
    finally:
        # Stopped the normal way (SIGTERM, Ctrl-C): what is not checked yet stays queued for the next start.
        reviews.stop()
        engine.dispose()


def _error_handlers(app: FastAPI) -> None:
    def wants_html(request: Request) -> bool:
        return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")

    def respond(request: Request, status: int, code: str, message: str, headers: dict[str, str] | None = None,
                errors: Sequence[dict[str, str]] = ()) -> Response:
        if wants_html(request):
            return error_page(request, status, message, headers)
        body: dict[str, Any] = {"error": {"code": code, "message": message}}
        if errors:  # each problem: in "errors" with its code, and (as before) in error.fields
            body["error"]["fields"] = [{"field": e["field"], "message": e["message"]} for e in errors]
            body["errors"] = errors
        return JSONResponse(body, status, headers=headers)

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, exc: ServiceError) -> Response:
        return respond(request, exc.status, exc.code, exc.message, errors=exc.errors)

    @app.exception_handler(NotAuthenticated)
    async def not_authenticated(request: Request, exc: NotAuthenticated) -> Response:
        if wants_html(request):
            return RedirectResponse(f"/login?next={quote(request.url.path)}", 303)
        # A challenge only for programs: a browser's own requests (the pages' scripts, downloads) would
        # answer a Basic challenge with a password prompt of its own instead of our login page.
        from_browser = "sec-fetch-mode" in request.headers
        challenge = 'Basic realm="contractkit", charset="UTF-8"' if exc.challenge == "Basic" else "Bearer"
        headers = {} if from_browser else {"WWW-Authenticate": challenge}
        return respond(request, 401, "unauthenticated", "需要登录：请先登录，或提供访问令牌或用户名和密码", headers)

    @app.exception_handler(TooManyAttempts)
    async def too_many_attempts(request: Request, exc: TooManyAttempts) -> Response:
        return respond(request, 429, "too-many-attempts", exc.message, {"Retry-After": str(exc.retry_after)})

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        # FastAPI's locations start with where the value came from (body, query, path): not part of the field
        # (nor is the position of a JSON syntax error).
        errors = [{**e, "loc": ("body",) if e["type"] == "json_invalid" else tuple(e["loc"])[1:] or ("body",)}
                  for e in exc.errors()]
        refused = ServiceError.invalid(shape_errors(errors))
        return respond(request, 422, refused.code, "请求不完整或格式有误：" + refused.message, errors=refused.errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        messages = {404: "没有找到该页面或记录（可能已被删除）", 405: "不支持该请求方法"}
        message = messages.get(exc.status_code, str(exc.detail))
        return respond(request, exc.status_code, {404: "not-found"}.get(exc.status_code, "http-error"), message)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)  # trace in the log only
        return respond(request, 500, "internal", "服务内部错误，已记录在服务日志中；请稍后重试或联系管理员")
