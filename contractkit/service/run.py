"""Starting the service from the command line: options → ServiceSettings → uvicorn."""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import fields, replace
from pathlib import Path

from .settings import ServiceSettings, check_hosts, load_auth


def settings_from_options(*, auth_token_file: Path | None = None, users_file: Path | None = None,
                          jobs=None, timeout=None, **given) -> ServiceSettings:
    """Only the options given replace ServiceSettings' defaults (which live there alone)."""
    settings = ServiceSettings()
    if given.get("allowed_hosts"):
        given["allowed_hosts"] = check_hosts(given["allowed_hosts"])
    known = {f.name for f in fields(ServiceSettings)}
    values = {k: v for k, v in given.items() if v is not None and k in known}
    pool = {k: v for k, v in {"jobs": jobs, "timeout": timeout}.items() if v is not None}
    return replace(
        settings, **values, pool=replace(settings.pool, **pool) if pool else settings.pool,
        auth=load_auth(auth_token_file, users_file),
    )


def run_service(settings: ServiceSettings) -> None:
    import click
    import uvicorn

    from .app import create_app
    from .database import create_database_engine, migrate

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)  # one line per migration step is noise
    if not settings.auth.enabled and not _loopback(settings.host):
        click.echo(f"warning: listening on {settings.host} without --auth-token-file or --users-file: "
                   "anyone who can reach this address can read the uploaded contracts", err=True)
    where = settings.database_url and "PostgreSQL" or settings.sqlite_path
    click.echo(f"contractkit 审查服务：http://{_display_host(settings.host)}:{settings.port}/ "
               f"（历史记录：{where}；上传文件：{settings.uploads_dir}）", err=True)
    click.echo(f"只接受以下主机名的请求（--allowed-host）：{'、'.join(settings.effective_allowed_hosts)}", err=True)
    # Open and migrate the database before serving, so a bad URL is one clear line, not a start-up trace.
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_database_engine(settings.effective_database_url)
    migrate(engine)
    engine.dispose()
    # On SIGTERM or Ctrl-C uvicorn finishes the requests under way (5 s at most), then the app's lifespan
    # ends: the checking pool stops, and the files not yet checked stay queued for the next start.
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info",
                timeout_graceful_shutdown=5, proxy_headers=True,
                forwarded_allow_ips=list(settings.trusted_proxies), server_header=False)


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _display_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "::") else host
