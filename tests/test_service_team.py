"""The review service for a team on a shared network (issue 13): hosts, headers, sessions, login limits,
per-user visibility, parameters out of range; and what the team sees: Chinese messages, names, titles,
identical uploads, re-checks, reports downloaded while a batch runs."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import time
import zipfile
from dataclasses import replace
from urllib.parse import unquote

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from openpyxl import load_workbook

from contractkit.cli import main
from contractkit.service.database import create_database_engine
from contractkit.service.security import CONTENT_SECURITY_POLICY, LoginLimiter, TooManyAttempts
from contractkit.service.settings import AuthSettings, ServiceSettings, load_auth
from contractkit.service.users import User, hash_password, read_users

from reading_fixtures import cfb_bytes
from service_support import running, sample, settings_for, upload

GOV = "gov-cloud-service.docx"
TXT = "it-outsourcing-generic.txt"
TOKEN = "correct-horse-battery-staple"
HTML = {"accept": "text/html"}


def _team(tmp_path, **changes):
    users = AuthSettings(users=(
        User("zhang", hash_password("zhang-password")),
        User("li", hash_password("li-password")),
        User("wang", hash_password("wang-password"), "team"),
        User("boss", hash_password("boss-password"), "admin"),
    ), **changes)
    return settings_for(tmp_path, auth=users)


def _basic(name: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{name}:{name}-password".encode()).decode()}


def _cookie(token: str) -> dict[str, str]:
    return {"Cookie": f"contractkit_session={token}"}


def _sign_in(client, name: str, password: str | None = None):
    return client.post("/login", data={"name": name, "password": password or f"{name}-password", "next": "/"},
                       follow_redirects=False)


# ---------------------------------------------------------------- hosts, origins, headers
def test_only_the_allowed_hosts_are_answered(tmp_path):
    with running(settings_for(tmp_path)) as client:
        assert client.get("/api/health").status_code == 200
        rebound = client.get("/api/health", headers={"host": "attacker.example"})
        assert rebound.status_code == 400 and rebound.json()["error"]["code"] == "host-not-allowed"
        assert "允许的主机名" in rebound.json()["error"]["message"]
        page = client.get("/", headers={"host": "attacker.example", **HTML})
        assert page.status_code == 400 and "本服务不接受以主机名 attacker.example 访问" in page.text


def test_the_default_allowed_hosts_are_the_bind_address_and_localhost():
    assert set(ServiceSettings().effective_allowed_hosts) == {"127.0.0.1", "localhost", "::1"}
    assert "10.0.0.5" in ServiceSettings(host="10.0.0.5").effective_allowed_hosts
    everywhere = ServiceSettings(host="0.0.0.0").effective_allowed_hosts
    assert "localhost" in everywhere and len(everywhere) > 3  # this machine's names and addresses too
    assert ServiceSettings(allowed_hosts=("contracts.example.com",)).effective_allowed_hosts == (
        "contracts.example.com",)
    result = CliRunner().invoke(main, ["serve", "--allowed-host", "https://x.example/"])
    assert result.exit_code == 2 and "--allowed-host" in result.output


def test_a_post_from_another_origin_is_refused_even_with_the_same_host_and_port(tmp_path):
    with running(settings_for(tmp_path)) as client:
        files = [("files", ("a.txt", sample(TXT), "text/plain"))]
        for origin in ("http://evil.example", "https://testserver", "http://testserver:8080"):
            refused = client.post("/api/reviews", files=files, headers={"origin": origin})
            assert refused.status_code == 403 and refused.json()["error"]["code"] == "cross-site", origin
        assert client.post("/api/reviews", files=files, headers={"origin": "http://testserver"}).status_code == 201
        assert client.post("/api/reviews", files=files, headers={"origin": "http://testserver:80"}).status_code == 201


def test_every_answer_carries_the_security_headers(tmp_path):
    with running(settings_for(tmp_path)) as client:
        for path in ("/", "/reviews", "/api/health", "/static/app.js", "/nope", "/login"):
            response = client.get(path, headers=HTML)
            assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
            assert response.headers["x-frame-options"] == "DENY"
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["referrer-policy"] == "same-origin"
        assert "script-src 'self'" in CONTENT_SECURITY_POLICY and "unsafe-inline" not in CONTENT_SECURITY_POLICY
        assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
        # no inline script anywhere: no <script> with a body, no on…= handlers, no javascript: links
        for path in ("/", "/reviews", "/generate", "/settings", "/api/docs", "/login", "/nope"):
            html = client.get(path, headers=HTML).text
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
            assert not re.search(r"\son[a-z]+\s*=", html, re.I) and "javascript:" not in html, path


# ---------------------------------------------------------------- sessions, logins, users
def test_a_login_is_a_server_side_session_that_logging_out_ends(tmp_path):
    with running(_team(tmp_path)) as client:
        login = _sign_in(client, "zhang")
        assert login.status_code == 303 and login.headers["location"] == "/"
        cookie = client.cookies.get("contractkit_session")
        assert cookie and len(cookie) >= 40 and "zhang" not in cookie  # random, not derived from the user
        header = login.headers["set-cookie"].lower()
        assert "httponly" in header and "samesite=strict" in header
        assert client.get("/api/reviews").status_code == 200
        page = client.get("/", headers=HTML)
        assert "zhang" in page.text and "退出" in page.text
        client.post("/logout", headers={"origin": "http://testserver"})
        client.cookies.clear()
        # the old cookie, kept by someone: no longer lets anyone in
        assert client.get("/api/reviews", headers=_cookie(cookie)).status_code == 401
        page = client.get("/reviews", headers={**HTML, **_cookie(cookie)}, follow_redirects=False)
        assert page.headers["location"] == "/login?next=/reviews"
        # two logins are two sessions: ending one leaves the other
        _sign_in(client, "zhang")
        first = client.cookies.get("contractkit_session")
        client.cookies.clear()
        _sign_in(client, "zhang")
        second = client.cookies.get("contractkit_session")
        client.cookies.clear()
        assert first != second
        client.post("/logout", headers=_cookie(second))
        assert client.get("/api/reviews", headers=_cookie(second)).status_code == 401
        assert client.get("/api/reviews", headers=_cookie(first)).status_code == 200


def test_the_shared_token_signs_in_with_a_session_too(tmp_path):
    with running(settings_for(tmp_path, auth=AuthSettings(token=TOKEN))) as client:
        login = client.post("/login", data={"token": TOKEN, "next": "/reviews"}, follow_redirects=False)
        assert login.status_code == 303 and login.headers["location"] == "/reviews"
        cookie = client.cookies.get("contractkit_session")
        assert TOKEN not in cookie
        assert client.get("/api/reviews").status_code == 200
        client.post("/logout")
        client.cookies.clear()
        assert client.get("/api/reviews", headers=_cookie(cookie)).status_code == 401


def test_the_login_page_shows_no_menu_to_someone_not_signed_in(tmp_path):
    with running(_team(tmp_path)) as client:
        page = client.get("/login").text
        assert "用户名" in page and "密码" in page
        assert "退出" not in page and 'href="/reviews"' not in page and 'href="/generate"' not in page
        wrong = _sign_in(client, "zhang", "not-the-password")
        assert wrong.status_code == 401 and "用户名或密码不正确" in wrong.text and "退出" not in wrong.text


def test_failed_logins_are_limited_per_user_name_and_per_client(tmp_path):
    with running(_team(tmp_path)) as client:
        for _ in range(5):
            assert _sign_in(client, "zhang", "guess").status_code == 401
        limited = _sign_in(client, "zhang")  # even the right password, for a while
        assert limited.status_code == 429 and "登录失败次数过多" in limited.text
        assert int(limited.headers["retry-after"]) > 0
        basic = client.get("/api/reviews", headers=_basic("zhang"))  # nor through the API's basic auth
        assert basic.status_code == 429 and basic.json()["error"]["code"] == "too-many-attempts"
        assert _sign_in(client, "li").status_code == 303  # another user is not locked out

    clock = [0.0]
    limiter = LoginLimiter(per_name=3, per_client=5, window_seconds=60, clock=lambda: clock[0])
    for n in range(5):
        limiter.failed(f"name{n}", "10.0.0.1")
    with pytest.raises(TooManyAttempts):
        limiter.check("someone-new", "10.0.0.1")  # one client guessing many names
    limiter.check("someone-new", "10.0.0.2")
    clock[0] = 61
    limiter.check("someone-new", "10.0.0.1")  # the window has passed


def test_users_add_writes_argon2_hashes_that_serve_accepts(tmp_path):
    users_file = tmp_path / "users"
    runner = CliRunner()
    added = runner.invoke(main, ["users", "add", "zhang", "--users-file", str(users_file), "--password-stdin"],
                          input="a-long-password\n")
    assert added.exit_code == 0, added.output
    team = runner.invoke(main, ["users", "add", "wang", "--users-file", str(users_file), "--role", "team"],
                         input="wang-password\nwang-password\n")
    assert team.exit_code == 0, team.output
    text = users_file.read_text(encoding="utf-8")
    assert "a-long-password" not in text and "$argon2id$" in text
    assert (users_file.stat().st_mode & 0o777) == 0o600
    assert [(u.name, u.role) for u in read_users(users_file)] == [("zhang", "user"), ("wang", "team")]
    listed = runner.invoke(main, ["users", "list", "--users-file", str(users_file)])
    assert listed.output.split() == ["zhang", "user", "wang", "team"]
    short = runner.invoke(main, ["users", "add", "li", "--users-file", str(users_file), "--password-stdin"],
                          input="short\n")
    assert short.exit_code == 2 and "at least 8" in short.output
    again = runner.invoke(main, ["users", "add", "zhang", "--users-file", str(users_file), "--password-stdin"],
                          input="another-password\n")
    assert again.exit_code == 0 and len(read_users(users_file)) == 2  # a new password, not a second zhang
    assert runner.invoke(main, ["users", "remove", "wang", "--users-file", str(users_file)]).exit_code == 0
    assert [u.name for u in read_users(users_file)] == ["zhang"]
    auth = load_auth(None, users_file)
    with running(settings_for(tmp_path / "data", auth=auth)) as client:
        assert _sign_in(client, "zhang", "another-password").status_code == 303


# ---------------------------------------------------------------- who sees what
def test_each_user_sees_their_own_reviews_and_a_team_role_sees_all(tmp_path):
    with running(_team(tmp_path)) as client:
        mine = upload(client, [("张的合同.txt", sample(TXT))], headers=_basic("zhang")).json()
        theirs = upload(client, [("李的合同.txt", sample(TXT) + b"\n")], headers=_basic("li")).json()
        assert mine["uploader"] == "zhang"
        listed = client.get("/api/reviews", headers=_basic("zhang")).json()
        assert [r["id"] for r in listed["reviews"]] == [mine["id"]] and listed["total"] == 1
        document = theirs["documents"][0]["id"]
        for path in (f"/api/reviews/{theirs['id']}", f"/api/documents/{document}",
                     f"/api/documents/{document}/original", f"/api/reviews/{theirs['id']}/report.csv",
                     f"/reviews/{theirs['id']}", f"/documents/{document}"):
            assert client.get(path, headers=_basic("zhang")).status_code == 404, path  # as if it did not exist
        page = client.get("/reviews", headers={**_basic("zhang"), **HTML}).text
        assert "张的合同.txt" in page and "李的合同.txt" not in page
        assert client.delete(f"/api/reviews/{theirs['id']}", headers=_basic("zhang")).status_code == 404

        team = client.get("/api/reviews", headers=_basic("wang")).json()
        assert {r["id"] for r in team["reviews"]} == {mine["id"], theirs["id"]}
        refused = client.delete(f"/api/reviews/{theirs['id']}", headers=_basic("wang"))
        assert refused.status_code == 403 and "只有上传人或管理员可以删除" in refused.json()["error"]["message"]
        assert "删除</button>" not in client.get(f"/reviews/{theirs['id']}", headers={**_basic("wang"), **HTML}).text
        form = client.post(f"/reviews/{theirs['id']}/delete", headers={**_basic("wang"), **HTML})
        assert form.status_code == 403
        assert client.get(f"/api/reviews/{theirs['id']}", headers=_basic("li")).status_code == 200
        # a team member may not change the organisation settings; an admin may, and may delete any review
        body = {"names": ["华云数智科技有限公司"], "role": "provider"}
        assert client.put("/api/settings/organisation", json=body, headers=_basic("wang")).status_code == 403
        assert client.put("/api/settings/organisation", json=body, headers=_basic("boss")).status_code == 200
        assert client.delete(f"/api/reviews/{theirs['id']}", headers=_basic("boss")).status_code == 204
        assert client.delete(f"/api/reviews/{mine['id']}", headers=_basic("zhang")).status_code == 204


# ---------------------------------------------------------------- parameters out of range
@pytest.mark.parametrize("path", [
    "/api/reviews?offset=99999999999999999999", "/api/reviews?offset=-1", "/api/reviews?limit=0",
    "/api/reviews?limit=100000", "/reviews?page_number=99999999999999999", "/reviews?page_number=0",
    "/reviews?page_number=abc", "/api/reviews?offset=1e3",
])
def test_parameters_out_of_range_are_422_never_500(tmp_path, path):
    with running(settings_for(tmp_path)) as client:
        response = client.get(path, headers=HTML if not path.startswith("/api/") else {})
        assert response.status_code == 422, response.text
        if path.startswith("/api/"):
            assert response.json()["error"]["code"] == "invalid-request"
        else:
            assert "无法完成请求" in response.text


# ---------------------------------------------------------------- in the user's terms
def test_errors_are_in_chinese_without_codes_or_command_line_advice(tmp_path):
    with running(settings_for(tmp_path)) as client:
        review = upload(client, [("旧合同.doc", cfb_bytes({"WordDocument": b"x" * 100})),
                                 ("损坏.docx", b"PK\x03\x04garbage"), ("空白.txt", b""),
                                 (GOV, sample(GOV))], options=["cii"]).json()
        by_name = {d["name"]: d for d in review["documents"]}
        assert by_name["旧合同.doc"]["error"] == {
            "code": "legacy-doc", "message": "旧合同.doc：这是旧版 Word（.doc）文件，请用 Word 或 WPS 另存为 .docx",
            "fields": None}
        assert by_name["损坏.docx"]["error"]["message"].startswith("损坏.docx：不是完整的 zip 压缩包")
        assert by_name["空白.txt"]["error"]["message"].startswith("空白.txt：文件是空的")
        page = client.get(f"/reviews/{review['id']}", headers=HTML).text
        text = re.sub(r"<[^>]+>", " ", page)
        for english in ("legacy-doc", "corrupt：", "crashed", "damaged", "zip archive", "save it"):
            assert english not in text, english
        assert "客户与云服务提供者" in page  # the pair's name; its id only in small type
        assert re.search(r'<code class="id">customer-provider</code>', page)
        document = client.get(f"/documents/{by_name[GOV]['id']}", headers=HTML).text
        assert "--option" not in document and "--role" not in document and "· must" not in document
        for fmt in ("html", "csv"):
            body = client.get(f"/api/reviews/{review['id']}/report.{fmt}").content.decode("utf-8-sig")
            assert "检查设置" not in body or "options []" not in body
            assert "--option" not in body and "is a Word 97-2003" not in body and "not a complete zip" not in body
            assert "这是旧版 Word（.doc）文件" in body
        html = client.get(f"/api/reviews/{review['id']}/report.html").text
        assert "同时检查" in html and "关键信息基础设施" in html
        assert "· must" not in html and "（must）" not in html and "应" in html


def test_browser_escaped_quotes_in_file_names_are_shown_as_typed(tmp_path):
    with running(settings_for(tmp_path)) as client:
        review = upload(client, [('合同%22终稿%22.txt', sample(TXT))]).json()  # as Chromium sends 合同"终稿".txt
        assert review["documents"][0]["name"] == '合同"终稿".txt'
        assert review["title"] == '合同"终稿".txt'


class _LegacyName(zipfile.ZipInfo):
    """A name as Windows' built-in zip writes it: in the system code page (GBK), not flagged as UTF-8."""

    __slots__ = ()

    def _encodeFilenameFlags(self):  # noqa: N802 (zipfile's name)
        return self.filename.encode("gbk"), self.flag_bits


def test_zip_entries_with_gbk_names_from_windows_are_decoded(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(_LegacyName("采购合同/运维服务合同.txt"), sample(TXT))
        archive.writestr(_LegacyName("采购合同/政务云服务合同.docx"), sample(GOV))
    assert all(not info.flag_bits & 0x800 for info in zipfile.ZipFile(buffer).infolist())
    with running(settings_for(tmp_path)) as client:
        review = upload(client, [("合同包.zip", buffer.getvalue())]).json()
        assert [d["name"] for d in review["documents"]] == [
            "合同包.zip/采购合同/政务云服务合同.docx", "合同包.zip/采购合同/运维服务合同.txt"]
        assert review["title"] == "合同包（2 份合同）"  # named for the archive, not its first file
        assert {d["status"] for d in review["documents"]} == {"done"}


def test_a_review_is_named_by_its_uploader_or_for_its_files_and_can_be_renamed(tmp_path):
    with running(settings_for(tmp_path)) as client:
        named = upload(client, [("a.txt", sample(TXT)), (GOV, sample(GOV))], title="2026 年运维外包合同").json()
        assert named["title"] == "2026 年运维外包合同"
        unnamed = upload(client, [("运维合同.txt", sample(TXT) + b" "), (GOV, sample(GOV) + b"")]).json()
        assert unnamed["title"] == "2 份合同：运维合同、gov-cloud-service"
        renamed = client.patch(f"/api/reviews/{unnamed['id']}", json={"title": "第二批"})
        assert renamed.status_code == 200 and renamed.json()["title"] == "第二批"
        form = client.post(f"/reviews/{named['id']}/rename", data={"title": "改过的名称"}, follow_redirects=False)
        assert form.status_code == 303
        assert client.get(f"/api/reviews/{named['id']}").json()["title"] == "改过的名称"


def test_an_identical_upload_is_pointed_out(tmp_path):
    with running(settings_for(tmp_path)) as client:
        first = upload(client, [("合同.txt", sample(TXT))]).json()
        again = upload(client, [("合同（重传）.txt", sample(TXT)), ("副本.txt", sample(TXT)),
                                ("另一份.docx", sample(GOV))]).json()
        original = first["documents"][0]["id"]
        copy, twin, other = again["documents"]
        assert copy["duplicate_of"] == original and twin["duplicate_of"] == copy["id"]
        assert other["duplicate_of"] is None
        assert again["notes"] == ["“副本.txt”与本次上传的“合同（重传）.txt”内容完全相同"]
        assert {d["status"] for d in again["documents"]} == {"done"}  # each checked all the same
        page = client.get(f"/reviews/{again['id']}", headers=HTML).text
        assert "1 份文件此前已上传过" in page and f'href="/reviews/{first["id"]}"' in page
        assert "与本次上传的" in page


def test_a_failed_file_can_be_checked_again_without_uploading_it_again(tmp_path):
    settings = replace(settings_for(tmp_path), max_files=5)
    with running(settings) as client:
        review = upload(client, [("合同.txt", sample(TXT))]).json()
        document = review["documents"][0]
        stored = next((tmp_path / "uploads" / review["id"]).iterdir())
        # as if the check had failed (e.g. the service was short of memory)
        engine = create_database_engine(f"sqlite:///{tmp_path / 'contractkit.sqlite3'}")
        failed = {"path": "合同.txt", "status": "error", "format": None,
                  "error": {"code": "memory", "message": "合同.txt：所需内存过多。检查此文件所需内存过多"}}
        with engine.begin() as db:
            db.execute(sa.text("UPDATE documents SET status='error', error_code='memory', report=:r"),
                       {"r": json.dumps(failed, ensure_ascii=False)})
        engine.dispose()
        page = client.get(f"/reviews/{review['id']}", headers=HTML).text
        assert "重新检查</button>" in page
        assert "重新检查</button>" in client.get(f"/documents/{document['id']}", headers=HTML).text
        again = client.post(f"/documents/{document['id']}/recheck",
                            data={"mode": "again", "back": f"/reviews/{review['id']}"}, follow_redirects=False)
        assert again.status_code == 303 and again.headers["location"] == f"/reviews/{review['id']}"
        assert stored.exists()
        deadline = time.monotonic() + 60
        while client.get(f"/api/documents/{document['id']}").json()["status"] != "done":
            assert time.monotonic() < deadline
            time.sleep(0.1)


def test_while_a_file_is_checked_again_its_old_result_is_marked_stale(tmp_path):
    with running(settings_for(tmp_path)) as client:
        review = upload(client, [(GOV, sample(GOV))]).json()
        document_id = review["documents"][0]["id"]
        services = client.app.state.services
        record = services.history.document(document_id)
        services.history.requeue(document_id, None)  # queued again, the old report kept: nothing checks it
        page = client.get(f"/documents/{document_id}", headers=HTML).text
        assert "正在重新检查" in page and 'id="results" class="stale"' in page.replace(
            'class="stale" id="results"', 'id="results" class="stale"')
        assert "/annotated.docx" not in page and "批注版 Word（重新检查中）" in page
        assert client.get(f"/api/documents/{document_id}/annotated.docx").status_code == 409
        assert client.get(f"/api/documents/{document_id}").json()["stale"] is True
        rows = client.get(f"/reviews/{review['id']}/live", headers=HTML).text
        assert "上次结果已过时" in rows and "正在重新检查" in rows
        services.history.record_result(document_id, record.report())


def test_a_report_downloaded_while_the_batch_runs_says_it_is_not_complete(tmp_path):
    with running(settings_for(tmp_path)) as client:
        review = upload(client, [(GOV, sample(GOV)), ("b.txt", sample(TXT))]).json()
        second = review["documents"][1]["id"]
        engine = create_database_engine(f"sqlite:///{tmp_path / 'contractkit.sqlite3'}")
        with engine.begin() as db:  # as if the second were still being checked
            db.execute(sa.text("UPDATE documents SET status='queued', report=NULL WHERE id=:d"), {"d": second})
        engine.dispose()
        first_line = "本报告尚不完整：已完成 1/2 份"
        body = client.get(f"/api/reviews/{review['id']}/report.csv")
        assert body.content.decode("utf-8-sig").splitlines()[0].startswith(first_line)
        assert "未完成" in unquote(body.headers["content-disposition"])
        rows = list(csv.reader(io.StringIO(body.content.decode("utf-8-sig"))))
        assert rows[1][0] == "文件"  # the table follows
        html = client.get(f"/api/reviews/{review['id']}/report.html").text
        assert html.index(first_line) < html.index("<h1")  # above the report's heading
        workbook = load_workbook(io.BytesIO(client.get(f"/api/reviews/{review['id']}/report.xlsx").content))
        assert workbook.sheetnames[0] == "未完成" and workbook.active.title == "未完成"
        assert workbook["未完成"]["A1"].value.startswith(first_line)
        data = client.get(f"/api/reviews/{review['id']}/report.json").json()
        assert data["settings"]["progress"] == {"finished": 1, "documents": 2, "complete": False}
        page = client.get(f"/reviews/{review['id']}", headers=HTML).text
        assert "检查尚未完成：现在下载的报告只含已完成的文件" in page


def test_the_clause_filter_offers_single_clauses(tmp_path):
    with running(settings_for(tmp_path)) as client:
        review = upload(client, [(TXT, sample(TXT))]).json()
        page = client.get(f"/documents/{review['documents'][0]['id']}", headers=HTML).text
        options = re.findall(r'<option value="([^"]+)">', page.split('id="clause-filter"')[1].split("</select>")[0])
        assert options and not [o for o in options if ";" in o]  # "8.2.4 a) 5); 8.2.4 b)": two options
        assert "8.2.4 c)" in options and "8.3" in options
        assert 'data-clauses="8.2.4 c)|8.3"' in page


def test_the_health_probe_answers_without_signing_in_and_nothing_else_does(tmp_path):
    with running(_team(tmp_path)) as client:
        health = client.get("/api/health")
        assert health.status_code == 200 and health.json()["status"] == "ok"
        assert set(health.json()) == {"status", "version", "database", "workers"}  # nobody's work in it
        assert client.get("/api/reviews").status_code == 401
        assert client.get("/api/catalogue").status_code == 401
