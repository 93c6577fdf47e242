"""Who may use the service, and what a request may carry.

* ``AllowedHosts`` (ASGI middleware, Starlette's TrustedHostMiddleware inside): answers only requests
  whose Host is one the service is known by, so a page on another site whose name an attacker points
  at this address (DNS rebinding) cannot drive it.
* ``SecurityHeaders``: Content-Security-Policy (scripts and styles from this site only, no inline
  script, no framing), X-Frame-Options, nosniff and Referrer-Policy on every response.
* ``RequestGuard``: refuses a request body over the upload limit before it is parsed (by
  Content-Length, and by counting when the client does not say), and a state-changing request sent
  from another site (its Origin's scheme, host and port are not this service's) — a browser that
  holds a cookie for the service sends it with cross-site form posts too.
* ``Access``: the optional shared secret and named users (users.py). Browsers sign in at /login and
  get a session: a random token in a cookie, kept server-side (``Sessions``) so that signing out ends
  it. API callers send ``Authorization: Bearer <token>`` or HTTP basic authentication. Failed logins
  are limited per user name and per client address (``LoginLimiter``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from fastapi import Request
from sqlalchemy.engine import Engine
from starlette.middleware.trustedhost import TrustedHostMiddleware

from .database import now, sessions
from .settings import AuthSettings
from .users import User, verify_password

SESSION_COOKIE = "contractkit_session"
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
_DEFAULT_PORTS = {"http": "80", "https": "443"}

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'",
    "frame-ancestors 'none'",
))
SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


class AllowedHosts:
    """Starlette's TrustedHostMiddleware deciding; a refusal explained in Chinese (it answers in English)."""

    def __init__(self, app, allowed_hosts: tuple[str, ...]):
        self.app = app
        self.allowed_hosts = allowed_hosts
        self._check = TrustedHostMiddleware(self._allowed, allowed_hosts=list(allowed_hosts), www_redirect=False)

    async def _allowed(self, scope, receive, send):
        scope["contractkit.host_allowed"] = True
        await self.app(scope, receive, send)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def refused_or_sent(message):
            if scope.get("contractkit.host_allowed"):
                await send(message)

        await self._check(scope, receive, refused_or_sent)
        if not scope.get("contractkit.host_allowed"):
            host = _header(scope, b"host") or "（无）"
            await _refuse(scope, send, 400, "host-not-allowed",
                          f"本服务不接受以主机名 {host} 访问；请使用管理员提供的地址，"
                          "或请管理员把该主机名加入允许的主机名")


class SecurityHeaders:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                present = {key.lower() for key, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *((k, v) for k, v in SECURITY_HEADERS if k not in present)]
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyTooLarge(Exception):
    pass


class RequestGuard:
    def __init__(self, app, max_body_bytes: int):
        self.app, self.max_body_bytes = app, max_body_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if scope["method"] in _UNSAFE and not same_origin(headers, scope.get("scheme", "http")):
            return await _refuse(scope, send, 403, "cross-site", "拒绝来自其他网站的请求（来源与本服务不符）")
        declared = headers.get("content-length")
        limit_mb = self.max_body_bytes // (1024 * 1024)
        too_large = f"上传内容超过 {limit_mb} MB 的上限，请分批上传，或请管理员调高上传上限"
        if declared and declared.isdigit() and int(declared) > self.max_body_bytes:
            return await _refuse(scope, send, 413, "too-large", too_large)

        received = 0
        overflowed = refused = False

        async def counting_receive():
            nonlocal received, overflowed
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    overflowed = True
                    raise BodyTooLarge()
            return message

        async def guarded_send(message):
            # The framework turns our exception into its own "cannot parse the body" error;
            # whatever it answers after an overflow is replaced by the 413 the user should see.
            nonlocal refused
            if not overflowed:
                await send(message)
            elif not refused:
                refused = True
                await _refuse(scope, send, 413, "too-large", too_large)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except BodyTooLarge:
            if not refused:
                await _refuse(scope, send, 413, "too-large", too_large)


def same_origin(headers: dict[str, str], scheme: str) -> bool:
    """No Origin (curl, the API), or one naming this service: the same scheme (behind a TLS proxy, the
    one it forwards), host and port (a default port written or not)."""
    origin = headers.get("origin")
    if not origin:  # not a browser's cross-site request (curl, the API, same-origin GET forms)
        return True
    parts = urlsplit(origin)
    if parts.scheme != scheme:
        return False
    return _netloc(parts.netloc, scheme) == _netloc(headers.get("host", ""), scheme)


def _netloc(netloc: str, scheme: str) -> str:
    netloc = netloc.lower()
    default = _DEFAULT_PORTS.get(scheme)
    if default and netloc.endswith(f":{default}"):
        return netloc[: -len(default) - 1]
    return netloc


async def _refuse(scope, send, status: int, code: str, message: str) -> None:
    wants_json = scope["path"].startswith("/api/") or "application/json" in _accept(scope)
    if wants_json:
        body = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False).encode()
        media = b"application/json"
    else:
        from html import escape

        body = f"<!doctype html><meta charset=utf-8><title>请求被拒绝</title><p>{escape(message)}</p>".encode()
        media = b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", media), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def _accept(scope) -> str:
    return _header(scope, b"accept")


def _header(scope, name: bytes) -> str:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return ""


class NotAuthenticated(Exception):
    """No or wrong credentials: API callers get 401, browsers the login page."""

    def __init__(self, challenge: str):
        self.challenge = challenge  # the WWW-Authenticate scheme an API caller should use: Basic or Bearer


class TooManyAttempts(Exception):
    """Too many failed logins for a user name or from a client: refused for ``retry_after`` seconds."""

    def __init__(self, retry_after: int):
        self.retry_after = retry_after

    @property
    def message(self) -> str:
        return f"登录失败次数过多，请 {max(1, -(-self.retry_after // 60))} 分钟后再试"


@dataclass(frozen=True)
class Caller:
    """Who sent a request. ``name``: the signed-in user (None: no access control, or the shared token);
    ``sees_all``: every review, not only their own; ``admin``: deletes any review, changes settings."""

    name: str | None
    sees_all: bool = True
    admin: bool = True
    session: str | None = None  # the session cookie's token, when signed in through the login page

    def owns(self, owner: str | None) -> bool:
        return self.sees_all or (owner is not None and owner == self.name)

    def may_delete(self, owner: str | None) -> bool:
        return self.admin or (self.name is not None and owner == self.name)


NOBODY = Caller(None)  # no access control: everyone sees and does everything


class Sessions:
    """Login sessions kept in the database: only the SHA-256 of each random token is stored."""

    def __init__(self, engine: Engine, hours: float):
        self.engine, self.lifetime = engine, timedelta(hours=hours)

    def create(self, user_name: str) -> str:
        token = secrets.token_urlsafe(32)
        created = now()
        with self.engine.begin() as db:
            db.execute(sessions.delete().where(sessions.c.expires_at < created))
            db.execute(sessions.insert().values(id=_digest(token), user_name=user_name, created_at=created,
                                                expires_at=created + self.lifetime))
        return token

    def user(self, token: str) -> str | None:
        if not token:
            return None
        with self.engine.connect() as db:
            row = db.execute(sa.select(sessions.c.user_name, sessions.c.expires_at)
                             .where(sessions.c.id == _digest(token))).first()
        if row is None:
            return None
        expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=now().tzinfo)
        return row.user_name if expires > now() else None

    def end(self, token: str) -> None:
        with self.engine.begin() as db:
            db.execute(sessions.delete().where(sessions.c.id == _digest(token)))

    def end_all(self, user_name: str) -> int:
        with self.engine.begin() as db:
            return db.execute(sessions.delete().where(sessions.c.user_name == user_name)).rowcount


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class LoginLimiter:
    """Failed logins counted in a sliding window, per user name and per client address."""

    def __init__(self, per_name: int, per_client: int, window_seconds: float, clock=time.monotonic):
        self.per_name, self.per_client, self.window, self.clock = per_name, per_client, window_seconds, clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, name: str, client: str) -> None:
        """Raises TooManyAttempts while ``name`` or ``client`` has failed too often."""
        with self._lock:
            waits = [self._wait(f"name:{name}", self.per_name), self._wait(f"client:{client}", self.per_client)]
        longest = max(waits)
        if longest > 0:
            raise TooManyAttempts(int(longest) + 1)

    def failed(self, name: str, client: str) -> None:
        with self._lock:
            if len(self._failures) > 10_000:  # many names guessed: forget what is past the window
                for key in list(self._failures):
                    self._wait(key, 1)
            for key in (f"name:{name}", f"client:{client}"):
                self._failures.setdefault(key, deque()).append(self.clock())

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(f"name:{name}", None)

    def _wait(self, key: str, limit: int) -> float:
        times = self._failures.get(key)
        if not times:
            return 0.0
        horizon = self.clock() - self.window
        while times and times[0] <= horizon:
            times.popleft()
        if not times:
            del self._failures[key]
            return 0.0
        return times[0] + self.window - self.clock() if len(times) >= limit else 0.0


class Access:
    def __init__(self, settings: AuthSettings, sessions: Sessions):
        self.settings, self.sessions = settings, sessions
        self.limiter = LoginLimiter(settings.max_failures_per_name, settings.max_failures_per_client,
                                    settings.login_window_minutes * 60)
        # Argon2 is slow by design: an API caller's basic credentials, once verified, are remembered
        # (by a keyed digest, never the password) so that each request does not pay for it again.
        self._verified: dict[str, str] = {}
        self._key = secrets.token_bytes(32)

    @property
    def challenge(self) -> str:
        return "Basic" if self.settings.users and not self.settings.token else "Bearer"

    def caller(self, request: Request) -> Caller:
        """Who is calling; raises NotAuthenticated (or TooManyAttempts for basic credentials)."""
        if not self.settings.enabled:
            return NOBODY
        token = request.cookies.get(SESSION_COOKIE, "")
        if token:
            name = self.sessions.user(token)
            if name is not None:
                found = self._caller(name, token)
                if found is not None:
                    return found
        authorization = request.headers.get("authorization", "")
        scheme, _, credentials = authorization.partition(" ")
        if self.settings.token and scheme.lower() == "bearer" and _equal(credentials.strip(), self.settings.token):
            return Caller(None)
        if self.settings.users and scheme.lower() == "basic":
            try:
                name, _, password = base64.b64decode(credentials, validate=True).decode("utf-8").partition(":")
            except (ValueError, UnicodeDecodeError):
                raise NotAuthenticated(self.challenge) from None
            user = self.verify(name, password, client_address(request))
            if user is not None:
                return _user_caller(user, None)
        raise NotAuthenticated(self.challenge)

    def _caller(self, name: str, session: str) -> Caller | None:
        if name == "":  # signed in with the shared token
            return Caller(None, session=session) if self.settings.token else None
        user = self.settings.user(name)
        return _user_caller(user, session) if user is not None else None  # removed from the file: out

    def verify(self, name: str, password: str, client: str) -> User | None:
        """The user if ``password`` is theirs; counts failures, raises TooManyAttempts past the limit."""
        self.limiter.check(name, client)
        user = self.settings.user(name)
        key = hmac.new(self._key, f"{name}\0{password}".encode(), hashlib.sha256).hexdigest()
        if user is not None and self._verified.get(name) == key:
            return user
        if user is not None and verify_password(user, password):
            self._verified[name] = key
            self.limiter.succeeded(name)
            return user
        self.limiter.failed(name, client)
        return None

    def login(self, request: Request, name: str, secret: str) -> str | None:
        """A new session's token for a correct user name and password (or the shared token, with no
        name), else None; raises TooManyAttempts."""
        client = client_address(request)
        if not name and self.settings.token:
            self.limiter.check("", client)
            if _equal(secret, self.settings.token):
                self.limiter.succeeded("")
                return self.sessions.create("")
            self.limiter.failed("", client)
            return None
        user = self.verify(name, secret, client) if self.settings.users and name else None
        if user is None:
            if not (self.settings.users and name):
                self.limiter.failed(name, client)
            return None
        return self.sessions.create(user.name)

    def logout(self, request: Request) -> None:
        token = request.cookies.get(SESSION_COOKIE, "")
        if token:
            self.sessions.end(token)


def _user_caller(user: User, session: str | None) -> Caller:
    return Caller(user.name, sees_all=user.sees_all, admin=user.admin, session=session)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _equal(given: str, expected: str | None) -> bool:
    return expected is not None and hmac.compare_digest(given.encode(), expected.encode())
