"""The live stream takes a stream ticket in its URL, never a long-lived credential: a
browser's EventSource cannot send headers, and URLs end up in logs and histories.

`POST /monitorings/stream/tickets` (the gateway's own, for an authenticated caller)
answers a ticket valid for 30 s and good for one stream, on whichever replica it is used
first; `?accessToken=` is refused with a 401 that says to use a ticket.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
from sqlalchemy import text

from msgplat_testsupport.gateways import (
    InProcessGateway,
    RecordingUpstream,
    bearer,
)

TICKETS = "/monitorings/stream/tickets"


async def new_ticket(client: httpx.AsyncClient, credential: str) -> str:
    answer = await client.post(TICKETS, headers=bearer(credential))
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["expiresIn"] == 30
    ticket: str = body["ticket"]
    return ticket


async def test_a_ticket_opens_one_stream_once_on_any_replica(
    replica: Callable[..., InProcessGateway], upstream: RecordingUpstream
) -> None:
    first, second = replica(), replica()
    a, b = first.client(), second.client()
    user_id, key = await first.new_customer()
    ticket = await new_ticket(a, key)

    opened = await b.get("/monitorings/stream", params={"reservationId": "r1", "ticket": ticket})
    assert opened.status_code == 200
    assert upstream.last_target() == "/monitorings/stream?reservationId=r1"  # not passed on
    seen = upstream.last_headers()
    assert (seen["x-caller-id"], seen["x-caller-role"]) == (user_id, "customer")

    for client in (a, b):
        again = await client.get("/monitorings/stream", params={"ticket": ticket})
        assert again.status_code == 401
        assert "ticket" in again.json()["detail"]
    assert len(upstream.heads) == 1


async def test_a_ticket_expires_after_30_s(
    replica: Callable[..., InProcessGateway], upstream: RecordingUpstream
) -> None:
    gateway = replica()
    client = gateway.client()
    _, key = await gateway.new_customer()
    ticket = await new_ticket(client, key)
    async with gateway.app.state.authenticator.engine.begin() as conn:
        # 30 s later (tickets are stored as the SHA-256 of their text)
        await conn.execute(
            text(
                "UPDATE gateway.stream_tickets SET expires_at = now() - interval '1 second' "
                "WHERE ticket_hash = encode(sha256(convert_to(:ticket, 'UTF8')), 'hex')"
            ),
            {"ticket": ticket},
        )
    late = await client.get("/monitorings/stream", params={"ticket": ticket})
    assert late.status_code == 401
    assert upstream.heads == []


async def test_a_token_in_the_url_is_refused_saying_to_use_a_ticket(
    replica: Callable[..., InProcessGateway], upstream: RecordingUpstream
) -> None:
    gateway = replica()
    client = gateway.client()
    _, key = await gateway.new_customer()
    token = (await client.post("/auth/login", json={"apiKey": key})).json()["accessToken"]
    for credential in (token, key):
        refused = await client.get("/monitorings/stream", params={"accessToken": credential})
        assert refused.status_code == 401
        assert TICKETS in refused.json()["detail"]
    assert upstream.heads == []


async def test_a_ticket_is_for_the_stream_only_and_needs_credentials(
    replica: Callable[..., InProcessGateway], upstream: RecordingUpstream
) -> None:
    gateway = replica()
    client = gateway.client()
    _, key = await gateway.new_customer()
    assert (await client.post(TICKETS)).status_code == 401
    assert (await client.post(TICKETS, headers=bearer("mp_" + "x" * 43))).status_code == 401
    ticket = await new_ticket(client, key)
    elsewhere = await client.get("/monitorings", params={"ticket": ticket})
    assert elsewhere.status_code == 401
    assert (await client.get("/monitorings/stream", params={"ticket": "forged"})).status_code == 401
    # A stream with the key in the header (an API client) needs no ticket.
    assert (await client.get("/monitorings/stream", headers=bearer(key))).status_code == 200
    # The unused ticket still opens its stream.
    assert (await client.get("/monitorings/stream", params={"ticket": ticket})).status_code == 200
