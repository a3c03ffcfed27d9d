"""Who is calling the gateway, and may they call now: authentication and rate limits.

Every proxied request carries `Authorization: Bearer <credential>`: an API key
(`mp_...`) or a login token (JWT). The live stream also takes the credential as
`?accessToken=`, because a browser's EventSource cannot send headers. The identity
found is passed to the services as `X-Caller-*` headers (plumbing/caller.py).
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request

from msgplat.gateway import accounts
from msgplat.gateway.credentials import Identity, key_hash, read_token
from msgplat.gateway.settings import GatewaySettings
from msgplat.plumbing.api_keys import looks_like_api_key
from msgplat.plumbing.caller import CALLER_ID_HEADER, CALLER_QUOTA_HEADER, CALLER_ROLE_HEADER

STREAM_PATH = "/monitorings/stream"
TOKEN_QUERY_PARAM = "accessToken"
LOGIN_ATTEMPTS_PER_MINUTE = 10


def credential_of(request: Request) -> str | None:
    authorization = request.headers.get("authorization", "")
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    if request.method == "GET" and request.url.path == STREAM_PATH:
        return request.query_params.get(TOKEN_QUERY_PARAM) or None
    return None


class Authenticator:
    """Turns a credential into an identity. Verified API keys and accounts are kept
    for `api_key_cache_s`, so a busy client costs one database read per period, not
    one per request."""

    def __init__(self, settings: GatewaySettings, engine: AsyncEngine) -> None:
        self.settings = settings
        self.engine = engine
        self._by_key: dict[str, tuple[Identity, float]] = {}
        self._by_user: dict[str, tuple[Identity, float]] = {}

    async def identify(self, request: Request) -> Identity | None:
        credential = credential_of(request)
        if credential is None:
            return None
        if looks_like_api_key(credential):
            return await self._from_key(credential)
        claims = read_token(credential, secret=self.settings.auth_token_secret.get_secret_value())
        if claims is None:
            return None
        # The account still exists (and its limits are current), not only the token.
        return await self._account(claims[0])

    async def _from_key(self, key: str) -> Identity | None:
        digest = key_hash(key)
        cached = self._by_key.get(digest)
        if cached is not None and cached[1] > time.monotonic():
            return cached[0]
        identity = await accounts.identity_for_key(self.engine, key)
        if identity is not None:
            self._remember(self._by_key, digest, identity)
        return identity

    async def _account(self, user_id: str) -> Identity | None:
        cached = self._by_user.get(user_id)
        if cached is not None and cached[1] > time.monotonic():
            return cached[0]
        identity = await accounts.identity_for_user(self.engine, user_id)
        if identity is not None:
            self._remember(self._by_user, user_id, identity)
        return identity

    def _remember(
        self, cache: dict[str, tuple[Identity, float]], key: str, value: Identity
    ) -> None:
        if len(cache) > 100_000:  # bounded: a flood of distinct keys cannot grow it forever
            cache.clear()
        cache[key] = (value, time.monotonic() + self.settings.api_key_cache_s)

    def caller_headers(self, identity: Identity) -> list[tuple[str, str]]:
        quota = identity.recipients_per_day or self.settings.recipients_per_day
        return [
            (CALLER_ID_HEADER, identity.user_id),
            (CALLER_ROLE_HEADER, identity.role),
            (CALLER_QUOTA_HEADER, str(quota)),
        ]


class RateLimiter:
    """Requests per second per customer (a moving window, in this replica's memory:
    with N replicas behind a load balancer a customer gets up to N times the rate)."""

    def __init__(self, settings: GatewaySettings) -> None:
        self.settings = settings
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def retry_after(self, identity: Identity) -> int | None:
        """None when the request may go ahead, else the seconds to wait."""
        if identity.role == "operator":
            return None
        per_second = identity.requests_per_second or self.settings.requests_per_second
        return self._hit(RateLimitItemPerSecond(per_second), "requests", identity.user_id)

    def login_retry_after(self, user_id: str) -> int | None:
        """Password guessing is limited per account, whoever is guessing."""
        return self._hit(RateLimitItemPerMinute(LOGIN_ATTEMPTS_PER_MINUTE), "login", user_id)

    def _hit(self, item: RateLimitItem, *identifiers: str) -> int | None:
        if self._limiter.hit(item, *identifiers):
            return None
        reset_at = self._limiter.get_window_stats(item, *identifiers).reset_time
        return max(1, math.ceil(reset_at - time.time()))
