"""The API key format, held once for whoever makes or recognises a key: the gateway
issues keys and tells them from login tokens; the local stack and the tests generate
the operator's and the demo customer's keys before the gateway runs.

A key is `mp_` + 43 URL-safe characters (256 random bits). Pure: no storage, no I/O.
"""

from __future__ import annotations

import secrets

KEY_PREFIX = "mp_"


def new_api_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def looks_like_api_key(credential: str) -> bool:
    return credential.startswith(KEY_PREFIX)
