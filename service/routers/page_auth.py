"""Sign-in for the counsellor and analyst pages: a cookie, CSRF tokens and same-origin checks.

The cookie holds the role token the user pasted (HttpOnly, SameSite=Strict, Secure over https);
it is verified on every request by the same TokenVerifier as the API's bearer tokens (cached
after the first scrypt), so removing a token from the settings ends its sessions at once. Forms
carry a CSRF token derived from the session token (HMAC), which an attacker without the cookie
cannot compute and which needs no server-side session store shared between worker processes.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from service.deps import AppContext, client_key
from service.security import GRANTS, Role

COOKIE_NAME = "tsunagu_session"
COOKIE_MAX_AGE = 8 * 60 * 60  # one working day
_CSRF_CONTEXT = b"tsunagu-page-csrf-v1"

# Where the login form may send the user afterwards (no open redirect), and the role each needs.
PAGE_ROLES: dict[str, Role] = {"/counsellor": Role.counsellor, "/admin": Role.analyst}
ROLE_LABELS = {Role.counsellor: "相談員（counsellor）", Role.analyst: "分析担当（analyst）"}


@dataclass(frozen=True)
class PageSession:
    """A signed-in user of the pages."""

    role: Role
    csrf: str

    def may(self, needed: Role) -> bool:
        return needed in GRANTS[self.role]


def csrf_for(token: str) -> str:
    return hmac.new(token.encode("utf-8", "surrogatepass"), _CSRF_CONTEXT, hashlib.sha256).hexdigest()


async def current_session(request: Request, ctx: AppContext) -> PageSession | None:
    """The session from the cookie, or None without one (or with a token no longer valid)."""
    token = request.cookies.get(COOKIE_NAME)
    if not token:
        return None
    role = await run_in_threadpool(ctx.verifier.role_of, token)  # scrypt on first sight: off the loop
    if role is None:
        return None
    return PageSession(role, csrf_for(token))


async def verify_token(ctx: AppContext, token: str) -> Role | None:
    return await run_in_threadpool(ctx.verifier.role_of, token.strip())


def too_many_attempts(request: Request, ctx: AppContext) -> bool:
    """Every sign-in attempt counts against the client's rate limit (slows token guessing)."""
    return ctx.limiter.hit(client_key(request)) is not None


def csrf_ok(session: PageSession | None, submitted: str | None) -> bool:
    return session is not None and bool(submitted) and hmac.compare_digest(session.csrf, str(submitted))


def same_origin(request: Request) -> bool:
    """False when the browser says the form came from another site (Origin, else Referer).
    `Origin: null` says nothing — browsers send it on every form post under the service's
    Referrer-Policy: no-referrer — so the CSRF token and the SameSite=Strict cookie are what
    guard the signed-in forms; this check only adds a refusal when a header names another site."""
    host = request.headers.get("host", "")
    origin = request.headers.get("origin")
    if origin and origin != "null":
        return urlsplit(origin).netloc == host
    referer = request.headers.get("referer")
    return not referer or urlsplit(referer).netloc == host


def safe_next(value: str | None) -> str:
    """Only the pages that need a sign-in are valid targets after it."""
    return value if value in PAGE_ROLES else "/counsellor"


def cookie_is_secure(request: Request, ctx: AppContext) -> bool:
    return request.url.scheme == "https" or ctx.settings.environment == "production"
