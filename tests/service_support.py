"""Starting the review service in-process for the API tests (FastAPI's test client runs its lifespan)."""

from __future__ import annotations

import io
import os
import zipfile
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from fastapi.testclient import TestClient

from contractkit.checking.workers import PoolSettings
from contractkit.service.app import create_app
from contractkit.service.settings import AuthSettings, ServiceSettings

from conftest import REPO

SAMPLES = REPO / "samples" / "contracts"
# The database scripts/setup-test-machine.sh creates; CONTRACTKIT_TEST_DATABASE_URL names another.
SETUP_DATABASE_URL = "postgresql://contractkit:contractkit@127.0.0.1:5432/contractkit_test"


def _reachable_postgres() -> str | None:
    import psycopg

    url = os.environ.get("CONTRACTKIT_TEST_DATABASE_URL", SETUP_DATABASE_URL)
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.Error:
        if os.environ.get("CONTRACTKIT_REQUIRE_SERVICES") == "1":  # CI: a missing server is a failure
            raise
        return None
    return url


POSTGRES_URL = _reachable_postgres()


def settings_for(data_dir: Path, **changes) -> ServiceSettings:
    base = ServiceSettings(data_dir=data_dir, pool=PoolSettings(jobs=1, timeout=60), auth=AuthSettings())
    return replace(base, **changes)


@contextmanager
def running(settings: ServiceSettings):
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def upload(client: TestClient, files: list[tuple[str, bytes]], wait: bool = True, **form):
    return client.post(
        "/api/reviews", params={"wait": str(wait).lower()},
        files=[("files", (name, data, "application/octet-stream")) for name, data in files], data=form,
    )
