"""The methods a path takes, for the `Allow` header of a 405.

Starlette's own 405 lists the methods of the first route matching the path only (`GET`
for `/msgReqs/{id}`, which takes `PATCH` too). Here: the methods of every route with
the path template of the first route that matches the path, so `/optouts/remove` (POST)
does not list the `DELETE` of `/optouts/{number}`, whose template it matches too.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from starlette.routing import BaseRoute, Match
from starlette.types import Scope

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# The name of a route that only refuses its methods (plumbing/read_only.py): not listed.
REFUSING = "refuses-method"


def allowed_methods(routes: Iterable[BaseRoute], scope: Scope) -> list[str]:
    """The methods that the routes of `routes` take at the path of `scope`."""
    found: dict[str, list[str]] = {}  # path template -> its methods, in routing order
    for route in _each(routes):
        if getattr(route, "name", None) == REFUSING:
            continue
        # A path that matches nothing matches with no method: one call, not five (the
        # gateway asks this of every request it forwards).
        if route.matches(scope)[0] is Match.NONE:
            continue
        for method in METHODS:
            if route.matches({**scope, "method": method})[0] is Match.FULL:
                found.setdefault(getattr(route, "path", ""), []).append(method)
    if not found:
        return []
    first = next(iter(found.values()))
    return [method for method in METHODS if method in first]


def _each(routes: Iterable[BaseRoute]) -> Iterator[BaseRoute]:
    """Every route, those of included routers too (FastAPI includes a router as one
    route that routes among its own: `effective_candidates`)."""
    for route in routes:
        candidates = getattr(route, "effective_candidates", None)
        if callable(candidates):
            yield from _each(candidates())
        else:
            yield route
