"""The team's users file: one user a line, ``name:argon2 hash[:role]``; never a password in the clear.

``contractkit users add NAME --users-file FILE`` asks for the password and writes its Argon2id hash
(argon2-cffi's defaults, RFC 9106's recommended profile); ``contractkit serve --users-file FILE``
reads the file and refuses one with a password that is not hashed. A role says what the user may
see and do:

* ``user``  (the default) – their own reviews only;
* ``team``  – every review of the team; deleting one uploaded by someone else is refused;
* ``admin`` – every review, deleting any, and the team's organisation settings.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ROLES = ("user", "team", "admin")
ROLE_NAMES_ZH = {"user": "成员（只看自己的审查）", "team": "团队（看全部审查）", "admin": "管理员"}
_NAME = re.compile(r"[^\s:#][^\s:]{0,99}")
_HASHER = PasswordHasher()
MIN_PASSWORD = 8


class UsersFileError(ValueError):
    """A users file (or a user) the service cannot use; the message names the file and line."""


@dataclass(frozen=True)
class User:
    name: str
    password_hash: str
    role: str = "user"

    @property
    def sees_all(self) -> bool:
        return self.role in ("team", "admin")

    @property
    def admin(self) -> bool:
        return self.role == "admin"


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UsersFileError(f"the password must be at least {MIN_PASSWORD} characters long")
    return _HASHER.hash(password)


def verify_password(user: User, password: str) -> bool:
    try:
        return _HASHER.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def parse_users(text: str, source: str) -> tuple[User, ...]:
    users: dict[str, User] = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, rest = line.partition(":")
        password_hash, _, role = rest.partition(":")
        role = role.strip() or "user"
        where = f"{source}, line {number}"
        if not sep or not _NAME.fullmatch(name):
            raise UsersFileError(f"{where}: expected name:hash[:role] (a name without spaces or colons)")
        if not password_hash.startswith("$argon2"):
            raise UsersFileError(
                f"{where}: the password of {name} is not hashed; set it with "
                f"`contractkit users add {name} --users-file {source}`")
        if role not in ROLES:
            raise UsersFileError(f"{where}: unknown role {role!r}; one of {', '.join(ROLES)}")
        if name in users:
            raise UsersFileError(f"{where}: {name} is in the file twice")
        users[name] = User(name, password_hash, role)
    return tuple(users.values())


def read_users(path: Path) -> tuple[User, ...]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsersFileError(f"{path}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
    users = parse_users(text, str(path))
    if not users:
        raise UsersFileError(f"{path}: no users in the file")
    return users


def add_user(path: Path, name: str, password: str, role: str = "user") -> bool:
    """Add ``name`` (or set their password and role) in the users file, created readable by its owner
    only; comments and other users are kept. True if the user was new."""
    if not _NAME.fullmatch(name):
        raise UsersFileError(f"{name!r} is not a user name: no spaces or colons, at most 100 characters")
    if role not in ROLES:
        raise UsersFileError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    line = f"{name}:{hash_password(password)}:{role}"
    path = Path(path)
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else [
        "# contractkit users: name:argon2 hash:role (user, team or admin) — edit with `contractkit users add`"]
    parse_users("\n".join(lines), str(path))  # refuse to rewrite a file we could not read back
    found = False
    for index, existing in enumerate(lines):
        if existing.strip().partition(":")[0] == name and not existing.lstrip().startswith("#"):
            lines[index], found = line, True
    if not found:
        lines.append(line)
    _write_private(path, "\n".join(lines) + "\n")
    return not found


def remove_user(path: Path, name: str) -> bool:
    path = Path(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if line.lstrip().startswith("#") or line.strip().partition(":")[0] != name]
    if len(kept) == len(lines):
        return False
    _write_private(path, "\n".join(kept) + "\n")
    return True


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.chmod(temporary, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
