"""Roles and bearer tokens.

Tokens are random and long, stored only as scrypt hashes (`scrypt$n$r$p$salt$hash`, stdlib).
Verifying a hash is deliberately slow (~70 ms), so each worker remembers the tokens it has
already verified, keyed by an HMAC under a per-process random key (never the token itself).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from service.settings import Settings


class Role(str, Enum):
    public = "public"
    counsellor = "counsellor"
    analyst = "analyst"


# An analyst may do what a counsellor may (e.g. read referral records); not the other way round.
GRANTS: dict[Role, frozenset[Role]] = {
    Role.public: frozenset({Role.public}),
    Role.counsellor: frozenset({Role.public, Role.counsellor}),
    Role.analyst: frozenset({Role.public, Role.counsellor, Role.analyst}),
}

DEFAULT_SCRYPT_N = 2**14


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_token() -> str:
    """A fresh random bearer token (256 bits)."""
    return secrets.token_urlsafe(32)


def hash_token(token: str, *, n: int = DEFAULT_SCRYPT_N, r: int = 8, p: int = 1) -> str:
    """The stored form of `token`: scrypt with a random salt and its parameters."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(token.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(digest)}"


def is_token_hash(value: str) -> bool:
    parts = value.split("$")
    return len(parts) == 6 and parts[0] == "scrypt" and all(x.isdigit() for x in parts[1:4])


def verify_token(token: str, stored: str) -> bool:
    """True when `token` hashes to `stored` (constant-time comparison)."""
    if not is_token_hash(stored):
        return False
    _, n, r, p, salt, digest = stored.split("$")
    try:
        expected = _unb64(digest)
        actual = hashlib.scrypt(
            token.encode("utf-8"), salt=_unb64(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected)
        )
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(actual, expected)


class TokenVerifier:
    """Maps a bearer token to its role and municipality, with a per-process cache of tokens
    already verified. Global tokens act for the default municipality; scoped ones
    (`CODE:ROLE:HASH`) for their own municipality only."""

    def __init__(self, counsellor_hashes: list[str], analyst_hashes: list[str], *,
                 scoped: list[str] = (), default_municipality: str = "000000"):
        self.default_municipality = default_municipality
        self._hashes: list[tuple[Role, str, str]] = [
            (Role.analyst, default_municipality, h) for h in analyst_hashes
        ] + [(Role.counsellor, default_municipality, h) for h in counsellor_hashes]
        for item in scoped:
            code, role, stored = item.split(":", 2)
            self._hashes.append((Role(role), code, stored))
        self._key = os.urandom(32)
        self._known: dict[bytes, tuple[Role, str]] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: "Settings") -> "TokenVerifier":
        return cls(settings.counsellor_tokens, settings.analyst_tokens, scoped=settings.municipality_tokens,
                   default_municipality=settings.default_municipality)

    def grant_of(self, token: str) -> tuple[Role, str] | None:
        """(role, municipality) a token grants, or None for an unknown token."""
        if not token or len(token) > 512:
            return None
        key = hmac.new(self._key, token.encode("utf-8", "surrogatepass"), hashlib.sha256).digest()
        with self._lock:
            grant = self._known.get(key)
        if grant is not None:
            return grant
        for role, code, stored in self._hashes:
            if verify_token(token, stored):
                with self._lock:
                    self._known[key] = (role, code)
                return role, code
        return None

    def role_of(self, token: str, municipality: str | None = None) -> Role | None:
        """The role a token grants in `municipality` (default: the default one), or None for an
        unknown token or one that belongs to another municipality."""
        grant = self.grant_of(token)
        if grant is None or grant[1] != (municipality or self.default_municipality):
            return None
        return grant[0]


def read_dev_tokens(path: Path) -> dict[str, str]:
    """Plain development tokens by role from `path` (lines `role=token`)."""
    tokens: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        role, token = line.split("=", 1)
        tokens[role.strip()] = token.strip()
    return tokens


def ensure_dev_tokens(path: Path) -> dict[str, str]:
    """Development tokens from `path`, generated (mode 0600) on first use. Safe with several
    worker processes: the first one creates the file exclusively, the others read it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tokens = {Role.counsellor.value: new_token(), Role.analyst.value: new_token()}
    body = (
        "# tsunagu development tokens — send as `Authorization: Bearer <token>`. Not for production.\n"
        + "".join(f"{role}={token}\n" for role, token in tokens.items())
    )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return read_dev_tokens(path)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(body)
    return tokens


def with_dev_tokens(settings: "Settings") -> "Settings":
    """Settings whose empty token lists are filled from the development token file."""
    if settings.counsellor_tokens and settings.analyst_tokens:
        return settings
    plain = ensure_dev_tokens(settings.dev_tokens_path)
    changes: dict[str, list[str]] = {}
    for role in (Role.counsellor, Role.analyst):
        field = f"{role.value}_tokens"
        if not getattr(settings, field) and plain.get(role.value):
            # Cheaper hash parameters are fine for a throw-away development token.
            changes[field] = [hash_token(plain[role.value], n=2**12)]
    return settings.model_copy(update=changes)
