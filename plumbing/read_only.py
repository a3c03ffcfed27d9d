"""A collection the platform fills itself (`/msgs`, `/stats`): a write to it is a 405
that says how its items come to be, not FastAPI's bare "Method Not Allowed".

The seed's run book shows `http :8088/msgs reservationId=...` (httpie: a POST); a user
following it learns where messages really come from.
"""

from __future__ import annotations

from typing import NoReturn

from fastapi import APIRouter

from msgplat.plumbing.errors import MethodNotAllowed
from msgplat.plumbing.methods import REFUSING

WRITES = ["POST", "PUT", "PATCH", "DELETE"]


def refuse_writes(router: APIRouter, path: str, how: str) -> None:
    """Answer every write to `path` of `router` with a 405 (`Allow: GET`) saying `how`."""

    async def read_only() -> NoReturn:
        raise MethodNotAllowed(["GET"], f"{router.prefix}{path} is read-only: {how}")

    router.add_api_route(
        path,
        read_only,
        methods=WRITES,
        include_in_schema=False,
        response_model=None,
        name=REFUSING,
    )
