"""Credentials without storage: API keys, password hashes and signed login tokens.

- API keys (`mp_` + 43 URL-safe characters, 256 random bits; the format is in
  `plumbing/api_keys.py`) are for machine clients. Only their SHA-256 is stored: a key
  is as strong as a random secret can be, so a slow hash would add cost to every
  request and no safety.
- Passwords (the dashboard's login) are stored as argon2id hashes (argon2-cffi).
- A login yields a JWT (PyJWT, HS256) naming the customer and role, for a limited time.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Literal

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from msgplat.plumbing.api_keys import KEY_PREFIX

Role = Literal["customer", "operator"]

_hasher = PasswordHasher()


@dataclass(frozen=True)
class Identity:
    """The authenticated caller, and the limits of their account (None: the defaults)."""

    user_id: str
    role: Role
    requests_per_second: int | None = None
    recipients_per_day: int | None = None


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


def issue_token(identity: Identity, *, secret: str, ttl_s: int, now: float | None = None) -> str:
    issued = int(now if now is not None else time.time())
    claims = {"sub": identity.user_id, "role": identity.role, "iat": issued, "exp": issued + ttl_s}
    return jwt.encode(claims, secret, algorithm="HS256")


def read_token(token: str, *, secret: str) -> tuple[str, Role] | None:
    """(user id, role) of a valid, unexpired token; None for anything else."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=["HS256"], options={"require": ["sub", "exp", "role"]}
        )
    except jwt.PyJWTError:
        return None
    role = claims["role"]
    if role not in ("customer", "operator") or not isinstance(claims["sub"], str):
        return None
    return claims["sub"], role
