"""Which public path prefix goes to which service."""

from __future__ import annotations

ROUTES: tuple[tuple[str, str], ...] = (
    ("/msgReqs", "reservation"),
    ("/msgs", "send"),
    ("/billings", "billing"),
    ("/stats", "stat"),
    ("/monitorings", "monitoring"),
)

DOT_SEGMENTS = frozenset({".", ".."})


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
