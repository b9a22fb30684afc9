"""Secrets at rest and tokens on the wire.

- Clerk passwords: Argon2id (argon2-cffi), the OWASP-recommended algorithm.
- Device tokens: long random strings; only their SHA-256 is stored (they carry enough
  entropy that a slow hash adds nothing, and the lookup stays one indexed query).
- Clerk sessions: signed JWTs (HS256 with the server secret), so any server process can
  check them without shared memory.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import SecretStr

_hasher = PasswordHasher()
# Verified against when the user does not exist, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash("kolejka-no-such-user")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(nbytes: int = 24) -> str:
    return secrets.token_urlsafe(nbytes)


@dataclass(frozen=True, slots=True)
class ClerkClaims:
    clerk_id: int
    site_id: int
    role: str
    expires_at: datetime
    issued_at: int = 0  # the token's `iat`, whole seconds (a sign-out refuses older ones)
    password_mark: str | None = None  # `pwd`: which password it was issued under


def _key(secret: str | SecretStr) -> str:
    """The settings' SecretStr (or the plain text) as the signing key."""
    return secret.get_secret_value() if isinstance(secret, SecretStr) else secret


def password_mark(secret: str | SecretStr, password_hash: str) -> str:
    """What a clerk's token says of the password it was issued under: a new password
    (a reset) ends every session of the old one. A MAC under the server's secret, so the
    token, which anyone holding it can read, tells nothing of the hash."""
    mac = hmac.new(_key(secret).encode(), b"clerk-password|" + password_hash.encode(), "sha256")
    return mac.hexdigest()[:16]


def issue_clerk_token(
    *,
    secret: str | SecretStr,
    clerk_id: int,
    site_id: int,
    role: str,
    now: datetime,
    ttl_s: int,
    password_hash: str = "",
) -> tuple[str, datetime]:
    expires = now + timedelta(seconds=ttl_s)
    payload = {
        "sub": str(clerk_id),
        "site": site_id,
        "role": role,
        "iat": int(now.timestamp()),
        "exp": int(expires.timestamp()),
        "typ": "clerk",
        "pwd": password_mark(secret, password_hash),
    }
    return jwt.encode(payload, _key(secret), algorithm="HS256"), expires


def read_clerk_token(token: str, *, secret: str | SecretStr, now: datetime) -> ClerkClaims | None:
    """The claims of a valid, unexpired clerk token; None for anything else."""
    try:
        data = jwt.decode(
            token,
            _key(secret),
            algorithms=["HS256"],
            options={
                # Expiry is checked below against the injected clock, not the wall clock.
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
                "require": ["sub", "exp", "site", "role"],
            },
        )
    except jwt.PyJWTError:
        return None
    if data.get("typ") != "clerk" or int(data["exp"]) <= now.timestamp():
        return None
    return ClerkClaims(
        clerk_id=int(data["sub"]),
        site_id=int(data["site"]),
        role=str(data["role"]),
        expires_at=datetime.fromtimestamp(int(data["exp"]), tz=now.tzinfo),
        issued_at=int(data.get("iat", 0)),
        password_mark=str(data["pwd"]) if "pwd" in data else None,
    )
