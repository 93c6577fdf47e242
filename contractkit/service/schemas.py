"""The shapes the JSON API answers with, so its OpenAPI description documents them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from contractkit.api import DEFAULT_ROLE


class ErrorDetail(BaseModel):
    code: str = Field(
        description="稳定的错误代码，如 not-found、too-large、bad-upload、invalid-request、invalid-parameters")
    message: str = Field(description="给用户看的说明（中文）")
    fields: list[dict[str, str]] | None = Field(default=None, description="请求有误时，逐字段的问题（field、message）")


class RequestErrorDetail(BaseModel):
    code: str = Field(description="该问题的稳定代码，如 unknown-option、unknown-role、parameter-range、missing")
    field: str = Field(description="出错的字段，如 options、as_role、parameters.critical_fix_days、roles.甲方")
    message: str = Field(description="给用户看的说明（中文）")


class ErrorResponse(BaseModel):
    error: ErrorDetail
    errors: list[RequestErrorDetail] | None = Field(default=None, description="请求有误时，逐项列出的全部问题")


class Health(BaseModel):
    status: str
    version: str
    database: str = Field(description="sqlite 或 postgresql")
    workers: int


class Counts(BaseModel):
    satisfied: int
    partial: int
    missing: int
    contrary: int


class DocumentSummary(BaseModel):
    id: str
    name: str = Field(description="上传时的文件名（压缩包内文件为“压缩包名/内部路径”），仅作显示")
    size: int
    sha256: str
    status: str = Field(
        description="queued（排队或检查中）、done（已检查）、roles-unknown（未能确定各方角色，未作审查："
        "请用 recheck 给出各方角色后重新检查）、error（无法检查）"
    )
    summary: Counts
    must_problems: int = Field(description="缺失或相反的“应”级要求数")
    pairs: list[str]
    parties: list[dict[str, Any]]
    error: ErrorDetail | None = None
    roles_given: dict[str, list[str]] | None = Field(description="审查人指定的角色；null 表示自动推断")
    seconds: float | None
    checked_at: str | None
    stale: bool = Field(default=False, description="正在重新检查：summary、pairs 等仍是上次的结果，已过时")
    duplicate_of: str | None = Field(
        default=None, description="内容完全相同的较早文件的 id（本次上传中，或近期另一次审查中），否则为 null")


class Totals(Counts):
    must_problems: int
    documents: int
    finished: int
    errors: int
    roles_unknown: int = Field(description="未能确定各方角色、因而未作审查的文件数（不计入已检查，也不计入无法检查）")


class OrganisationValue(BaseModel):
    """Whose side we are on: our organisation's names and the role it holds."""

    names: list[str] = Field(description="我方名称：全称在前，其后为简称，如 [\"华云数智科技有限公司\", \"华云\"]")
    role: str = Field(default=DEFAULT_ROLE, description="我方角色（角色 id，见 GET /api/catalogue）")


class OrganisationSettings(OrganisationValue):
    """The team's organisation settings (组织设置); no names: none stored."""

    updated_at: str | None = Field(default=None, description="最后修改时间")
    updated_by: str | None = Field(default=None, description="最后修改人")


class PlaybookValue(BaseModel):
    name: str = Field(description="立场手册名称")
    file: str = Field(description="文件名")


class ReviewSummary(BaseModel):
    id: str
    created_at: str
    uploader: str
    title: str
    options: list[str]
    organisation: OrganisationValue | None = Field(
        default=None, description="本次审查使用的我方名称与角色；null 表示未使用，各方角色仅凭合同推断",
    )
    finished: bool
    totals: Totals
    notes: list[str] = Field(default_factory=list, description="给用户的说明，如本次上传中内容相同的文件")
    playbook: PlaybookValue | None = Field(default=None, description="本次审查对照的立场手册；null 表示未使用")


class Review(ReviewSummary):
    documents: list[DocumentSummary]


class ReviewList(BaseModel):
    total: int
    reviews: list[ReviewSummary]


class DocumentDetail(DocumentSummary):
    review_id: str
    report: dict[str, Any] | None = Field(description="contractkit.check/1 格式的单个文件报告（documents[] 的一项）")


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": description}
    for status, description in {
        401: "需要登录", 403: "跨站请求被拒绝", 404: "没有该记录", 409: "结果尚未就绪或不适用",
        413: "上传过大或文件过多", 422: "请求有误", 507: "无法保存上传的文件",
    }.items()
}
