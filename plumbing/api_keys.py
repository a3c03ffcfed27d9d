"""The API key format, held once for whoever makes or recognises a key: the gateway
issues keys and tells them from login tokens; the local stack and the tests generate
the operator's and the demo customer's keys before the gateway runs.

A key is `mp_` + 43 URL-safe characters (256 random bits). Pure: no storage, no I/O.
"""

from __future__ import annotations

import re
import secrets

KEY_PREFIX = "mp_"
KEY_RULE = (
    "`mp_` followed by 43 URL-safe characters (A-Z, a-z, 0-9, `-`, `_`), "
    "e.g. `python -c 'import secrets; print(\"mp_\" + secrets.token_urlsafe(32))'`"
)
_KEY = re.compile(r"mp_[A-Za-z0-9_-]{43}")


def new_api_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def looks_like_api_key(credential: str) -> bool:
    """Meant as a key rather than a token (which may still be a wrong key)."""
    return credential.startswith(KEY_PREFIX)


def is_api_key(credential: str) -> bool:
    """Has the form of a key `new_api_key` makes (KEY_RULE)."""
    return _KEY.fullmatch(credential) is not None
