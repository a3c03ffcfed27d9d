"""Which public path prefix goes to which service: the registry's `routes`.

Each service's entry in `contracts/services.py` names its public prefixes (`routes`)
and the paths whose callers bring their own credentials (`own_credentials`); the
tables below are derived from it when this module is imported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from msgplat.contracts.services import SERVICES, Service, upstreams


def routing_table(services: Iterable[Service]) -> tuple[tuple[str, str], ...]:
    """(public prefix, service) for every route of the registry, in its order."""
    return tuple((prefix, s.name) for s in services for prefix in s.routes)


def own_credential_routes(services: Iterable[Service]) -> dict[str, str]:
    """Path template -> the service that checks its callers' own credentials."""
    return {path: s.name for s in services for path in s.own_credentials}


# What a `{name}` of a path template matches: one segment, a name as send's carriers have
# (`CarrierConfig.name`), never a dot segment.
TEMPLATE_SEGMENT = r"(?!\.{1,2}$)[A-Za-z0-9._-]{1,32}"


def template_pattern(template: str) -> re.Pattern[str]:
    """`/carrier/reports/{carrier}` -> the paths it stands for, whole."""
    parts = re.split(r"\{[A-Za-z_]+\}", template)
    return re.compile(TEMPLATE_SEGMENT.join(re.escape(part) for part in parts))


def upstream_names(services: Iterable[Service]) -> tuple[str, ...]:
    """The services the gateway passes requests to (and reports the readiness of)."""
    return tuple(s.name for s in upstreams(services))


ROUTES: tuple[tuple[str, str], ...] = routing_table(SERVICES)

# Routes (POST only) for callers who are not customers and bring their own credentials,
# checked by the service itself: each carrier pushing delivery reports to its own path
# with its callback token. The gateway passes their Authorization header on, names no
# caller, and names the client's address (`X-Caller-Address`, for the carrier's
# `reportSources`).
OWN_CREDENTIALS: dict[str, str] = own_credential_routes(SERVICES)
_OWN_CREDENTIAL_PATTERNS = [(template_pattern(t), s) for t, s in OWN_CREDENTIALS.items()]

UPSTREAMS: tuple[str, ...] = upstream_names(SERVICES)

DOT_SEGMENTS = frozenset({".", ".."})


def public_route(scope: dict[str, Any]) -> str:
    """The metrics label of a proxied request: its public prefix, never the raw path."""
    path: str = scope.get("path", "")
    for prefix, _ in ROUTES:
        if path == prefix or path.startswith(prefix + "/"):
            return prefix + "/*"
    return "other"


def own_credentials_for(path: str) -> str | None:
    """The service that checks the credentials of a caller of `path` itself (a carrier's
    own report path), or None. `path` is the decoded path; a dot segment matches nothing."""
    if any(segment in DOT_SEGMENTS for segment in path.split("/")):
        return None
    for pattern, service in _OWN_CREDENTIAL_PATTERNS:
        if pattern.fullmatch(path):
            return service
    return None


def upstream_for(path: str) -> str | None:
    """The service owning `path`, matching whole segments (`/msgs` is not `/msgsX`).

    `path` is the decoded path. One with a `.` or `..` segment (e.g. sent as `%2E%2E`)
    is refused: the upstream URL would otherwise be normalised to a path outside the
    prefix that was matched, e.g. `/msgReqs/%2E%2E/health/ready` to a service's own
    `/health/ready`, which is not part of the public API.
    """
    if any(segment in DOT_SEGMENTS for segment in path.split("/")):
        return None
    for prefix, service in ROUTES:
        if path == prefix or path.startswith(prefix + "/"):
            return service
    return None
