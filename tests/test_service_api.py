"""The review service's JSON API, every endpoint and every bad input, through FastAPI's test client."""

from __future__ import annotations

import io
import zipfile

import jsonschema
import pytest
from docx import Document

from contractkit.formatters.json_formatter import report_schema
from contractkit.service.storage import display_name

from reading_fixtures import cfb_bytes
from service_support import running, sample, settings_for, upload, zip_of

GOV = "gov-cloud-service.docx"  # customer–provider; some items missing
OM = "om-platform-maintenance.docx"


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("service")
    with running(settings_for(data_dir, max_files=5, max_upload_mb=2)) as client:
        client.data_dir = data_dir
        yield client


@pytest.fixture(scope="module")
def checked(service):
    """One review of a Word contract, checked to the end."""
    response = upload(service, [(GOV, sample(GOV))], uploader="法务部 张三")
    assert response.status_code == 201, response.text
    return response.json()


# ---------------------------------------------------------------- reading the catalogue
def test_health_catalogue_and_parameters(service):
    assert service.get("/api/health").json()["status"] == "ok"
    catalogue = service.get("/api/catalogue").json()
    assert {"provider-om", "customer-provider"} <= {p["id"] for p in catalogue["pairs"]}
    assert {o["id"] for o in catalogue["options"]} == {"cii", "multi-cloud"}
    parameters = {p["name"]: p for p in service.get("/api/parameters").json()}
    assert parameters["subcontract_max_layers"]["max"] == 2


def test_openapi_documents_every_api_route(service):
    schema = service.get("/api/openapi.json").json()
    paths = set(schema["paths"])
    assert {
        "/api/reviews", "/api/reviews/{review_id}", "/api/reviews/{review_id}/report.{fmt}",
        "/api/documents/{document_id}", "/api/documents/{document_id}/recheck",
        "/api/documents/{document_id}/annotated.docx", "/api/documents/{document_id}/original",
        "/api/generate", "/api/catalogue", "/api/parameters", "/api/health",
    } <= paths
    assert not any(p.startswith("/documents") or p == "/" for p in paths)  # pages are not API
    assert {"HTTPBearer", "HTTPBasic"} <= set(schema["components"]["securitySchemes"])
    assert service.get("/api/docs").status_code == 200


# ---------------------------------------------------------------- one review
def test_upload_checks_the_contract_and_records_who_and_what(checked):
    assert checked["uploader"] == "法务部 张三"
    assert checked["finished"] and checked["title"] == GOV
    (document,) = checked["documents"]
    assert document["status"] == "done" and document["name"] == GOV
    assert document["pairs"] == ["customer-provider"]
    assert document["summary"]["missing"] >= 1


def test_document_report_is_the_check_report_schema(service, checked):
    document_id = checked["documents"][0]["id"]
    body = service.get(f"/api/documents/{document_id}").json()
    assert body["report"]["path"] == GOV  # the user's name, never the storage path
    missing = [r for r in body["report"]["results"] if r["status"] == "missing"]
    assert missing and all(r["suggestion"] for r in missing)
    report = service.get(f"/api/documents/{document_id}/report.json")
    assert report.headers["content-type"].startswith("application/json")
    jsonschema.validate(report.json(), report_schema())


@pytest.mark.parametrize("fmt, media", [
    ("html", "text/html"), ("csv", "text/csv"), ("xlsx", "application/vnd.openxml"),
])
def test_reports_download_in_each_format(service, checked, fmt, media):
    document_id = checked["documents"][0]["id"]
    for url in (f"/api/reviews/{checked['id']}/report.{fmt}", f"/api/documents/{document_id}/report.{fmt}"):
        response = service.get(url)
        assert response.status_code == 200 and response.headers["content-type"].startswith(media)
        assert "attachment" in response.headers["content-disposition"]
        assert "filename*=UTF-8''" in response.headers["content-disposition"]


def test_unknown_report_format_is_404(service, checked):
    response = service.get(f"/api/reviews/{checked['id']}/report.terminal")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not-found"


def test_annotated_copy_has_comments_and_tracked_insertions(service, checked):
    response = service.get(f"/api/documents/{checked['documents'][0]['id']}/annotated.docx")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert b"<w:ins " in archive.read("word/document.xml")
    assert len(list(Document(io.BytesIO(response.content)).comments)) >= 1


def test_original_comes_back_unchanged(service, checked):
    response = service.get(f"/api/documents/{checked['documents'][0]['id']}/original")
    assert response.content == sample(GOV)


def test_stored_under_generated_names_only(service, checked):
    stored = [p for p in (service.data_dir / "uploads").rglob("*") if p.is_file()]
    assert stored and not any(GOV in p.name for p in stored)


def test_recheck_with_the_reviewers_roles(service):
    review = upload(service, [(OM, sample(OM))]).json()
    document_id = review["documents"][0]["id"]
    labels = [p["label"] for p in review["documents"][0]["parties"]]
    roles = {labels[0]: ["provider"], labels[1]: ["om", "security"]}
    response = service.post(f"/api/documents/{document_id}/recheck", json={"roles": roles})
    assert response.status_code == 202 and response.json()["status"] == "queued"
    body = _wait_for(service, document_id)
    assert set(body["pairs"]) == {"provider-om", "provider-security"}
    assert {p["label"]: p["source"] for p in body["parties"]}[labels[1]] == "given"
    assert body["roles_given"] == roles
    # back to inference
    service.post(f"/api/documents/{document_id}/recheck", json={"roles": None})
    assert _wait_for(service, document_id)["roles_given"] is None


@pytest.mark.parametrize("body, fragment", [
    ({"roles": {"甲方": ["landlord"]}}, "landlord"),
    ({"roles": {"甲方": "provider"}}, "roles"),
    ({"roles": ["provider"]}, "roles"),
])
def test_recheck_refuses_bad_roles(service, checked, body, fragment):
    response = service.post(f"/api/documents/{checked['documents'][0]['id']}/recheck", json=body)
    assert response.status_code == 422 and fragment in response.text


def _wait_for(client, document_id, seconds=60):
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = client.get(f"/api/documents/{document_id}").json()
        if body["status"] != "queued":
            return body
        time.sleep(0.2)
    raise AssertionError("document not checked in time")


# ---------------------------------------------------------------- batches and archives
def test_zip_of_a_folder_is_unpacked_by_content_and_names_are_only_labels(service, tmp_path):
    archive = zip_of({
        "合同/甲.docx": sample(GOV),
        "合同/子目录/乙.md": sample("saas-click-through.md"),
        "../../逃逸.txt": sample("it-outsourcing-generic.txt"),
        "__MACOSX/合同/._甲.docx": b"junk",
        "合同/照片.png": b"\x89PNG\r\n\x1a\n",
        "合同/~$临时.docx": b"lock file",
    })
    review = upload(service, [("一批合同.zip", archive)]).json()
    names = [d["name"] for d in review["documents"]]
    assert names == ["一批合同.zip/合同/子目录/乙.md", "一批合同.zip/合同/甲.docx", "一批合同.zip/逃逸.txt"]
    assert all(d["status"] == "done" for d in review["documents"])
    assert not list(service.data_dir.parent.glob("逃逸*")) and not list(service.data_dir.glob("逃逸*"))


def test_a_docx_is_never_mistaken_for_a_folder_zip(service):
    review = upload(service, [("contract.zip", sample(GOV))]).json()
    assert [d["status"] for d in review["documents"]] == ["done"]


def test_each_broken_file_is_its_own_error_and_the_batch_finishes(service):
    files = [
        ("empty.docx", b""),
        ("photo.docx", b"\x89PNG\r\n\x1a\n" + b"\0" * 64),
        ("truncated.docx", sample(GOV)[:2000]),
        ("legacy.doc", cfb_bytes({"WordDocument": b"\0" * 600, "1Table": b"\0" * 600})),
        (GOV, sample(GOV)),
    ]
    review = upload(service, files).json()
    by_name = {d["name"]: d for d in review["documents"]}
    assert by_name[GOV]["status"] == "done"
    codes = {name: d["error"]["code"] for name, d in by_name.items() if d["status"] == "error"}
    assert codes == {"empty.docx": "empty", "photo.docx": "unsupported", "truncated.docx": "corrupt",
                     "legacy.doc": "legacy-doc"}
    for name, d in by_name.items():
        if d["error"]:
            assert d["error"]["message"].startswith(name) and "uploads" not in d["error"]["message"]
    assert review["totals"]["errors"] == 4


def test_annotating_a_failed_or_non_word_document_is_refused(service):
    review = upload(service, [("empty.docx", b""), ("contract.md", sample("saas-click-through.md"))]).json()
    for document in review["documents"]:
        response = service.get(f"/api/documents/{document['id']}/annotated.docx")
        assert response.status_code == 409 and "docx" in response.json()["error"]["message"]


@pytest.mark.parametrize("files, status, code", [
    ([("a.docx", b"x")] * 6, 413, "too-many-files"),
    ([("many.zip", zip_of({f"{i}.txt": b"x" for i in range(6)}))], 413, "bad-upload"),
    ([("nothing.zip", zip_of({"readme.png": b"x"}))], 400, "bad-upload"),
    ([("locked.zip", b"PK\x03\x04" + b"\0" * 30)], 201, None),  # a damaged zip is a document the reader explains
])
def test_upload_limits_on_files(service, files, status, code):
    response = upload(service, files)
    assert response.status_code == status, response.text
    if code:
        assert response.json()["error"]["code"] == code and response.json()["error"]["message"]


def test_a_zip_bomb_is_refused_before_it_is_inflated(service):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.txt", b"0" * (120 * 1024 * 1024))
    response = upload(service, [("bomb.zip", bomb.getvalue())])
    message = response.json()["error"]["message"]
    assert response.status_code == 400 and "解压后大小异常" in message and "zip-bomb" not in message


def test_an_upload_over_the_size_limit_is_refused(service):
    response = upload(service, [("big.txt", b"x" * (3 * 1024 * 1024))])
    assert response.status_code == 413 and response.json()["error"]["code"] == "too-large"


def test_a_streamed_upload_over_the_limit_is_refused_while_counting(service):
    def chunks():
        yield b'--zz\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n\r\n'
        for _ in range(40):
            yield b"x" * (100 * 1024)

    response = service.post(
        "/api/reviews", content=chunks(), headers={"content-type": "multipart/form-data; boundary=zz"}
    )
    assert response.status_code == 413


@pytest.mark.parametrize("request_kwargs", [
    {"data": {"uploader": "x"}},  # no files
    {"files": [("files", ("a.txt", b"x"))], "data": {"options": "moon-base"}},
])
def test_bad_upload_requests_are_422(service, request_kwargs):
    response = service.post("/api/reviews", **request_kwargs)
    assert response.status_code == 422 and response.json()["error"]["message"]


def test_cross_site_posts_are_refused(service):
    response = service.post(
        "/api/reviews", files=[("files", ("a.txt", b"x"))], headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403 and response.json()["error"]["code"] == "cross-site"


def test_display_names_are_sanitised():
    assert display_name("../../etc/passwd") == "etc/passwd"
    assert display_name("C:\\Users\\合同.docx") == "C:/Users/合同.docx"
    assert display_name("a\x00b\u202e.docx") == "ab.docx"
    assert display_name("") == "未命名文件"
    assert len(display_name("长" * 1000)) == 255


# ---------------------------------------------------------------- history
def test_history_lists_newest_first_and_pages(service, checked):
    listing = service.get("/api/reviews", params={"limit": 2}).json()
    assert listing["total"] >= 2 and len(listing["reviews"]) == 2
    created = [r["created_at"] for r in listing["reviews"]]
    assert created == sorted(created, reverse=True)
    assert service.get("/api/reviews", params={"limit": 0}).status_code == 422


def test_delete_removes_the_record_and_the_stored_files(service):
    review = upload(service, [(GOV, sample(GOV))]).json()
    folder = service.data_dir / "uploads" / review["id"]
    service.get(f"/api/documents/{review['documents'][0]['id']}/annotated.docx")  # a derived file too
    assert folder.is_dir()
    assert service.delete(f"/api/reviews/{review['id']}").status_code == 204
    assert not folder.exists()
    assert service.get(f"/api/reviews/{review['id']}").status_code == 404
    assert service.get(f"/api/documents/{review['documents'][0]['id']}").status_code == 404
    assert service.delete(f"/api/reviews/{review['id']}").status_code == 404


@pytest.mark.parametrize("url", [
    "/api/reviews/0123456789abcdef0123456789abcdef", "/api/reviews/../../etc/passwd",
    "/api/documents/not-an-id", "/api/documents/0123456789abcdef0123456789abcdef/original",
])
def test_unknown_ids_are_404(service, url):
    response = service.get(url)
    assert response.status_code == 404 and "error" in response.json()


# ---------------------------------------------------------------- generating
def test_generate_an_agreement(service):
    response = service.post("/api/generate", json={
        "pair": "provider-om", "roles": ["security"], "parameters": {"provider_name": "华云数智科技有限公司"},
    })
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "华云数智科技有限公司" in text
    assert ".docx" in response.headers["content-disposition"]
    markdown = service.post("/api/generate", json={"pair": "provider-om", "format": "md", "kind": "annex"})
    assert markdown.headers["content-type"].startswith("text/markdown") and "附件" in markdown.text


@pytest.mark.parametrize("body, fields", [
    ({"pair": "provider-moon"}, ["pair"]),
    ({"pair": "provider-om", "parameters": {"subcontract_max_layers": 5, "critical_fix_days": "soon"}},
     ["subcontract_max_layers", "critical_fix_days"]),
    ({"pair": "provider-om", "parameters": {"no_such_thing": "1"}}, ["no_such_thing"]),
    ({"pair": "provider-om", "options": ["moon"]}, ["options"]),
])
def test_generate_reports_every_bad_field(service, body, fields):
    response = service.post("/api/generate", json=body)
    assert response.status_code == 422
    message = response.json()["error"]["message"]
    assert all(field in message for field in fields)


def test_generate_request_shape_is_validated(service):
    response = service.post("/api/generate", json={"pair": "provider-om", "format": "pdf"})
    assert response.status_code == 422 and response.json()["error"]["fields"][0]["field"] == "format"
    response = service.post("/api/generate", content=b"not json", headers={"content-type": "application/json"})
    assert response.status_code == 422


# ---------------------------------------------------------------- pages
def test_pages_render_in_chinese(service, checked):
    document_id = checked["documents"][0]["id"]
    for url, text in [("/", "审查合同"), ("/reviews", "审查历史"), (f"/reviews/{checked['id']}", GOV),
                      (f"/documents/{document_id}", "建议补充的条款"), ("/generate", "生成安全责任协议")]:
        response = service.get(url, headers={"accept": "text/html"})
        assert response.status_code == 200 and text in response.text, url
        assert "https://" not in response.text and "http://" not in response.text.replace("http://testserver", "")


def test_document_page_marks_the_evidence_in_the_text(service, checked):
    page = service.get(f"/documents/{checked['documents'][0]['id']}").text
    assert "<mark class=" in page and "data-findings=" in page


def test_unknown_page_is_a_friendly_404(service):
    response = service.get("/documents/0123456789abcdef0123456789abcdef", headers={"accept": "text/html"})
    assert response.status_code == 404 and "没有找到" in response.text and "Traceback" not in response.text


def test_generate_form_shows_errors_next_to_fields(service):
    response = service.post("/generate", data={"pair": "provider-om", "p:critical_fix_days": "999"})
    assert response.status_code == 422
    assert "超出允许范围" in response.text and 'data-param="critical_fix_days"' in response.text
    ok = service.post("/generate", data={"pair": "provider-om", "p:provider_name": "甲云", "format": "txt"})
    assert ok.status_code == 200 and "甲云" in ok.text


def test_form_upload_and_role_correction_without_scripts(service):
    response = service.post("/reviews", files=[("files", (OM, sample(OM)))], data={"uploader": "李四"},
                            follow_redirects=False)
    assert response.status_code == 303
    review_id = response.headers["location"].rsplit("/", 1)[-1]
    review = service.get(f"/api/reviews/{review_id}").json()
    document_id = review["documents"][0]["id"]
    _wait_for(service, document_id)
    labels = [p["label"] for p in service.get(f"/api/documents/{document_id}").json()["parties"]]
    response = service.post(f"/documents/{document_id}/recheck", follow_redirects=False,
                            data={"mode": "given", f"role:{labels[0]}": "provider", f"role:{labels[1]}": "software"})
    assert response.status_code == 303
    assert _wait_for(service, document_id)["pairs"] == ["provider-software"]
    slip = service.post(f"/documents/{document_id}/recheck", data={"mode": "given"}, follow_redirects=False)
    assert slip.status_code == 303 and slip.headers["location"].endswith("?problem=no-roles#parties")
    assert "请至少为一方选择角色" in service.get(slip.headers["location"]).text


def test_delete_form_redirects_to_history(service):
    review = upload(service, [("a.txt", sample("it-outsourcing-generic.txt"))]).json()
    response = service.post(f"/reviews/{review['id']}/delete", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/reviews"
    assert service.get(f"/api/reviews/{review['id']}").status_code == 404


def test_internal_errors_show_no_stack_trace(service, monkeypatch):
    history = service.app.state.services.history

    def broken(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(history, "reviews", broken)
    for headers in ({"accept": "application/json"}, {"accept": "text/html"}):
        response = service.get("/api/reviews" if "json" in headers["accept"] else "/reviews", headers=headers)
        assert response.status_code == 500
        assert "secret internal detail" not in response.text and "Traceback" not in response.text


def test_a_full_disk_leaves_no_partial_review_behind(service, monkeypatch):
    import errno

    from contractkit.service.storage import UploadStore

    saved = []
    original = UploadStore.save

    def filling_up(self, review_id, document_id, incoming):
        if saved:
            raise OSError(errno.ENOSPC, "No space left on device")
        saved.append(review_id)
        return original(self, review_id, document_id, incoming)

    before = service.get("/api/reviews").json()["total"]
    monkeypatch.setattr(UploadStore, "save", filling_up)
    response = upload(service, [("a.txt", b"one"), ("b.txt", b"two")])
    assert response.status_code == 507 and "No space left" in response.json()["error"]["message"]
    assert not (service.data_dir / "uploads" / saved[0]).exists()
    assert service.get("/api/reviews").json()["total"] == before
