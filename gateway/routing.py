"""Which public path prefix goes to which service."""

from __future__ import annotations

ROUTES: tuple[tuple[str, str], ...] = (
    ("/msgReqs", "reservation"),
    ("/msgs", "send"),
    ("/billings", "billing"),
    ("/stats", "stat"),
    ("/monitorings", "monitoring"),
)


def upstream_for(path: str) -> str | None:
    """The service owning `path`, matching whole segments (`/msgs` is not `/msgsX`)."""
    for prefix, service in ROUTES:
        if path == prefix or path.startswith(prefix + "/"):
            return service
    return None
