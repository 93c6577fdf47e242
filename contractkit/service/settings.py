"""How the review service runs: one frozen settings object, the only place its defaults live."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from contractkit.api import PoolSettings


def default_data_dir() -> Path:
    """$CONTRACTKIT_DATA_DIR, else the user's data folder (XDG), never the working directory."""
    configured = os.environ.get("CONTRACTKIT_DATA_DIR")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "contractkit"


@dataclass(frozen=True)
class AuthSettings:
    """Optional access control for a team deployment: a shared secret, or named users (basic auth)."""

    token: str | None = None
    users: tuple[tuple[str, str], ...] = ()  # (name, password)

    @property
    def enabled(self) -> bool:
        return bool(self.token or self.users)


@dataclass(frozen=True)
class ServiceSettings:
    data_dir: Path = field(default_factory=default_data_dir)
    database_url: str | None = None  # None: SQLite file in data_dir
    host: str = "127.0.0.1"
    port: int = 8000
    pool: PoolSettings = PoolSettings()
    max_upload_mb: int = 50  # per request, all files together
    max_files: int = 200  # documents per review (a .zip counts its contracts)
    auth: AuthSettings = AuthSettings()

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "contractkit.sqlite3"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.sqlite_path}"


class SettingsError(ValueError):
    """A configuration the service cannot start with; the message names the file or option."""


def load_auth(token_file: Path | None = None, users_file: Path | None = None) -> AuthSettings:
    """Secrets come from files or the environment, never from the command line (``ps`` shows it).

    * the token: ``token_file``'s first line, else $CONTRACTKIT_AUTH_TOKEN;
    * users: ``users_file``, one ``name:password`` per line (``#`` starts a comment).
    """
    token = os.environ.get("CONTRACTKIT_AUTH_TOKEN") or None
    if token_file is not None:
        text = _read_secret(token_file).strip()
        token = text.splitlines()[0].strip() if text else ""
        if not token:
            raise SettingsError(f"{token_file}: the token file is empty")
    if token is not None and len(token) < 16:
        raise SettingsError("the access token must be at least 16 characters long")
    users = []
    if users_file is not None:
        for number, line in enumerate(_read_secret(users_file).splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, sep, password = line.partition(":")
            if not sep or not name.strip() or not password:
                raise SettingsError(f"{users_file}, line {number}: expected name:password")
            users.append((name.strip(), password))
        if not users:
            raise SettingsError(f"{users_file}: no users in the file")
    return AuthSettings(token=token, users=tuple(users))


def _read_secret(path: Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
