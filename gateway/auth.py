"""Who is calling the gateway, and may they call now: authentication and rate limits.

Every proxied request carries `Authorization: Bearer <credential>`: an API key
(`mp_...`) or a login token (JWT naming its session). The live stream also takes a
stream ticket as `?ticket=` (a browser's EventSource cannot send headers; a long-lived
credential never goes in a URL). The identity found is passed to the services as
`X-Caller-*` headers (plumbing/caller.py).
"""

from __future__ import annotations

import math
import time
from typing import TypeVar
from uuid import UUID

from limits import RateLimitItem, RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request

from msgplat.gateway import accounts, sessions
from msgplat.gateway.credentials import Identity, TokenClaims, key_hash, read_token
from msgplat.gateway.settings import GatewaySettings
from msgplat.plumbing.api_keys import is_api_key, looks_like_api_key
from msgplat.plumbing.caller import CALLER_ID_HEADER, CALLER_QUOTA_HEADER, CALLER_ROLE_HEADER
from msgplat.plumbing.errors import TooManyRequests

STREAM_PATH = "/monitorings/stream"
TICKET_QUERY_PARAM = "ticket"
# No longer a credential; refused on the stream with a 401 that names the ticket.
TOKEN_QUERY_PARAM = "accessToken"
# Never passed on to a service.
CREDENTIAL_QUERY_PARAMS = frozenset({TICKET_QUERY_PARAM, TOKEN_QUERY_PARAM})

K = TypeVar("K")


def bearer_credential(request: Request) -> str | None:
    authorization = request.headers.get("authorization", "")
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def stream_ticket(request: Request) -> str | None:
    if request.method == "GET" and request.url.path == STREAM_PATH:
        return request.query_params.get(TICKET_QUERY_PARAM) or None
    return None


def client_address(request: Request) -> str:
    """The client's address as the server saw it (uvicorn takes X-Forwarded-For from
    the proxies in FORWARDED_ALLOW_IPS)."""
    return request.client.host if request.client else "unknown"


class Authenticator:
    """Turns a credential into an identity. Verified API keys and token sessions are kept
    for `api_key_cache_s`, so a busy client costs one database read per period, not one
    per request; a revocation on another replica is seen within that period."""

    def __init__(self, settings: GatewaySettings, engine: AsyncEngine) -> None:
        self.settings = settings
        self.engine = engine
        self._by_key: dict[str, tuple[Identity, float]] = {}
        self._by_session: dict[UUID, tuple[Identity, float]] = {}

    async def identify(self, request: Request) -> Identity | None:
        credential = bearer_credential(request)
        if credential is None:
            ticket = stream_ticket(request)
            return None if ticket is None else await sessions.redeem_ticket(self.engine, ticket)
        if looks_like_api_key(credential):
            return await self._from_key(credential) if is_api_key(credential) else None
        claims = read_token(credential, secret=self.settings.auth_token_secret.get_secret_value())
        return None if claims is None else await self._from_token(claims)

    async def _from_key(self, key: str) -> Identity | None:
        digest = key_hash(key)
        cached = self._by_key.get(digest)
        if cached is not None and cached[1] > time.monotonic():
            return cached[0]
        identity = await accounts.identity_for_key(self.engine, key)
        if identity is not None:
            self._remember(self._by_key, digest, identity)
        return identity

    async def _from_token(self, claims: TokenClaims) -> Identity | None:
        """The session still holds (not logged out, its key not revoked) and the account
        still exists, with its current limits: not only the token's signature."""
        cached = self._by_session.get(claims.session_id)
        if cached is not None and cached[1] > time.monotonic():
            return cached[0]
        identity = await sessions.identity_for_session(
            self.engine, claims.session_id, claims.user_id
        )
        if identity is not None:
            self._remember(self._by_session, claims.session_id, identity)
        return identity

    def _remember(self, cache: dict[K, tuple[Identity, float]], key: K, value: Identity) -> None:
        if len(cache) > 100_000:  # bounded: a flood of distinct keys cannot grow it forever
            cache.clear()
        cache[key] = (value, time.monotonic() + self.settings.api_key_cache_s)

    def forget(self, *, session_id: UUID | None = None, api_key_id: UUID | None = None) -> None:
        """Drop what this replica trusts of a session or a key (and the tokens made from
        it) at once; the other replicas see the revocation within `api_key_cache_s`."""

        def revoked(identity: Identity) -> bool:
            return (session_id is not None and identity.session_id == session_id) or (
                api_key_id is not None and identity.api_key_id == api_key_id
            )

        for digest in [k for k, (identity, _) in self._by_key.items() if revoked(identity)]:
            del self._by_key[digest]
        for session in [k for k, (identity, _) in self._by_session.items() if revoked(identity)]:
            del self._by_session[session]

    def caller_headers(self, identity: Identity) -> list[tuple[str, str]]:
        quota = identity.recipients_per_day or self.settings.recipients_per_day
        return [
            (CALLER_ID_HEADER, identity.user_id),
            (CALLER_ROLE_HEADER, identity.role),
            (CALLER_QUOTA_HEADER, str(quota)),
        ]


class RateLimiter:
    """Moving windows in this replica's memory: with N replicas behind a load balancer a
    customer gets up to N times the rate.

    - requests per second per customer;
    - logins, checked before any password is hashed: per account (password guessing,
      whoever guesses), per client address (one client trying many accounts) and per
      second of the whole replica (what its hashing can take).
    """

    def __init__(self, settings: GatewaySettings) -> None:
        self.settings = settings
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def retry_after(self, identity: Identity) -> int | None:
        """None when the request may go ahead, else the seconds to wait."""
        if identity.role == "operator":
            return None
        per_second = identity.requests_per_second or self.settings.requests_per_second
        return self._hit(RateLimitItemPerSecond(per_second), "requests", identity.user_id)

    def check_login(self, address: str, user_id: str | None) -> None:
        """Raises TooManyRequests when a login from `address` (to `user_id`, for a
        password login) would pass a limit; else counts it against each."""
        settings = self.settings
        limits: list[tuple[RateLimitItem, tuple[str, ...], str]] = [
            (
                RateLimitItemPerMinute(settings.login_attempts_per_address),
                ("login-address", address),
                "too many login attempts from this address",
            )
        ]
        if user_id is not None:
            limits += [
                (
                    RateLimitItemPerMinute(settings.login_attempts_per_account),
                    ("login-account", user_id),
                    "too many login attempts to this account",
                ),
                (
                    RateLimitItemPerSecond(settings.login_attempts_per_second),
                    ("login-all",),
                    "too many logins at this gateway right now",
                ),
            ]
        for item, identifiers, reason in limits:
            if not self._limiter.test(item, *identifiers):
                wait = self._wait(item, *identifiers)
                raise TooManyRequests(f"{reason}; retry after {wait} s", retry_after_s=wait)
        for item, identifiers, _ in limits:
            self._limiter.hit(item, *identifiers)

    def _hit(self, item: RateLimitItem, *identifiers: str) -> int | None:
        if self._limiter.hit(item, *identifiers):
            return None
        return self._wait(item, *identifiers)

    def _wait(self, item: RateLimitItem, *identifiers: str) -> int:
        reset_at = self._limiter.get_window_stats(item, *identifiers).reset_time
        return max(1, math.ceil(reset_at - time.time()))
