"""Who may use the service, and what a request may carry.

* ``RequestGuard`` (ASGI middleware): refuses a request body over the upload
  limit before it is parsed (by Content-Length, and by counting when the
  client does not say), and a state-changing request sent from another site
  (its Origin is not this host) — a browser that holds a password or cookie
  for the service sends it with cross-site form posts too.
* ``Access``: the optional shared secret (``Authorization: Bearer``, or the
  cookie the login page sets) and named users (HTTP basic authentication).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from urllib.parse import urlsplit

from fastapi import Request

from .settings import AuthSettings

SESSION_COOKIE = "contractkit_session"
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class BodyTooLarge(Exception):
    pass


class RequestGuard:
    def __init__(self, app, max_body_bytes: int):
        self.app, self.max_body_bytes = app, max_body_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if scope["method"] in _UNSAFE and not _same_origin(headers):
            return await _refuse(scope, send, 403, "cross-site", "拒绝来自其他网站的请求（Origin 与本服务不符）")
        declared = headers.get("content-length")
        limit_mb = self.max_body_bytes // (1024 * 1024)
        too_large = f"上传内容超过 {limit_mb} MB 的上限，请分批上传或调高 --max-upload-mb"
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


def _same_origin(headers: dict[str, str]) -> bool:
    origin = headers.get("origin")
    if not origin:  # not a browser's cross-site request (curl, the API, same-origin GET forms)
        return True
    return urlsplit(origin).netloc == headers.get("host", "")


async def _refuse(scope, send, status: int, code: str, message: str) -> None:
    wants_json = scope["path"].startswith("/api/") or "application/json" in _accept(scope)
    if wants_json:
        body = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False).encode()
        media = b"application/json"
    else:
        body = f"<!doctype html><meta charset=utf-8><title>请求被拒绝</title><p>{message}</p>".encode()
        media = b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", media), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def _accept(scope) -> str:
    for key, value in scope["headers"]:
        if key == b"accept":
            return value.decode("latin-1")
    return ""


class NotAuthenticated(Exception):
    """No or wrong credentials: API callers get 401, browsers the login page or a password prompt."""

    def __init__(self, basic: bool):
        self.basic = basic


class Access:
    def __init__(self, settings: AuthSettings):
        self.settings = settings
        self._session = (
            hmac.new(settings.token.encode(), b"contractkit-session", hashlib.sha256).hexdigest()
            if settings.token else None
        )

    def user(self, request: Request) -> str | None:
        """The authenticated user's name ('' for the shared secret); raises NotAuthenticated."""
        if not self.settings.enabled:
            return None
        authorization = request.headers.get("authorization", "")
        scheme, _, credentials = authorization.partition(" ")
        if self.settings.token:
            if scheme.lower() == "bearer" and _equal(credentials.strip(), self.settings.token):
                return ""
            if _equal(request.cookies.get(SESSION_COOKIE, ""), self._session):
                return ""
        if self.settings.users and scheme.lower() == "basic":
            try:
                name, _, password = base64.b64decode(credentials).decode("utf-8").partition(":")
            except (ValueError, UnicodeDecodeError):
                raise NotAuthenticated(basic=True) from None
            for known, secret in self.settings.users:
                if _equal(name, known) & _equal(password, secret):
                    return name
        raise NotAuthenticated(basic=bool(self.settings.users) and not self.settings.token)

    def login(self, token: str) -> str | None:
        """The session cookie's value for a correct shared secret, else None."""
        if self.settings.token and _equal(token, self.settings.token):
            return self._session
        return None


def _equal(given: str, expected: str | None) -> bool:
    return expected is not None and hmac.compare_digest(given.encode(), expected.encode())
