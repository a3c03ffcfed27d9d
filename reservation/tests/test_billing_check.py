"""The balance check before accepting: billing's answer, its memory, and its fallback.

Billing is played by a small HTTP server on loopback that answers quotes from a balance
and counts the calls; a closed port plays billing down.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import pytest
import pytest_asyncio

from msgplat.devstack.broker import free_port
from msgplat.plumbing.errors import PaymentRequired
from msgplat.reservation.billing_check import BillingCheck
from msgplat.reservation.resources import open_resources
from msgplat.reservation.settings import ReservationSettings

PRICE = {"SMS": 20, "LMS": 50}


@dataclass
class FakeBilling:
    available: int
    calls: int = 0
    port: int = 0
    queries: list[dict[str, list[str]]] = field(default_factory=list)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            try:
                head = (await reader.readuntil(b"\r\n\r\n")).decode()
            except asyncio.IncompleteReadError:
                break
            self.calls += 1
            query = parse_qs(urlsplit(head.split(" ")[1]).query)
            self.queries.append(query)
            if "smsCount" in query:  # per type: replaces msgType and count
                counts = {"SMS": int(query["smsCount"][0]), "LMS": int(query["lmsCount"][0])}
                msg_type = "LMS" if counts["LMS"] else "SMS"
            else:
                msg_type = query["msgType"][0]
                counts = {msg_type: int(query["count"][0])}
            count = sum(counts.values())
            required = sum(PRICE[kind] * n for kind, n in counts.items())
            body = json.dumps(
                {
                    "userId": query["userId"][0],
                    "msgType": msg_type,
                    "count": count,
                    "unitPrice": PRICE[msg_type],
                    "required": required,
                    "available": self.available,
                    "sufficient": self.available >= required,
                }
            ).encode()
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n")
            writer.write(f"content-length: {len(body)}\r\n\r\n".encode() + body)
            await writer.drain()
        writer.close()


@pytest_asyncio.fixture
async def billing() -> AsyncIterator[FakeBilling]:
    fake = FakeBilling(available=1_000)
    server = await asyncio.start_server(fake.handle, "127.0.0.1", 0)
    fake.port = server.sockets[0].getsockname()[1]
    yield fake
    server.close()


def check_for(port: int, cache_s: float = 60) -> BillingCheck:
    settings = ReservationSettings(
        database_url="postgresql://unused/x",
        billing_url=f"http://127.0.0.1:{port}",
        billing_check_cache_s=cache_s,
    )
    return BillingCheck(settings)


async def test_a_short_balance_is_refused_with_the_amounts(billing: FakeBilling) -> None:
    check = check_for(billing.port)
    with pytest.raises(PaymentRequired) as refused:
        await check.ensure_affordable(user_id="u1", msg_type="LMS", count=21)  # 1,050 KRW
    assert "1000 KRW" in refused.value.msg and "1050 KRW" in refused.value.msg
    assert refused.value.extra == {"required": 1050, "available": 1000}
    await check.close()


async def test_the_remembered_balance_spares_calls_until_it_runs_short(
    billing: FakeBilling,
) -> None:
    check = check_for(billing.port)
    for _ in range(4):  # 4 x 200 KRW of 1,000: one call, then counted from memory
        await check.ensure_affordable(user_id="u1", msg_type="SMS", count=10)
    assert billing.calls == 1
    # 200 KRW left in memory: 300 KRW more is not plainly covered, so billing is asked
    # (and still says 1,000 KRW: its holds have not happened in this test).
    await check.ensure_affordable(user_id="u1", msg_type="SMS", count=15)
    assert billing.calls == 2
    # Another customer, or another message type, is asked about on its own.
    await check.ensure_affordable(user_id="u2", msg_type="SMS", count=1)
    await check.ensure_affordable(user_id="u1", msg_type="LMS", count=1)
    assert billing.calls == 4
    await check.close()


async def test_without_memory_every_reservation_asks(billing: FakeBilling) -> None:
    check = check_for(billing.port, cache_s=0)
    for _ in range(3):
        await check.ensure_affordable(user_id="u1", msg_type="SMS", count=1)
    assert billing.calls == 3
    await check.close()


async def test_billing_down_lets_the_reservation_through() -> None:
    check = check_for(free_port())
    await check.ensure_affordable(user_id="u1", msg_type="SMS", count=10**6)  # no raise
    await check.close()


async def test_a_personalised_reservation_asks_with_counts_per_type(billing: FakeBilling) -> None:
    check = check_for(billing.port)
    with pytest.raises(PaymentRequired) as refused:  # 10 x 20 + 17 x 50 = 1,050 KRW
        await check.ensure_affordable(
            user_id="u1", msg_type="LMS", count=27, msg_counts={"SMS": 10, "LMS": 17}
        )
    assert billing.queries[-1] == {"userId": ["u1"], "smsCount": ["10"], "lmsCount": ["17"]}
    assert "10 SMS + 17 LMS = 1050 KRW" in refused.value.msg
    await check.ensure_affordable(
        user_id="u1", msg_type="LMS", count=26, msg_counts={"SMS": 10, "LMS": 16}
    )
    assert billing.calls == 2
    await check.close()


async def test_counts_per_type_are_covered_from_memory_once_both_prices_are_known(
    billing: FakeBilling,
) -> None:
    check = check_for(billing.port)
    await check.ensure_affordable(user_id="u1", msg_type="SMS", count=1)  # learns SMS
    await check.ensure_affordable(user_id="u1", msg_type="SMS", count=1, msg_counts={"SMS": 1})
    assert billing.calls == 1  # only SMS: its price is known
    await check.ensure_affordable(
        user_id="u1", msg_type="LMS", count=2, msg_counts={"SMS": 1, "LMS": 1}
    )
    assert billing.calls == 2  # the LMS price is not known yet
    await check.ensure_affordable(user_id="u1", msg_type="LMS", count=1)  # learns LMS
    calls = billing.calls
    await check.ensure_affordable(
        user_id="u1", msg_type="LMS", count=2, msg_counts={"SMS": 1, "LMS": 1}
    )
    assert billing.calls == calls
    await check.close()


async def test_the_service_opens_the_check_once_and_closes_its_connections(
    billing: FakeBilling,
) -> None:
    settings = ReservationSettings(
        database_url="postgresql://unused/x", billing_url=f"http://127.0.0.1:{billing.port}"
    )
    async with open_resources(settings) as resources:
        check = resources.billing_check
        await check.ensure_affordable(user_id="u1", msg_type="SMS", count=1)
        assert billing.calls == 1
        assert not check.client.is_closed
    assert check.client.is_closed


async def test_requests_arriving_together_ask_once(billing: FakeBilling) -> None:
    check = check_for(billing.port)
    # 20 requests of 20 KRW each at once: one call, the others covered by its answer.
    await asyncio.gather(
        *(check.ensure_affordable(user_id="u1", msg_type="SMS", count=1) for _ in range(20))
    )
    assert billing.calls == 1
    # More than its answer covers: the first asks, one more is covered by what it
    # remembers, and the three it cannot cover ask billing themselves (none goes
    # through on memory it does not have).
    billing.available, billing.calls = 100, 0
    await asyncio.gather(
        *(check.ensure_affordable(user_id="u2", msg_type="SMS", count=2) for _ in range(5))
    )
    assert billing.calls == 4  # 100 KRW, less the first's 40, covers one more 40
    await check.close()
