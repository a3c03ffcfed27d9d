"""The carrier's latency and result codes, as Prometheus sees them (plumbing/metrics.py):
`carrier_request_duration_seconds{carrier,result}` per call, and
`carrier_message_results_total{carrier,code}` per message answered at submit."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import httpx
import orjson
import pytest
from prometheus_client import REGISTRY

from msgplat.send.carrier_client import CarrierClient, CarrierUnavailable, OutgoingMessage
from msgplat.send.settings import SendSettings
from msgplat_testsupport.carrier import SEND_CREDENTIALS


def _sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def _batch(n: int) -> list[OutgoingMessage]:
    return [
        OutgoingMessage(
            ref=f"r{i}", to=f"+8210000000{i}", text="t", type="SMS", subject=None, sender="1588"
        )
        for i in range(n)
    ]


async def mocked_client(
    name: str, carrier: Callable[[httpx.Request], httpx.Response]
) -> CarrierClient:
    """A client of the carrier `name` whose requests `carrier` answers."""
    settings = SendSettings(
        database_url="postgresql://u@h/d",
        carrier_name=name,
        carrier_url="http://carrier:1",
        **SEND_CREDENTIALS,
    )
    client = CarrierClient(settings)
    await client.client.aclose()
    client.client = httpx.AsyncClient(
        base_url="http://carrier:1", transport=httpx.MockTransport(carrier)
    )
    return client


async def test_every_call_and_answer_is_counted_by_carrier_and_result() -> None:
    name = f"m{uuid.uuid4().hex[:6]}"
    answers = iter([503, 200])

    def carrier(request: httpx.Request) -> httpx.Response:
        status = next(answers)
        if status != 200:
            return httpx.Response(status, headers={"Retry-After": "0.1"})
        refs = [m["ref"] for m in orjson.loads(request.content)["messages"]]
        results = [{"ref": refs[0], "accepted": True, "messageId": "m1"}] + [
            {"ref": ref, "accepted": False, "code": "1002"} for ref in refs[1:]
        ]
        return httpx.Response(200, json={"results": results})

    client = await mocked_client(name, carrier)
    try:
        results = await client.submit(_batch(3))
    finally:
        await client.close()
    assert [r.accepted for r in results] == [True, False, False]
    count = "carrier_request_duration_seconds_count"
    assert _sample(count, carrier=name, result="503") == 1
    assert _sample(count, carrier=name, result="200") == 1
    total = "carrier_message_results_total"
    assert _sample(total, carrier=name, code="accepted") == 1
    assert _sample(total, carrier=name, code="1002") == 2


async def test_an_unreachable_carrier_is_counted_too() -> None:
    name = f"m{uuid.uuid4().hex[:6]}"

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client = await mocked_client(name, down)
    try:
        with pytest.raises(CarrierUnavailable):
            await client.submit(_batch(1))
    finally:
        await client.close()
    assert (
        _sample("carrier_request_duration_seconds_count", carrier=name, result="unreachable") == 3
    )
