"""The HTML pages (Chinese), rendered with the project's Jinja2; the browser scripts only enhance them."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
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
from .dependencies import SignedIn, caller_of, current_user, deletable_review, document_or_404, review_or_404, services
from .downloads import attachment
from .generating import generate_file
from .highlight import highlighted_blocks
from .organisation import SETTINGS_FIELDS, organisation_from
from .security import NOBODY, SESSION_COOKIE, TooManyAttempts
from .wording import clause_parts

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


def page(request: Request, template: str, status: int = 200, headers=None, *, signed_in: bool = True,
         **context) -> HTMLResponse:
    """``signed_in``: the page is one a signed-in user sees (with the menu); the login page is not."""
    settings = request.app.state.settings
    caller = getattr(request.state, "caller", None) if signed_in else None
    html = _env.get_template(template).render(
        request=request, path=request.url.path, auth=settings.auth.enabled, caller=caller or NOBODY,
        menu=signed_in and (caller is not None or not settings.auth.enabled), **context
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
    caller = caller_of(request)
    recent, _ = s.history.reviews(5, 0, caller.name, caller.sees_all)
    stored = s.organisation.get()
    chosen = chosen or {"as_names": "\n".join(stored.names), "as_role": stored.role}
    playbooks = s.playbooks.choices if s.playbooks else {}
    return page(request, "upload.html", status, catalogue=_catalogue(request), recent=recent, limits=s.settings,
                chosen=chosen, problems=problems or {}, playbooks=playbooks)


@router.post("/reviews")
async def upload_form(
    request: Request,
    user: SignedIn,
    files: Annotated[list[UploadFile], File()],
    uploader: Annotated[str, Form(max_length=100)] = "",
    options: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies it)
    as_names: Annotated[str | None, Form()] = None,
    as_role: Annotated[str | None, Form()] = None,
    title: Annotated[str, Form(max_length=200)] = "",
    playbook: Annotated[str, Form(max_length=200)] = "",
    playbook_file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """The form's own target when scripts are off; the page's script posts to /api/reviews."""
    try:
        review = await actions.start_review(
            request, files, uploader=uploader, options=options, user=user, as_names=as_names, as_role=as_role,
            title=title, playbook=playbook, playbook_file=playbook_file,
        )
    except ServiceError as exc:
        if not exc.errors:
            raise
        chosen = {"as_names": as_names or "", "as_role": as_role or "", "playbook": playbook}
        return _upload_page(request, chosen, exc.fields, status=exc.status)
    return RedirectResponse(f"/reviews/{review.id}", 303)


MAX_PAGE = 10**6  # far past any history; larger is refused (422), never a database overflow (500)


@router.get("/reviews", dependencies=protected)
def history_page(request: Request, page_number: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1) -> HTMLResponse:
    size = 25
    caller = caller_of(request)
    records, total = services(request).history.reviews(size, (page_number - 1) * size, caller.name, caller.sees_all)
    pages = max(1, -(-total // size))
    return page(request, "history.html", reviews=records, total=total, page_number=page_number, pages=pages)


@router.get("/reviews/{review_id}", dependencies=protected)
def review_page(request: Request, review_id: str) -> HTMLResponse:
    return page(request, "review.html", **_review_context(request, review_id))


@router.get("/reviews/{review_id}/live", dependencies=protected)
def review_live(request: Request, review_id: str) -> HTMLResponse:
    """The review's progress, totals and table of documents, for the page's script to put in place while the
    batch runs: the rows as the page itself shows them, each as soon as its file is checked."""
    return page(request, "review_live.html", **_review_context(request, review_id))


def _review_context(request: Request, review_id: str) -> dict[str, Any]:
    review = review_or_404(request, review_id)
    history = services(request).history
    earlier = {}
    for d in review.documents:
        if d.duplicate_of:
            found = history.document(d.duplicate_of)
            exists, owner = history.owner(found.review_id) if found else (False, None)
            if found and exists and caller_of(request).owns(owner):
                earlier[d.id] = (found, history.review_title(found.review_id))
    uploaded_before = sum(found.review_id != review.id for found, _ in earlier.values())
    return {"review": review, "catalogue": _catalogue(request), "earlier": earlier, "uploaded_before": uploaded_before,
            "may_delete": caller_of(request).may_delete(review.owner)}


@router.post("/reviews/{review_id}/delete", dependencies=protected)
def delete_form(request: Request, review_id: str) -> Response:
    deletable_review(request, review_id)
    services(request).reviews.delete(review_id)
    return RedirectResponse("/reviews", 303)


@router.post("/reviews/{review_id}/rename", dependencies=protected)
async def rename_form(request: Request, review_id: str) -> Response:
    deletable_review(request, review_id)
    title = actions.clean_text(str((await request.form()).get("title", "")), 200)
    if title:
        await run_in_threadpool(services(request).history.rename, review_id, title)
    return RedirectResponse(f"/reviews/{review_id}", 303)


@router.get("/documents/{document_id}", dependencies=protected)
def document_page(request: Request, document_id: str, problem: str | None = None) -> HTMLResponse:
    document = document_or_404(request, document_id)
    review = review_or_404(request, document.review_id)
    report = document.report()
    read = report is not None and report.status in (OK, ROLES_UNKNOWN)  # the text helps choose the roles
    blocks = services(request).reviews.text_blocks(document) if read else ()
    findings = report.findings if report else ()
    clauses = sorted({part for f in findings for part in clause_parts(f.clause)}, key=_clause_key)
    return page(
        request, "document.html", document=document, review=review, report=report,
        findings=findings, clauses=clauses, text=highlighted_blocks(blocks, findings),
        catalogue=_catalogue(request), roles_problem=ROLE_PROBLEMS.get(problem or ""), clause_parts=clause_parts,
        position_zh=POSITION_ZH, position_colour=POSITION_COLOUR, position_action=POSITION_ACTION,
    )


# A playbook position's status in words, the finding colour it is closest to, what a redline does.
POSITION_ZH = {"walk-away": "底线以外", "deviates": "偏离", "not-found": "未约定", "acceptable": "可接受",
               "meets": "符合"}
POSITION_COLOUR = {"walk-away": "contrary", "deviates": "contrary", "not-found": "missing", "acceptable": "partial",
                   "meets": "satisfied"}
POSITION_ACTION = {"replace-value": "修改数值", "replace-clause": "替换原条款", "insert": "补充条款",
                   "comment": "仅批注", "none": "无需修改"}


# Messages the roles form shows after a redirect (?problem=…), so a slip keeps the page.
ROLE_PROBLEMS = {"no-roles": "请至少为一方选择角色，或选择“重新自动推断”。"}


@router.post("/documents/{document_id}/recheck", dependencies=protected)
async def recheck_form(request: Request, document_id: str) -> Response:
    """Roles from the form: fields named role:<party label> with role ids; 'infer' clears them; 'again'
    checks the file again as it was (a file that failed, after the cause is fixed)."""
    document = document_or_404(request, document_id)
    form = await request.form()
    roles: Any = None
    if form.get("mode") == "again":
        roles = document.roles
    elif form.get("mode") != "infer":
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
    back = str(form.get("back", ""))
    return RedirectResponse(back if back.startswith("/reviews/") and _local(back) == back else
                            f"/documents/{document_id}", 303)


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
async def settings_form(request: Request, user: SignedIn) -> Response:
    """Names one per line (or separated by commas) and the role; no names clears the setting."""
    if not user.admin:
        raise ServiceError(403, "forbidden", "只有管理员可以修改组织设置")
    form = await request.form()
    chosen = {"names": str(form.get("names", "")), "role": str(form.get("role", ""))}
    s = services(request)
    try:
        organisation = organisation_from(chosen["names"], chosen["role"])
    except InvalidRequest as exc:
        problems = ServiceError.invalid(exc.errors, names=SETTINGS_FIELDS).fields
        return page(request, "settings.html", 422, catalogue=_catalogue(request), stored=s.organisation.get(),
                    chosen=chosen, problems=problems, saved=False)
    await run_in_threadpool(s.organisation.put, organisation, user.name or "匿名")
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
def login_page(request: Request, next: str = "/") -> Response:
    if not request.app.state.settings.auth.enabled:  # nothing to sign in to
        return RedirectResponse(_local(next), 303)
    return _login(request, _local(next))


def _login(request: Request, target: str, status: int = 200, problem: str = "", name: str = "",
           headers=None) -> HTMLResponse:
    auth = request.app.state.settings.auth
    return page(request, "login.html", status, headers, signed_in=False, next=target, problem=problem, name=name,
                users=bool(auth.users), token=bool(auth.token))


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    name = actions.clean_text(str(form.get("name", "")), 100)
    secret = str(form.get("password", "") or form.get("token", ""))
    target = _local(str(form.get("next", "/")))
    access = services(request).access
    try:
        session = await run_in_threadpool(access.login, request, name, secret)
    except TooManyAttempts as exc:
        return _login(request, target, 429, exc.message, name, {"Retry-After": str(exc.retry_after)})
    if session is None:
        wrong = "用户名或密码不正确" if name or not access.settings.token else "访问令牌不正确"
        return _login(request, target, 401, wrong, name)
    response = RedirectResponse(target, 303)
    response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="strict", path="/",
                        secure=request.url.scheme == "https", max_age=int(access.settings.session_hours * 3600))
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    """Ends this login's session on the server (the cookie alone no longer lets anyone in)."""
    await run_in_threadpool(services(request).access.logout, request)
    response = RedirectResponse("/login", 303)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=request.url.scheme == "https", httponly=True,
                           samesite="strict")
    return response


def _local(target: str) -> str:
    """Only paths on this site (no //host or scheme): the login form must not redirect elsewhere."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"
