"""How the review service runs: one frozen settings object, the only place its defaults live."""

from __future__ import annotations

import ipaddress
import os
import socket
from dataclasses import dataclass, field
from pathlib import Path

from contractkit.api import PoolSettings

from .users import User, UsersFileError, read_users


def default_data_dir() -> Path:
    """$CONTRACTKIT_DATA_DIR, else the user's data folder (XDG), never the working directory."""
    configured = os.environ.get("CONTRACTKIT_DATA_DIR")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "contractkit"


@dataclass(frozen=True)
class AuthSettings:
    """Optional access control for a team deployment: a shared secret, or named users (users.py), who
    sign in at /login (a session per login) or, for API callers, send HTTP basic authentication."""

    token: str | None = None
    users: tuple[User, ...] = ()
    session_hours: float = 12.0  # a login lasts this long, unless the user signs out first
    # Failed logins allowed per user name, and per client address, within login_window_minutes.
    max_failures_per_name: int = 5
    max_failures_per_client: int = 20
    login_window_minutes: float = 15.0

    @property
    def enabled(self) -> bool:
        return bool(self.token or self.users)

    def user(self, name: str) -> User | None:
        return next((u for u in self.users if u.name == name), None)


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
    # Host names the service answers to (a DNS-rebinding page reaches it under its own); None: the
    # defaults (effective_allowed_hosts). "*" allows any.
    allowed_hosts: tuple[str, ...] | None = None
    # Reverse proxies whose X-Forwarded-Proto/-For are believed (uvicorn's forwarded_allow_ips).
    trusted_proxies: tuple[str, ...] = ("127.0.0.1",)
    duplicate_days: int = 30  # an identical file uploaded within this many days is pointed out
    playbooks_dir: Path | None = None  # the playbooks (YAML) a review may be checked against; None: uploads only

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

    @property
    def effective_allowed_hosts(self) -> tuple[str, ...]:
        """The allowed hosts given, else the bind address, localhost and the loopback addresses; bound to
        every address (0.0.0.0, ::), also this machine's names and the addresses they resolve to."""
        if self.allowed_hosts:
            return self.allowed_hosts
        hosts = ["localhost", "127.0.0.1", "::1"]
        if self.host in ("0.0.0.0", "::", ""):
            names = {socket.gethostname(), socket.getfqdn()}
            hosts += sorted(names)
            for name in sorted(names):
                try:
                    hosts += sorted({str(info[4][0]) for info in socket.getaddrinfo(name, None)})
                except OSError:
                    pass
        else:
            hosts.append(self.host)
        return tuple(dict.fromkeys(h.lower() for h in hosts if h))


class SettingsError(ValueError):
    """A configuration the service cannot start with; the message names the file or option."""


def load_auth(token_file: Path | None = None, users_file: Path | None = None) -> AuthSettings:
    """Secrets come from files or the environment, never from the command line (``ps`` shows it).

    * the token: ``token_file``'s first line, else $CONTRACTKIT_AUTH_TOKEN;
    * users: ``users_file``, one ``name:argon2 hash[:role]`` per line (``#`` starts a comment), as
      ``contractkit users add`` writes it.
    """
    token = os.environ.get("CONTRACTKIT_AUTH_TOKEN") or None
    if token_file is not None:
        text = _read_secret(token_file).strip()
        token = text.splitlines()[0].strip() if text else ""
        if not token:
            raise SettingsError(f"{token_file}: the token file is empty")
    if token is not None and len(token) < 16:
        raise SettingsError("the access token must be at least 16 characters long")
    users: tuple[User, ...] = ()
    if users_file is not None:
        try:
            users = read_users(users_file)
        except UsersFileError as exc:
            raise SettingsError(str(exc)) from None
    return AuthSettings(token=token, users=users)


def check_hosts(hosts: tuple[str, ...]) -> tuple[str, ...]:
    """--allowed-host values: host names or addresses (no scheme, port or path); *.domain for a domain."""
    for host in hosts:
        bare = host[2:] if host.startswith("*.") else host
        if host == "*":
            continue
        try:
            ipaddress.ip_address(bare)
            continue
        except ValueError:
            pass
        if not bare or any(c in bare for c in "/:*@ ") or bare.startswith("."):
            raise SettingsError(f"--allowed-host {host!r}: give a host name such as contracts.example.com "
                                "or *.example.com (no scheme, port or path)")
    return tuple(h.lower() for h in hosts)


def _read_secret(path: Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
