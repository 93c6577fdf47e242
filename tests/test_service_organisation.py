"""Whose side we are on, in the review service: the 组织设置 page and API, each review's own
我方名称 (kept for re-checks and a resumed queue), and the migration that stores them."""

from __future__ import annotations

import time
from importlib.resources import files

import pytest
import sqlalchemy as sa

from contractkit.checking.workers import CheckPool
from contractkit.organisation import Organisation
from contractkit.service.database import create_database_engine, current_revision, metadata, migrate

from service_support import running, sample, settings_for, upload

TXT = "it-outsourcing-generic.txt"
HTML = {"accept": "text/html"}


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    with running(settings_for(tmp_path_factory.mktemp("service"))) as client:
        yield client


@pytest.fixture
def submitted(service, monkeypatch):
    """What the service hands the checking pool for each file (path, organisation)."""
    pool = service.app.state.services.reviews.pool
    calls = []
    original = pool.submit

    def spy(path, **kwargs):
        calls.append(kwargs.get("organisation"))
        return original(path, **kwargs)

    monkeypatch.setattr(pool, "submit", spy)
    return calls


def _team(service, names, role="provider"):
    response = service.put("/api/settings/organisation", json={"names": names, "role": role})
    assert response.status_code == 200, response.text
    return response.json()


def _wait_for(client, document_id: str) -> dict:
    deadline = time.monotonic() + 60
    while (document := client.get(f"/api/documents/{document_id}").json())["status"] == "queued":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    return document


# ---------------------------------------------------------------- the settings page and API
def test_settings_page_round_trip(service):
    page = service.get("/settings", headers=HTML)
    assert page.status_code == 200 and "组织设置" in page.text and 'href="/settings"' in page.text
    saved = service.post("/settings", data={"names": "华云数智科技有限公司\n华云\n\n华云 ", "role": "om"},
                         follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/settings?saved=1"
    page = service.get(saved.headers["location"]).text
    assert "已保存" in page and "华云数智科技有限公司\n华云</textarea>" in page and 'value="om" selected' in page
    stored = service.get("/api/settings/organisation").json()
    assert stored["names"] == ["华云数智科技有限公司", "华云"] and stored["role"] == "om"
    assert stored["updated_by"] == "匿名" and stored["updated_at"]
    upload_page = service.get("/", headers=HTML).text  # the upload form starts from the settings
    assert "华云数智科技有限公司\n华云</textarea>" in upload_page and 'value="om" selected' in upload_page
    service.post("/settings", data={"names": "", "role": "provider"})  # no names: cleared
    assert service.get("/api/settings/organisation").json()["names"] == []
    assert 'id="as-names" rows="2" placeholder="每行一个：全称、简称（可选）"></textarea>' in service.get("/").text


@pytest.mark.parametrize("form, field, message", [
    ({"names": "华云", "role": "landlord"}, "role", "未知角色 landlord；可选：customer（云服务客户）"),
    ({"names": "\n".join(f"公司{n}" for n in range(21)), "role": "provider"}, "names", "最多填写 20 个名称"),
    ({"names": "长" * 201, "role": "provider"}, "names", "每个名称不超过 200 个字"),
])
def test_settings_form_shows_each_problem_next_to_its_field(service, form, field, message):
    _team(service, ["华云"])
    response = service.post("/settings", data=form)
    assert response.status_code == 422 and message in response.text
    assert f'<label class="invalid" data-field="{field}">' in response.text
    assert service.get("/api/settings/organisation").json()["names"] == ["华云"]  # unchanged


def test_settings_api_round_trip_and_validation(service):
    assert _team(service, ["云帆科技有限公司", "云帆", "云帆"], "security")["names"] == ["云帆科技有限公司", "云帆"]
    assert service.get("/api/settings/organisation").json()["role"] == "security"
    bad = service.put("/api/settings/organisation", json={"names": ["x"], "role": "landlord"})
    assert bad.status_code == 422
    assert bad.json()["error"]["fields"][0]["field"] == "role" and "未知角色" in bad.json()["error"]["message"]
    assert service.put("/api/settings/organisation", json={"role": "om"}).status_code == 422  # names required
    assert _team(service, [])["names"] == []
    schema = service.get("/api/openapi.json").json()
    assert {"get", "put"} <= set(schema["paths"]["/api/settings/organisation"])
    form = schema["components"]["schemas"]
    upload_form = next(v for k, v in form.items() if k.startswith("Body_create_review"))
    assert {"as_names", "as_role"} <= set(upload_form["properties"])


# ---------------------------------------------------------------- each review's own value
def test_each_review_keeps_its_organisation_and_a_recheck_uses_it(service, submitted):
    _team(service, ["华云"], "om")
    review = upload(service, [(TXT, sample(TXT))], as_names="云帆科技有限公司，云帆", as_role="provider").json()
    ours = Organisation(("云帆科技有限公司", "云帆"), "provider")
    assert review["organisation"] == {"names": ["云帆科技有限公司", "云帆"], "role": "provider"}
    assert submitted == [ours]
    page = service.get(f"/reviews/{review['id']}", headers=HTML).text
    assert "我方：云帆科技有限公司、云帆（云服务提供者）" in page
    report = service.get(f"/api/reviews/{review['id']}/report.json").json()
    assert report["settings"]["organisation"] == {"names": ["云帆科技有限公司", "云帆"], "role": "provider"}

    _team(service, ["别的公司"], "security")  # the team changes its settings later
    document_id = review["documents"][0]["id"]
    assert service.post(f"/api/documents/{document_id}/recheck", json={"roles": None}).status_code == 202
    _wait_for(service, document_id)
    assert submitted[-1] == ours  # the review's own value, not today's settings
    assert service.get(f"/api/reviews/{review['id']}").json()["organisation"]["names"] == ["云帆科技有限公司", "云帆"]


def test_the_api_field_is_optional(service, submitted):
    _team(service, ["华云数智科技有限公司", "华云"], "om")
    omitted = upload(service, [(TXT, sample(TXT))]).json()
    assert omitted["organisation"] == {"names": ["华云数智科技有限公司", "华云"], "role": "om"}  # the settings
    role_only = upload(service, [(TXT, sample(TXT))], as_role="security").json()
    assert role_only["organisation"] == {"names": ["华云数智科技有限公司", "华云"], "role": "security"}
    names_only = upload(service, [(TXT, sample(TXT))], as_names="甲云\n乙云").json()
    assert names_only["organisation"] == {"names": ["甲云", "乙云"], "role": "om"}  # the settings' role
    empty = upload(service, [(TXT, sample(TXT))], as_names="").json()
    assert empty["organisation"] is None  # given empty: inferred without our names
    assert submitted == [Organisation(("华云数智科技有限公司", "华云"), "om"),
                         Organisation(("华云数智科技有限公司", "华云"), "security"),
                         Organisation(("甲云", "乙云"), "om"), None]
    assert "未指定我方名称" in service.get(f"/reviews/{empty['id']}", headers=HTML).text
    _team(service, [])
    alone = upload(service, [("a.txt", b"x")], as_role="om", wait=False)
    assert alone.status_code == 422 and alone.json()["error"]["fields"][0]["field"] == "as_names"


def test_a_bad_api_field_is_refused_before_anything_is_stored(service):
    before = service.get("/api/reviews").json()["total"]
    response = upload(service, [("a.txt", b"x")], as_names="甲云", as_role="landlord", wait=False)
    error = response.json()["error"]
    assert response.status_code == 422 and error["code"] == "invalid-organisation"
    assert error["fields"] == [{"field": "as_role", "message": error["fields"][0]["message"]}]
    assert "未知角色 landlord" in error["message"]
    assert service.get("/api/reviews").json()["total"] == before


def test_the_upload_form_without_scripts(service):
    response = service.post("/reviews", files=[("files", (TXT, sample(TXT)))],
                            data={"as_names": "云帆", "as_role": "provider"}, follow_redirects=False)
    assert response.status_code == 303
    review = service.get(f"/api/reviews/{response.headers['location'].rsplit('/', 1)[-1]}").json()
    assert review["organisation"] == {"names": ["云帆"], "role": "provider"}
    refused = service.post("/reviews", files=[("files", (TXT, sample(TXT)))],
                           data={"as_names": "云帆", "as_role": "landlord"}, headers=HTML)
    assert refused.status_code == 422 and "未知角色 landlord" in refused.text
    assert '<label class="invalid" data-field="as_role">' in refused.text
    assert "云帆</textarea>" in refused.text  # what was typed stays


def test_a_resumed_queue_uses_the_reviews_organisation(tmp_path, monkeypatch):
    with running(settings_for(tmp_path)) as client:
        review = upload(client, [(TXT, sample(TXT))], as_names="云帆", as_role="provider").json()
    engine = create_database_engine(f"sqlite:///{tmp_path / 'contractkit.sqlite3'}")
    with engine.begin() as db:  # as if the service had stopped mid-check
        db.execute(sa.text("UPDATE documents SET status='queued', report=NULL"))
    engine.dispose()
    submitted = []
    original = CheckPool.submit

    def spy(self, path, **kwargs):
        submitted.append(kwargs.get("organisation"))
        return original(self, path, **kwargs)

    monkeypatch.setattr(CheckPool, "submit", spy)
    with running(settings_for(tmp_path)) as client:
        _wait_for(client, review["documents"][0]["id"])
    assert submitted == [Organisation(("云帆",), "provider")]


# ---------------------------------------------------------------- the migration


def _downgrade(engine, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(files("contractkit.service") / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_migration_0002_keeps_the_history_and_adds_the_settings(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from contractkit.service.history import History
    from contractkit.service.organisation import OrganisationSettings

    engine = create_database_engine(database_url)
    migrate(engine, "0001")  # a database made by the previous release
    with engine.begin() as db:
        db.execute(sa.text("INSERT INTO reviews (id, created_at, uploader, title, options) "
                           "VALUES ('r1', CURRENT_TIMESTAMP, '张三', '旧的审查', '[]')"))
        db.execute(sa.text("INSERT INTO documents (id, review_id, position, original_name, stored_name, size, "
                           "sha256, status) VALUES ('d1', 'r1', 0, 'a.txt', 'd1.txt', 1, 'x', 'done')"))
    migrate(engine)
    assert current_revision(engine) == "0004"
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    old = History(engine).review("r1")
    assert old.organisation is None and [d.id for d in old.documents] == ["d1"]
    settings = OrganisationSettings(engine)
    assert settings.get().organisation is None
    settings.put(Organisation(("华云",), "om"), "张三")
    assert settings.put(Organisation(("云帆", "云帆科技"), "provider"), "李四").organisation == Organisation(
        ("云帆", "云帆科技"), "provider")
    assert settings.get().updated_by == "李四"
    _downgrade(engine, "0001")  # and back, without losing the reviews' documents
    with engine.connect() as db:
        assert db.execute(sa.text("SELECT count(*) FROM documents")).scalar_one() == 1
    assert "organisation" not in {c["name"] for c in sa.inspect(engine).get_columns("reviews")}
    migrate(engine)
    assert current_revision(engine) == "0004"
    engine.dispose()
