"""The service across restarts and databases, and with access control switched on."""

from __future__ import annotations

import base64
import json
from dataclasses import replace

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from contractkit.cli import main
from contractkit.service.database import create_database_engine, current_revision, metadata, migrate
from contractkit.service.settings import AuthSettings, ServiceSettings, SettingsError, load_auth
from contractkit.service.users import User, add_user, hash_password, verify_password

from service_support import running, sample, settings_for, upload

GOV = "gov-cloud-service.docx"
TOKEN = "correct-horse-battery-staple"


# ---------------------------------------------------------------- restarts
def test_history_survives_a_restart(tmp_path):
    with running(settings_for(tmp_path)) as client:
        review = upload(client, [(GOV, sample(GOV))], uploader="王五").json()
    assert (tmp_path / "contractkit.sqlite3").is_file()
    with running(settings_for(tmp_path)) as client:
        listing = client.get("/api/reviews").json()
        assert [r["id"] for r in listing["reviews"]] == [review["id"]]
        assert listing["reviews"][0]["uploader"] == "王五"
        again = client.get(f"/api/reviews/{review['id']}").json()
        assert again["documents"][0]["summary"] == review["documents"][0]["summary"]
        assert client.get(f"/api/documents/{review['documents'][0]['id']}/original").content == sample(GOV)


def test_documents_left_queued_are_checked_after_a_restart(tmp_path):
    with running(settings_for(tmp_path)) as client:
        review = upload(client, [(GOV, sample(GOV))]).json()
    engine = create_database_engine(f"sqlite:///{tmp_path / 'contractkit.sqlite3'}")
    with engine.begin() as db:  # as if the service had stopped mid-check
        db.execute(sa.text("UPDATE documents SET status='queued', report=NULL"))
    engine.dispose()
    with running(settings_for(tmp_path)) as client:
        import time

        deadline = time.monotonic() + 60
        while client.get(f"/api/reviews/{review['id']}").json()["finished"] is False:
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert client.get(f"/api/reviews/{review['id']}").json()["documents"][0]["status"] == "done"


# ---------------------------------------------------------------- databases


def test_migrations_create_the_schema_the_code_expects(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = create_database_engine(database_url)
    migrate(engine)
    migrate(engine)  # idempotent on an up-to-date database
    assert current_revision(engine) == "0004"
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []
    engine.dispose()


def test_the_service_works_on_each_database(database_url, tmp_path):
    with running(settings_for(tmp_path, database_url=database_url)) as client:
        assert client.get("/api/health").json()["database"] == database_url.split(":")[0].split("+")[0]
        review = upload(client, [(GOV, sample(GOV))]).json()
        assert review["documents"][0]["status"] == "done"
        assert client.get("/api/reviews").json()["total"] == 1
        assert client.delete(f"/api/reviews/{review['id']}").status_code == 204
        assert client.get("/api/reviews").json()["total"] == 0


def test_a_bad_database_url_is_one_clear_line(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--data-dir", str(tmp_path), "--database-url", "mysql://x/y"])
    assert result.exit_code == 2 and "not supported" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(main, ["serve", "--data-dir", str(tmp_path),
                                       "--database-url", "postgresql://nobody@127.0.0.1:1/none"])
    assert result.exit_code == 2 and "cannot open the database" in result.output


# ---------------------------------------------------------------- access control
def test_shared_secret(tmp_path):
    with running(settings_for(tmp_path, auth=AuthSettings(token=TOKEN))) as client:
        assert client.get("/api/reviews").status_code == 401
        assert client.get("/api/reviews", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert client.get("/api/reviews", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
        page = client.get("/reviews", headers={"accept": "text/html"}, follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == "/login?next=/reviews"
        assert client.get("/static/app.css").status_code == 200  # assets need no login
        assert client.post("/login", data={"token": "wrong", "next": "/reviews"}).status_code == 401
        login = client.post("/login", data={"token": TOKEN, "next": "//evil.example/"}, follow_redirects=False)
        assert login.status_code == 303 and login.headers["location"] == "/"  # no open redirect
        assert "httponly" in login.headers["set-cookie"].lower()
        assert client.get("/reviews", headers={"accept": "text/html"}).status_code == 200  # the cookie
        client.post("/logout")
        client.cookies.clear()
        assert client.get("/api/reviews").status_code == 401


def test_named_users_are_recorded_as_the_uploader(tmp_path):
    users = AuthSettings(users=(User("zhang", hash_password("s3cret-pass")),))
    good = "Basic " + base64.b64encode(b"zhang:s3cret-pass").decode()
    with running(settings_for(tmp_path, auth=users)) as client:
        refused = client.get("/", headers={"accept": "text/html"}, follow_redirects=False)
        assert refused.status_code == 303 and refused.headers["location"] == "/login?next=/"
        api = client.get("/api/reviews")
        assert api.status_code == 401 and api.headers["www-authenticate"].startswith("Basic")
        bad = "Basic " + base64.b64encode(b"zhang:nope").decode()
        assert client.get("/api/reviews", headers={"Authorization": bad}).status_code == 401
        assert client.get("/api/reviews", headers={"Authorization": "Basic !!!"}).status_code == 401
        review = upload(client, [("a.txt", sample("it-outsourcing-generic.txt"))], uploader="someone else")
        assert review.status_code == 401
        client.headers["Authorization"] = good
        review = upload(client, [("a.txt", sample("it-outsourcing-generic.txt"))], uploader="someone else").json()
        assert review["uploader"] == "zhang"


def test_auth_settings_come_from_files(tmp_path, monkeypatch):
    monkeypatch.delenv("CONTRACTKIT_AUTH_TOKEN", raising=False)
    token_file, users_file = tmp_path / "token", tmp_path / "users"
    token_file.write_text(TOKEN + "\n", encoding="utf-8")
    add_user(users_file, "zhang", "pw:with:colons", "team")
    add_user(users_file, "li", "other-password")
    auth = load_auth(token_file, users_file)
    assert auth.token == TOKEN and [(u.name, u.role) for u in auth.users] == [("zhang", "team"), ("li", "user")]
    assert verify_password(auth.users[0], "pw:with:colons") and not verify_password(auth.users[0], "pw")
    token_file.write_text("short", encoding="utf-8")
    with pytest.raises(SettingsError, match="16 characters"):
        load_auth(token_file)
    users_file.write_text("nocolon\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="line 1"):
        load_auth(None, users_file)
    users_file.write_text("zhang:plain-password\n", encoding="utf-8")  # the old format: refused, with the fix
    with pytest.raises(SettingsError, match="not hashed.*contractkit users add zhang"):
        load_auth(None, users_file)
    with pytest.raises(SettingsError, match="cannot read"):
        load_auth(tmp_path / "missing")
    monkeypatch.setenv("CONTRACTKIT_AUTH_TOKEN", TOKEN)
    assert load_auth().token == TOKEN


def test_serve_help_states_the_settings_defaults():
    help_text = " ".join(CliRunner().invoke(main, ["serve", "--help"]).output.split())
    defaults = ServiceSettings()
    for shown in (defaults.host, str(defaults.port), str(defaults.max_upload_mb), str(defaults.max_files),
                  f"{defaults.pool.timeout:g}"):
        assert f"default: {shown}" in help_text


def test_serve_refuses_bad_secrets_files(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--data-dir", str(tmp_path), "--users-file", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "cannot read" in result.output


def test_upload_limits_come_from_the_settings(tmp_path):
    with running(replace(settings_for(tmp_path), max_files=1)) as client:
        response = upload(client, [("a.txt", b"x"), ("b.txt", b"y")])
        assert response.status_code == 413 and "1" in json.loads(response.text)["error"]["message"]
