"""A review checked against a playbook in the review service: chosen from `serve --playbooks-dir` or
uploaded, validated (errors in Chinese, never a 500), kept with the review through re-checks and
restarts, shown per document (positions), in the downloads and as the redline of the annotated copy."""

from __future__ import annotations

import io
import shutil
import time
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from contractkit.service.database import create_database_engine

from service_support import REPO, running, sample, settings_for, upload

OM = "om-platform-maintenance.docx"
PLAYBOOKS = REPO / "samples" / "playbooks"
STRICT = "strict-provider.yaml"


def _folder(root: Path) -> Path:
    folder = root / "playbooks"
    folder.mkdir()
    for name in ("strict-provider.yaml", "balanced.yaml"):
        shutil.copy(PLAYBOOKS / name, folder / name)
    (folder / "broken.yaml").write_text("playbook: 1\nname: 坏的\npairs: [nowhere]\npositions: []\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not a playbook", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    root = tmp_path_factory.mktemp("playbooks-service")
    with running(settings_for(root / "data", playbooks_dir=_folder(root))) as client:
        yield client


@pytest.fixture(scope="module")
def strict_review(service):
    response = upload(service, [(OM, sample(OM))], playbook=STRICT)
    assert response.status_code == 201, response.text
    return response.json()


def _wait(client, document_id: str) -> dict:
    deadline = time.monotonic() + 60
    while True:
        body = client.get(f"/api/documents/{document_id}").json()
        if body["status"] != "queued":
            return body
        assert time.monotonic() < deadline
        time.sleep(0.2)


def test_the_folders_valid_playbooks_are_offered(service):
    listed = service.get("/api/playbooks").json()
    assert [p["file"] for p in listed] == ["balanced.yaml", STRICT]  # broken.yaml and notes.txt left out
    page = service.get("/").text
    assert 'name="playbook"' in page and "云服务提供者采购安全条款（严格立场）" in page and "broken.yaml" not in page


def test_a_review_against_a_playbook_judges_every_documents_positions(service, strict_review):
    assert strict_review["playbook"] == {"name": "云服务提供者采购安全条款（严格立场）", "file": STRICT}
    document_id = strict_review["documents"][0]["id"]
    report = service.get(f"/api/documents/{document_id}").json()["report"]
    positions = {p["position"]: p for p in report["positions"]}
    assert "incident-report-hours" in positions and "om-p1-restore-hours" in positions
    assert "maintenance-years" not in positions  # software only
    assert "立场手册：云服务提供者采购安全条款（严格立场）" in service.get(f"/reviews/{strict_review['id']}").text
    page = service.get(f"/documents/{document_id}").text
    assert 'id="positions"' in page and "本所立场" in page and "安全事件报告时限" in page
    assert "立场：优选 2小时；可接受 4小时；底线 24小时" in page
    assert any(p["proposal"] for p in positions.values())


def test_the_annotated_copy_is_the_redline_and_the_reports_hold_the_positions(service, strict_review):
    document_id = strict_review["documents"][0]["id"]
    response = service.get(f"/api/documents/{document_id}/annotated.docx")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as docx:
        body = docx.read("word/document.xml").decode("utf-8")
        comments = docx.read("word/comments.xml").decode("utf-8")
    assert "<w:ins " in body and "【本所立场" in comments
    csv_text = service.get(f"/api/reviews/{strict_review['id']}/report.csv").content.decode("utf-8-sig")
    assert "立场编号" in csv_text and "incident-report-hours" in csv_text
    data = service.get(f"/api/reviews/{strict_review['id']}/report.json").json()
    assert data["schema"] == "contractkit.check/2" and data["playbook"]["name"].endswith("（严格立场）")


def test_a_recheck_keeps_the_playbook(service, strict_review):
    document_id = strict_review["documents"][0]["id"]
    response = service.post(f"/api/documents/{document_id}/recheck", json={"roles": None})
    assert response.status_code == 202
    assert _wait(service, document_id)["report"]["positions"]


def test_an_uploaded_playbook_is_used(service):
    response = upload(service, [(OM, sample(OM))],
                      extra_files=[("playbook_file", ("我们的.yaml", (PLAYBOOKS / "balanced.yaml").read_bytes()))])
    assert response.status_code == 201, response.text
    review = response.json()
    assert review["playbook"]["file"] == "我们的.yaml"
    report = service.get(f"/api/documents/{review['documents'][0]['id']}").json()["report"]
    assert {p["position"] for p in report["positions"]} >= {"incident-report-hours", "critical-fix-days"}


@pytest.mark.parametrize("form, upload_file, fragment", [
    ({"playbook": "nothing.yaml"}, None, "没有名为 nothing.yaml 的立场手册"),
    ({"playbook": "broken.yaml"}, None, "没有名为 broken.yaml 的立场手册"),
    ({}, ("bad.yaml", "playbook: 1\nname: 坏\npairs: [provider-om]\npositions: [{id: Bad}]\n".encode()),
     "立场手册“bad.yaml”无效"),
    ({}, ("gbk.yaml", "名称".encode("gbk")), "不是 UTF-8"),
    ({}, ("list.yaml", b"- 1\n- 2\n"), "立场手册“list.yaml”无效"),
    ({"playbook": STRICT}, ("b.yaml", (PLAYBOOKS / "balanced.yaml").read_bytes()), "请只选择一种立场手册"),
])
def test_a_bad_playbook_is_refused_in_chinese(service, form, upload_file, fragment):
    extra = [("playbook_file", upload_file)] if upload_file else []
    response = upload(service, [(OM, sample(OM))], extra_files=extra, **form)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid-playbook" and fragment in error["message"]
    assert error["fields"][0]["field"] in ("playbook", "playbook_file")
    # the form without scripts: the page again, the message beside the field, never a 500
    page = service.post("/reviews", files=[("files", (OM, sample(OM), "application/octet-stream")), *extra],
                        data=form, headers={"accept": "text/html"})
    assert page.status_code == 422 and fragment in page.text


def test_the_playbook_survives_a_restart_with_files_left_queued(tmp_path):
    settings = settings_for(tmp_path)
    with running(settings) as client:
        review = upload(client, [(OM, sample(OM))],
                        extra_files=[("playbook_file", (STRICT, (PLAYBOOKS / STRICT).read_bytes()))]).json()
    engine = create_database_engine(f"sqlite:///{tmp_path / 'contractkit.sqlite3'}")
    with engine.begin() as db:  # as if the service had stopped mid-check
        db.execute(sa.text("UPDATE documents SET status='queued', report=NULL"))
    engine.dispose()
    with running(settings) as client:  # no playbooks folder now: the review keeps its own copy
        body = _wait(client, review["documents"][0]["id"])
        assert body["status"] == "done" and body["report"]["positions"]
        assert client.get(f"/api/reviews/{review['id']}").json()["playbook"]["file"] == STRICT
