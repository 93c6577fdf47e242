"""The ASGI application: wiring only (settings → database → storage → worker pool → routes)."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from importlib.resources import files
from typing import TYPE_CHECKING, Iterable, Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from contractkit import __version__
from contractkit.standard import Standard, default_standard

from .settings import ServiceSettings

if TYPE_CHECKING:
    from contractkit.requests import RequestError

    from .history import History
    from .organisation import OrganisationSettings
    from .reviews import ReviewService
    from .security import Access

log = logging.getLogger("contractkit.service")


@dataclass
class Services:
    """What the routes use, built once at start-up."""

    settings: ServiceSettings
    history: "History"
    reviews: "ReviewService"
    access: "Access"
    database: str  # dialect name, for /api/health
    organisation: "OrganisationSettings | None" = None  # the team's 组织设置
    standard: Standard = field(default_factory=default_standard)  # what the service checks and generates


class ServiceError(Exception):
    """A request the service refuses, with a stable code and a message for the user (in Chinese);
    ``errors`` are the library's request errors (``code``, ``field``, ``message``), one per problem."""

    def __init__(self, status: int, code: str, message: str, errors: Iterable[dict[str, str]] = ()):
        self.status, self.code, self.message, self.errors = status, code, message, list(errors)
        super().__init__(message)

    @classmethod
    def invalid(cls, problems: Iterable["RequestError"], code: str = "invalid-request",
                names: Mapping[str, str] | None = None) -> "ServiceError":
        """422 for the problems contractkit.requests found, in Chinese; ``names`` renames a request field
        to the endpoint's own (``organisation.role`` → ``as_role``)."""
        names = names or {}
        errors = [{**problem.as_dict("zh"), "field": names.get(problem.field, problem.field)} for problem in problems]
        return cls(422, code, "；".join(f"{e['field']}: {e['message']}" for e in errors), errors)

    @property
    def fields(self) -> dict[str, str]:
        """A message per field, for showing next to it in a form."""
        found: dict[str, list[str]] = {}
        for error in self.errors:
            found.setdefault(error["field"], []).append(error["message"])
        return {field: "；".join(messages) for field, messages in found.items()}


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
    from .api import router as api_router
    from .pages import router as pages_router
    from .security import RequestGuard

    app.include_router(api_router)
    app.include_router(pages_router)
    app.mount("/static", StaticFiles(directory=str(files("contractkit.service") / "static")), name="static")
    app.add_middleware(RequestGuard, max_body_bytes=settings.max_upload_bytes)
    _error_handlers(app)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI):
    from contractkit.checking.checker import Checker
    from contractkit.checking.workers import CheckPool

    from .database import create_database_engine, migrate
    from .history import History
    from .organisation import OrganisationSettings
    from .reviews import ReviewService
    from .security import Access
    from .storage import UploadStore

    settings: ServiceSettings = app.state.settings
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_database_engine(settings.effective_database_url)
    migrate(engine)
    standard = default_standard()
    checker = Checker(standard=standard)
    checker.engine.warm_up()  # load spaCy and jieba once; the forked workers share them
    pool = CheckPool(lambda: checker, settings.pool)
    history = History(engine)
    reviews = ReviewService(history, UploadStore(settings.uploads_dir), pool, settings.max_files)
    resumed = reviews.resume()
    if resumed:
        log.info("queued again %d document(s) left unfinished by the last run", resumed)
    app.state.services = Services(
        settings, history, reviews, Access(settings.auth), engine.dialect.name, OrganisationSettings(engine), standard
    )
    try:
        yield
    finally:
        pool.close()
        engine.dispose()


def _error_handlers(app: FastAPI) -> None:
    from .pages import error_page
    from .security import NotAuthenticated

    def wants_html(request: Request) -> bool:
        return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")

    def respond(request: Request, status: int, code: str, message: str, headers=None, errors=()):
        if wants_html(request):
            return error_page(request, status, message, headers)
        body: dict = {"error": {"code": code, "message": message}}
        if errors:  # each problem: in "errors" with its code, and (as before) in error.fields
            body["error"]["fields"] = [{"field": e["field"], "message": e["message"]} for e in errors]
            body["errors"] = errors
        return JSONResponse(body, status, headers=headers)

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, exc: ServiceError):
        return respond(request, exc.status, exc.code, exc.message, errors=exc.errors)

    @app.exception_handler(NotAuthenticated)
    async def not_authenticated(request: Request, exc: NotAuthenticated):
        from urllib.parse import quote

        from fastapi.responses import RedirectResponse

        if wants_html(request) and not exc.basic:
            return RedirectResponse(f"/login?next={quote(request.url.path)}", 303)
        headers = {"WWW-Authenticate": 'Basic realm="contractkit", charset="UTF-8"'} if exc.basic else {
            "WWW-Authenticate": "Bearer"}
        return respond(request, 401, "unauthenticated", "需要登录：请提供访问令牌或用户名和密码", headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        from contractkit.requests import shape_errors

        # FastAPI's locations start with where the value came from (body, query, path): not part of the field
        # (nor is the position of a JSON syntax error).
        errors = [{**e, "loc": ("body",) if e["type"] == "json_invalid" else tuple(e["loc"])[1:] or ("body",)}
                  for e in exc.errors()]
        refused = ServiceError.invalid(shape_errors(errors))
        return respond(request, 422, refused.code, "请求不完整或格式有误：" + refused.message, errors=refused.errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        messages = {404: "没有找到该页面或记录（可能已被删除）", 405: "不支持该请求方法"}
        message = messages.get(exc.status_code, str(exc.detail))
        return respond(request, exc.status_code, {404: "not-found"}.get(exc.status_code, "http-error"), message)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)  # trace in the log only
        return respond(request, 500, "internal", "服务内部错误，已记录在服务日志中；请稍后重试或联系管理员")
