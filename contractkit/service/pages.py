"""The HTML pages (Chinese), rendered with the project's Jinja2; the browser scripts only enhance them."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.datastructures import FormData

from contractkit import __version__
from contractkit.api import (
    ERROR_ADVICE_ZH,
    OK,
    ROLES_CHOOSE_WEB,
    ROLES_UNKNOWN,
    ROLES_UNKNOWN_ZH,
    STRENGTHS,
    GenerateRequest,
    InvalidRequest,
    Status,
    Words,
)

from . import actions
from .apidocs import operations
from .core import ServiceError
from .dependencies import current_user, document_or_404, review_or_404, services
from .downloads import attachment
from .generating import generate_file
from .highlight import highlighted_blocks
from .organisation import SETTINGS_FIELDS, organisation_from
from .security import SESSION_COOKIE

router = APIRouter(include_in_schema=False)
protected = [Depends(current_user)]

_env = Environment(
    loader=PackageLoader("contractkit.service", "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.globals.update(
    version=__version__,
    statuses=[(s.value, s.label_zh) for s in Status],
    status_zh={s.value: s.label_zh for s in Status},
    strength_zh={strength: Words().strength(strength) for strength in STRENGTHS},
    error_advice=ERROR_ADVICE_ZH,
    roles_unknown_zh=ROLES_UNKNOWN_ZH,
    roles_choose=ROLES_CHOOSE_WEB,
)


def page(request: Request, template: str, status: int = 200, headers=None, **context) -> HTMLResponse:
    settings = request.app.state.settings
    html = _env.get_template(template).render(
        request=request, path=request.url.path, auth=settings.auth.enabled, **context
    )
    return HTMLResponse(html, status, headers=headers)


def error_page(request: Request, status: int, message: str, headers=None) -> HTMLResponse:
    return page(request, "error.html", status, headers, status_code=status, message=message)


def _catalogue(request: Request):
    return services(request).standard.catalogue


# ---------------------------------------------------------------- reviewing
@router.get("/", dependencies=protected)
def upload_page(request: Request) -> HTMLResponse:
    return _upload_page(request)


def _upload_page(request: Request, chosen: dict | None = None, problems: dict | None = None,
                 status: int = 200) -> HTMLResponse:
    """The upload form; 我方名称 and 我方角色 start from the team's organisation settings."""
    s = services(request)
    recent, _ = s.history.reviews(limit=5)
    stored = s.organisation.get()
    chosen = chosen or {"as_names": "\n".join(stored.names), "as_role": stored.role}
    return page(request, "upload.html", status, catalogue=_catalogue(request), recent=recent, limits=s.settings,
                chosen=chosen, problems=problems or {})


@router.post("/reviews")
async def upload_form(
    request: Request,
    files: Annotated[list[UploadFile], File()],
    uploader: Annotated[str, Form(max_length=100)] = "",
    options: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies it)
    user: str | None = Depends(current_user),
    as_names: Annotated[str | None, Form()] = None,
    as_role: Annotated[str | None, Form()] = None,
) -> Response:
    """The form's own target when scripts are off; the page's script posts to /api/reviews."""
    try:
        review = await actions.start_review(
            request, files, uploader=uploader, options=options, user=user, as_names=as_names, as_role=as_role
        )
    except ServiceError as exc:
        if not exc.errors:
            raise
        chosen = {"as_names": as_names or "", "as_role": as_role or ""}
        return _upload_page(request, chosen, exc.fields, status=exc.status)
    return RedirectResponse(f"/reviews/{review.id}", 303)


@router.get("/reviews", dependencies=protected)
def history_page(request: Request, page_number: int = 1) -> HTMLResponse:
    size = 25
    page_number = max(1, page_number)
    records, total = services(request).history.reviews(limit=size, offset=(page_number - 1) * size)
    pages = max(1, -(-total // size))
    return page(request, "history.html", reviews=records, total=total, page_number=page_number, pages=pages)


@router.get("/reviews/{review_id}", dependencies=protected)
def review_page(request: Request, review_id: str) -> HTMLResponse:
    review = review_or_404(request, review_id)
    return page(request, "review.html", review=review, catalogue=_catalogue(request))


@router.post("/reviews/{review_id}/delete", dependencies=protected)
def delete_form(request: Request, review_id: str) -> Response:
    review_or_404(request, review_id)
    services(request).reviews.delete(review_id)
    return RedirectResponse("/reviews", 303)


@router.get("/documents/{document_id}", dependencies=protected)
def document_page(request: Request, document_id: str, problem: str | None = None) -> HTMLResponse:
    document = document_or_404(request, document_id)
    review = review_or_404(request, document.review_id)
    report = document.report()
    read = report is not None and report.status in (OK, ROLES_UNKNOWN)  # the text helps choose the roles
    blocks = services(request).reviews.text_blocks(document) if read else ()
    findings = report.findings if report else ()
    clauses = sorted({f.clause for f in findings}, key=_clause_key)
    return page(
        request, "document.html", document=document, review=review, report=report,
        findings=findings, clauses=clauses, text=highlighted_blocks(blocks, findings),
        catalogue=_catalogue(request), roles_problem=ROLE_PROBLEMS.get(problem or ""),
    )


# Messages the roles form shows after a redirect (?problem=…), so a slip keeps the page.
ROLE_PROBLEMS = {"no-roles": "请至少为一方选择角色，或选择“重新自动推断”。"}


@router.post("/documents/{document_id}/recheck", dependencies=protected)
async def recheck_form(request: Request, document_id: str) -> Response:
    """Roles from the form: fields named role:<party label> with role ids; 'infer' clears them."""
    document_or_404(request, document_id)
    form = await request.form()
    roles: dict[str, list[str]] | None = None
    if form.get("mode") != "infer":
        roles = {}
        for key in form.keys():
            if key.startswith("role:"):
                label = key[len("role:"):].strip()
                chosen = [r for r in form.getlist(key) if isinstance(r, str) and r]
                if label and chosen:
                    roles[label] = chosen
        if not roles:
            return RedirectResponse(f"/documents/{document_id}?problem=no-roles#parties", 303)
    await run_in_threadpool(actions.recheck, services(request), document_id, roles)
    return RedirectResponse(f"/documents/{document_id}", 303)


def _clause_key(clause: str) -> list[int | str]:
    return [int(n) if n.isdigit() else n for n in re.split(r"(\d+)", clause)]


# ---------------------------------------------------------------- organisation settings
@router.get("/settings", dependencies=protected)
def settings_page(request: Request, saved: bool = False) -> HTMLResponse:
    stored = services(request).organisation.get()
    chosen = {"names": "\n".join(stored.names), "role": stored.role}
    return page(request, "settings.html", catalogue=_catalogue(request), stored=stored, chosen=chosen, problems={},
                saved=saved)


@router.post("/settings")
async def settings_form(request: Request, user: str | None = Depends(current_user)) -> Response:
    """Names one per line (or separated by commas) and the role; no names clears the setting."""
    form = await request.form()
    chosen = {"names": str(form.get("names", "")), "role": str(form.get("role", ""))}
    s = services(request)
    try:
        organisation = organisation_from(chosen["names"], chosen["role"])
    except InvalidRequest as exc:
        problems = ServiceError.invalid(exc.errors, names=SETTINGS_FIELDS).fields
        return page(request, "settings.html", 422, catalogue=_catalogue(request), stored=s.organisation.get(),
                    chosen=chosen, problems=problems, saved=False)
    await run_in_threadpool(s.organisation.put, organisation, user or "匿名")
    return RedirectResponse("/settings?saved=1", 303)


# ---------------------------------------------------------------- generating
@router.get("/generate", dependencies=protected)
def generate_page(request: Request) -> HTMLResponse:
    return _generate_form(request, None, {})


@router.post("/generate", dependencies=protected)
async def generate_form(request: Request) -> Response:
    """Fields named as GenerateRequest's (parameters as p:<name>); problems come back next to each."""
    form = await request.form()
    given = _chosen(form)
    given["parameters"] = {name: value.strip() for name, value in given.pop("values").items()}
    try:
        body = GenerateRequest.parse({name: value for name, value in given.items() if value != ""})
        data, filename, media_type = await run_in_threadpool(generate_file, body, services(request).standard)
    except InvalidRequest as exc:
        return _generate_form(request, form, ServiceError.invalid(exc.errors).fields, status=422)
    return Response(data, media_type=media_type, headers=attachment(filename))


def _chosen(form: FormData) -> dict[str, Any]:
    """What the generate form says, in GenerateRequest's terms (``values``: the parameters typed)."""
    texts = {k: v for k, v in form.items() if isinstance(v, str)}
    return {
        "pair": texts.get("pair", ""), "extra_roles": form.getlist("extra_roles"), "options": form.getlist("options"),
        "kind": texts.get("kind", ""), "format": texts.get("format", ""),
        "values": {k[len("p:"):]: v for k, v in texts.items() if k.startswith("p:")},
    }


def _generate_form(request: Request, form: FormData | None, problems: dict[str, str],
                   status: int = 200) -> HTMLResponse:
    groups: dict[str, list] = {}
    for spec in services(request).standard.parameters:
        groups.setdefault(spec.group, []).append(spec)
    defaults = GenerateRequest()
    chosen = _chosen(form or FormData())
    chosen["kind"], chosen["format"] = chosen["kind"] or defaults.kind, chosen["format"] or defaults.format
    return page(request, "generate.html", status, catalogue=_catalogue(request), groups=groups,
                chosen=chosen, problems=problems)


# ---------------------------------------------------------------- API documentation
@router.get("/api/docs", dependencies=protected)
def api_docs(request: Request) -> HTMLResponse:
    """The OpenAPI description as a page of our own (Swagger UI would load from a CDN)."""
    return page(request, "api_docs.html", operations=operations(request.app.openapi()))


# ---------------------------------------------------------------- signing in
@router.get("/login")
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    return page(request, "login.html", next=_local(next), failed=False)


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    cookie = services(request).access.login(str(form.get("token", "")))
    target = _local(str(form.get("next", "/")))
    if cookie is None:
        return page(request, "login.html", 401, next=target, failed=True)
    response = RedirectResponse(target, 303)
    response.set_cookie(SESSION_COOKIE, cookie, httponly=True, samesite="strict", max_age=12 * 3600)
    return response


@router.post("/logout")
def logout() -> Response:
    response = RedirectResponse("/login", 303)
    response.delete_cookie(SESSION_COOKIE)
    return response


def _local(target: str) -> str:
    """Only paths on this site (no //host or scheme): the login form must not redirect elsewhere."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"
