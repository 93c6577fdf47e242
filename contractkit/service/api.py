"""The JSON API under /api (documented at /api/docs and /api/openapi.json)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field

from contractkit import __version__
from contractkit.api import GenerateRequest, InvalidRequest, RoleAssignments, writer_for

from . import actions
from .core import ServiceError
from .database import iso
from .dependencies import SignedIn, current_user, deletable_review, document_or_404, review_or_404, services
from .downloads import attachment, file_response, finished_reports, report_response, stem
from .generating import generate_file
from .history import ReviewRecord
from .organisation import SETTINGS_FIELDS, StoredOrganisation, organisation_from
from .schemas import (
    ERRORS,
    DocumentDetail,
    DocumentSummary,
    Health,
    OrganisationSettings,
    OrganisationValue,
    Review,
    ReviewList,
)
from .storage import UploadError

router = APIRouter(prefix="/api", dependencies=[Depends(current_user)], responses=ERRORS)
# What a load balancer or a monitor probes: it answers without signing in, and says nothing of anyone's work.
public_router = APIRouter(prefix="/api", responses=ERRORS)

Report = dict[str, Any]  # a DocumentReport as in the contractkit.check/1 JSON Schema


class Rename(BaseModel):
    title: str = Field(min_length=1, max_length=200, description="审查名称")


class Recheck(BaseModel):
    roles: RoleAssignments | None = Field(
        default=None,
        description="当事人标签 → 角色，如 {\"甲方\": [\"provider\"], \"乙方\": [\"om\"]}；null 表示重新推断",
    )


@public_router.get("/health", summary="服务状态（无须登录）")
def health(request: Request) -> Health:
    s = services(request)
    return Health(status="ok", version=__version__, database=s.database, workers=s.settings.pool.workers)


@router.get("/catalogue", summary="当事人组合、角色与可选要求")
def catalogue(request: Request) -> dict:
    standard = services(request).standard
    c = standard.catalogue
    return {
        "standard": standard.code,
        "pairs": [{"id": p.id, "name": p.name, "roles": list(p.roles)} for p in c.pairs],
        "roles": [r.model_dump() for r in c.roles],
        "options": [{"id": o.id, "name": o.name, "description": o.description} for o in c.conditions],
    }


@router.get("/playbooks", summary="可选的立场手册（serve --playbooks-dir 中的有效文件）")
def playbooks(request: Request) -> list[dict]:
    library = services(request).playbooks
    return [{"file": file, "name": chosen.name} for file, chosen in (library.choices if library else {}).items()]


@router.get("/parameters", summary="生成协议可用的参数及其校验规则")
def parameters(request: Request) -> list[dict]:
    return [spec.model_dump() for spec in services(request).standard.parameters]


@router.post(
    "/generate",
    summary="生成协议或条款附件",
    responses={200: {"content": {"application/octet-stream": {}}, "description": "生成的文件"},
               422: {"description": "请求有误：errors 逐项列出（code、field、message）"}},
)
async def generate(body: GenerateRequest, request: Request) -> Response:
    try:
        data, filename, media_type = await run_in_threadpool(generate_file, body, services(request).standard)
    except InvalidRequest as exc:
        raise ServiceError.invalid(exc.errors, "invalid-parameters") from None
    return Response(data, media_type=media_type, headers=attachment(filename))


@router.post("/reviews", status_code=201, summary="上传合同并开始审查")
async def create_review(
    request: Request,
    user: SignedIn,
    files: Annotated[list[UploadFile], File(description="合同文件（.docx/.pdf/.txt/.md），或一个文件夹的 .zip")],
    uploader: Annotated[str, Form(max_length=100, description="上传人（启用登录时取登录用户名）")] = "",
    options: Annotated[list[str], Form(description="cii、multi-cloud")] = [],  # noqa: B006 (FastAPI copies it)
    wait: Annotated[bool, Query(description="等全部文件检查完再返回")] = False,
    as_names: Annotated[str | None, Form(description=(
        "我方名称（全称、简称），每行一个或以逗号分隔：该方取我方角色，对方角色由合同内容推断。"
        "不传时使用组织设置；传空值表示不使用我方名称，仅凭合同推断"))] = None,
    as_role: Annotated[str | None, Form(
        description="我方角色（角色 id，如 provider、om），默认取组织设置，否则 provider")] = None,
    title: Annotated[str, Form(max_length=200, description="审查名称（默认由文件名得出）")] = "",
    playbook: Annotated[str, Form(max_length=200, description=(
        "立场手册：服务端立场手册文件夹（serve --playbooks-dir）中的文件名，见 GET /api/playbooks"))] = "",
    playbook_file: Annotated[UploadFile | None, File(description="或者上传一个立场手册（YAML）")] = None,
) -> Review:
    review = await actions.start_review(
        request, files, uploader=uploader, options=options, user=user, as_names=as_names, as_role=as_role,
        title=title, playbook=playbook, playbook_file=playbook_file,
    )
    if wait:
        s = services(request)
        # A file the service stopped before checking stays queued (its future fails): not an error here.
        await asyncio.gather(*(asyncio.wrap_future(f) for f in s.reviews.pending_futures(review)),
                             return_exceptions=True)
        await asyncio.sleep(0)  # let the result callbacks finish writing
        # Off the event loop: reading the review back parses each document's stored report.
        finished = await run_in_threadpool(s.history.review, review.id)
        if finished is None:  # deleted while we waited
            raise ServiceError(404, "not-found", f"没有找到审查记录 {review.id}（可能已被删除）")
        return await run_in_threadpool(_review, finished)
    return _review(review)


@router.get("/settings/organisation", summary="组织设置：我方名称与角色")
def get_organisation(request: Request) -> OrganisationSettings:
    return _settings_out(services(request).organisation.get())


@router.put("/settings/organisation", summary="修改组织设置（names 为空表示清除）")
def put_organisation(
    request: Request, body: OrganisationValue, user: SignedIn
) -> OrganisationSettings:
    if not user.admin:
        raise ServiceError(403, "forbidden", "只有管理员可以修改组织设置")
    try:
        organisation = organisation_from(body.names, body.role)
    except InvalidRequest as exc:
        raise ServiceError.invalid(exc.errors, "invalid-organisation", SETTINGS_FIELDS) from None
    return _settings_out(services(request).organisation.put(organisation, user.name or "匿名"))


def _settings_out(stored: StoredOrganisation) -> OrganisationSettings:
    return OrganisationSettings(
        names=stored.names, role=stored.role, updated_at=iso(stored.updated_at), updated_by=stored.updated_by,
    )


@router.get("/reviews", summary="审查历史（最新在前）")
def list_reviews(
    request: Request,
    user: SignedIn,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> ReviewList:
    """With named users, each sees their own reviews (a team or admin role: everyone's)."""
    records, total = services(request).history.reviews(limit, offset, user.name, user.sees_all)
    return ReviewList(total=total, reviews=[r.summary() for r in records])


MAX_OFFSET = 10**9  # far past any history, far below what a database integer holds


@router.get("/reviews/{review_id}", summary="一次审查及其各文件的状态")
def get_review(request: Request, review_id: str) -> Review:
    return _review(review_or_404(request, review_id))


@router.patch("/reviews/{review_id}", summary="修改审查名称")
def rename_review(request: Request, review_id: str, body: Rename) -> Review:
    deletable_review(request, review_id)
    services(request).history.rename(review_id, body.title.strip() or "未命名审查")
    return _review(review_or_404(request, review_id))


@router.delete("/reviews/{review_id}", status_code=204, summary="删除审查记录及其存储的文件（上传人或管理员）")
def delete_review(request: Request, review_id: str) -> Response:
    deletable_review(request, review_id)
    services(request).reviews.delete(review_id)
    return Response(status_code=204)


@router.get("/reviews/{review_id}/report.{fmt}",
            summary="整次审查的报告（json、jsonl、html、csv、xlsx）；检查未完成时，报告首行注明已完成的份数")
def review_report(request: Request, review_id: str, fmt: str) -> Response:
    review = review_or_404(request, review_id)
    return _report(request, finished_reports(review.documents), fmt, review.title, review, len(review.documents))


def _report(request: Request, reports, fmt: str, name: str, review: ReviewRecord, total: int) -> Response:
    catalogue = services(request).standard.catalogue
    return report_response(
        reports, fmt, stem(name), review.options, review.organisation, total=total,
        option_names={o.id: o.name for o in catalogue.conditions}, role_names={r.id: r.name for r in catalogue.roles},
        playbook=review.playbook.playbook.summary() if review.playbook else None,
    )


@router.get("/documents/{document_id}", summary="一个文件的完整检查结果")
def get_document(request: Request, document_id: str) -> DocumentDetail:
    document = document_or_404(request, document_id)
    report = document.report()
    return DocumentDetail(
        **document.summary(), review_id=document.review_id, report=report.as_dict() if report else None
    )


@router.post("/documents/{document_id}/recheck", status_code=202, summary="按更正的角色重新检查")
def recheck(request: Request, document_id: str, body: Recheck) -> DocumentSummary:
    document_or_404(request, document_id)
    return DocumentSummary(**actions.recheck(services(request), document_id, body.roles).summary())


@router.get("/documents/{document_id}/report.{fmt}", summary="一个文件的报告（json、jsonl、html、csv、xlsx）")
def document_report(request: Request, document_id: str, fmt: str) -> Response:
    document = document_or_404(request, document_id)
    review = review_or_404(request, document.review_id)
    return _report(request, finished_reports([document]), fmt, document.original_name, review, 1)


@router.get("/documents/{document_id}/annotated.docx", summary="带批注和修订建议的合同副本")
def annotated(request: Request, document_id: str) -> Response:
    document = document_or_404(request, document_id)
    try:
        path = services(request).reviews.annotated_docx(document)
    except UploadError as exc:
        raise ServiceError(exc.status, "not-annotatable", exc.message) from None
    return file_response(path, f"{stem(document.original_name)}.批注版.docx", writer_for("docx").media_type)


@router.get("/documents/{document_id}/original", summary="上传的原文件")
def original(request: Request, document_id: str) -> Response:
    document = document_or_404(request, document_id)
    name = document.original_name.rsplit("/", 1)[-1]
    return file_response(services(request).reviews.original_path(document), name, "application/octet-stream")


def _review(review: ReviewRecord) -> Review:
    return Review(**review.summary(), documents=[d.summary() for d in review.documents])
