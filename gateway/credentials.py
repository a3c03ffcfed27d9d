"""Credentials without storage: API keys, password hashes and signed login tokens.

- API keys (`mp_` + 43 URL-safe characters, 256 random bits; the format is in
  `plumbing/api_keys.py`) are for machine clients. Only their SHA-256 is stored: a key
  is as strong as a random secret can be, so a slow hash would add cost to every
  request and no safety.
- Passwords (the dashboard's login) are stored as argon2id hashes (argon2-cffi), and
  verified off the event loop (passwords.py).
- A login yields a JWT (PyJWT, HS256) naming the customer, role and session (`jti`), for
  a limited time; the session is stored (sessions.py), so the token can be revoked.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any, Literal
from uuid import UUID

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from msgplat.plumbing.api_keys import KEY_PREFIX

Role = Literal["customer", "operator"]
# How the caller proved who they are: an API key; a token from a password login or from
# an API key (POST /auth/login); a stream ticket (the live stream only).
Via = Literal["api_key", "password_login", "api_key_login", "stream_ticket"]

_hasher = PasswordHasher()


@dataclass(frozen=True)
class Identity:
    """The authenticated caller, and the limits of their account (None: the defaults)."""

    user_id: str
    role: Role
    requests_per_second: int | None = None
    recipients_per_day: int | None = None
    via: Via = "api_key"
    api_key_id: UUID | None = None  # the key used, or the one the token was made from
    session_id: UUID | None = None  # a login token's session

    @classmethod
    def of_customer(
        cls,
        row: Any,
        *,
        via: Via = "api_key",
        api_key_id: UUID | None = None,
        session_id: UUID | None = None,
    ) -> Identity:
        """The caller a row of `customers` names (its role and limits), authenticated so."""
        return cls(
            user_id=row.user_id,
            role=row.role,
            requests_per_second=row.requests_per_second,
            recipients_per_day=row.recipients_per_day,
            via=via,
            api_key_id=api_key_id,
            session_id=session_id,
        )


@dataclass(frozen=True)
class TokenClaims:
    user_id: str
    role: Role
    session_id: UUID


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_prefix(key: str) -> str:
    return key[: len(KEY_PREFIX) + 6]


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    if password_hash is None:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def issue_token(
    identity: Identity, *, session_id: UUID, secret: str, ttl_s: int, now: float | None = None
) -> str:
    issued = int(now if now is not None else time.time())
    claims = {
        "sub": identity.user_id,
        "role": identity.role,
        "jti": str(session_id),
        "iat": issued,
        "exp": issued + ttl_s,
    }
    return jwt.encode(claims, secret, algorithm="HS256")


def read_token(token: str, *, secret: str) -> TokenClaims | None:
    """The claims of a well-signed, unexpired token naming its session; None for anything
    else. Whether the session still holds is the database's to say (sessions.py)."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            options={"require": ["sub", "exp", "role", "jti"]},
        )
        session_id = UUID(str(claims["jti"]))
    except (jwt.PyJWTError, ValueError):
        return None
    role = claims["role"]
    if role not in ("customer", "operator") or not isinstance(claims["sub"], str):
        return None
    return TokenClaims(user_id=claims["sub"], role=role, session_id=session_id)
