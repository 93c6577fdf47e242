"""Starting the review service in-process for the API tests (FastAPI's test client runs its lifespan)."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
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
    # "testserver": the Host the test client sends (the service answers only the hosts it is known by)
    base = ServiceSettings(data_dir=data_dir, pool=PoolSettings(jobs=1, timeout=60), auth=AuthSettings(),
                           allowed_hosts=("testserver",))
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


def upload(client: TestClient, files: list[tuple[str, bytes]], wait: bool = True, headers=None, extra_files=(),
           **form):
    """POST /api/reviews; ``extra_files``: further file fields, e.g. ``[("playbook_file", (name, data))]``."""
    return client.post(
        "/api/reviews", params={"wait": str(wait).lower()},
        files=[*(("files", (name, data, "application/octet-stream")) for name, data in files), *extra_files],
        data=form, headers=headers,
    )


# ---------------------------------------------------------------- a real `contractkit serve` process
LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through an http_proxy
STARTUP_SECONDS = 90


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_serve(data_dir: Path, *options: str, port: int | None = None) -> tuple[subprocess.Popen, str, Path]:
    """A `contractkit serve` subprocess (its own process group) on a free port, once it answers
    /api/health: (process, base URL, its log file)."""
    port = port or free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = data_dir.parent / f"{data_dir.name}-{port}.log"
    command = [sys.executable, "-m", "contractkit.cli", "serve", "--port", str(port), "--data-dir", str(data_dir),
               *options]
    with open(log_path, "ab") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=REPO,
                                   env={**os.environ, "PYTHONUNBUFFERED": "1"}, start_new_session=True)
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with LOCAL.open(f"{base}/api/health", timeout=2) as response:
                if response.status == 200:
                    return process, base, log_path
        except urllib.error.HTTPError as exc:
            if exc.code == 401:  # up, and asking who we are (a service with named users)
                return process, base, log_path
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    stop_serve(process)
    raise AssertionError(f"contractkit serve did not start; its log:\n{log_path.read_text(errors='replace')}")


def stop_serve(process: subprocess.Popen) -> None:
    """SIGTERM (as a service manager stops it), then whatever is left of its process group is killed."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=10)


def children_of(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped is not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def api_json(base: str, path: str, method: str = "GET", body: bytes | None = None,
             headers: dict[str, str] | None = None):
    request = urllib.request.Request(f"{base}{path}", data=body, method=method, headers=headers or {})
    with LOCAL.open(request, timeout=60) as response:
        return json.loads(response.read() or b"null")


def multipart(files: list[tuple[str, bytes]], fields: dict[str, str] | None = None) -> tuple[bytes, str]:
    """A multipart/form-data body of ``files`` (field "files") and ``fields``; (body, content type)."""
    boundary = "contractkit-test-boundary"
    parts = []
    for name, value in (fields or {}).items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, data in files:
        head = (f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n")
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
