"""The generated client (`msgplat_client`, clients/python/) in the end-to-end tests and
the benchmarks: what it answered, typed, and a reservation's messages through it.

The stack makes the clients (`Stack.operator_api`, `Stack.customer_api`); each call is
the generated function's `sync_detailed` or `asyncio_detailed`, whose `Response` holds
the status, the headers and the body parsed as the document's schema for that status.
"""

from __future__ import annotations

from typing import Any, TypeVar
from uuid import UUID

from msgplat_client import AuthenticatedClient
from msgplat_client.api.messages import list_msgs
from msgplat_client.models import Msg, PageMsg
from msgplat_client.types import Response

T = TypeVar("T")


def answer(response: Response[Any], kind: type[T], status: int = 200) -> T:
    """The body of `response` as `kind`, once its status is `status` (else the assert
    shows the body)."""
    assert response.status_code == status, f"{response.status_code} {response.content[:2000]!r}"
    assert isinstance(response.parsed, kind), response.parsed
    return response.parsed


def all_messages(client: AuthenticatedClient, reservation_id: UUID) -> list[Msg]:
    """A reservation's messages, page by page ([] while the send service has not had them
    yet: 404)."""
    items: list[Msg] = []
    page = 1
    while True:
        response = list_msgs.sync_detailed(
            client=client, reservation_id=reservation_id, page=page, size=1000
        )
        if response.status_code == 404:
            return []
        body = answer(response, PageMsg)
        items += body.items
        if len(items) >= body.total:
            return items
        page += 1
