"""Which public path prefix goes to which service."""

from __future__ import annotations

from typing import Any

ROUTES: tuple[tuple[str, str], ...] = (
    ("/msgReqs", "reservation"),
    ("/templates", "reservation"),
    ("/msgs", "send"),
    ("/optouts", "send"),
    ("/sendingWindows", "send"),
    ("/billings", "billing"),
    ("/stats", "stat"),
    ("/monitorings", "monitoring"),
)

# Routes for callers who are not customers and bring their own credentials, checked by
# the service itself: the carrier pushing delivery reports with its callback token. The
# gateway passes their Authorization header on and names no caller.
OWN_CREDENTIALS: dict[str, str] = {"/carrier/reports": "send"}

DOT_SEGMENTS = frozenset({".", ".."})


def public_route(scope: dict[str, Any]) -> str:
    """The metrics label of a proxied request: its public prefix, never the raw path."""
    path: str = scope.get("path", "")
    for prefix, _ in ROUTES:
        if path == prefix or path.startswith(prefix + "/"):
            return prefix + "/*"
    return "other"


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
