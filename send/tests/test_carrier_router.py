"""The carrier router against two real simulator processes: which carrier takes a
batch, when it fails over, and when it must not. Also the settings it is built from."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from pydantic import ValidationError

from msgplat.devstack.broker import free_port
from msgplat.devstack.services import ServiceProcess
from msgplat.plumbing.metrics import CIRCUIT_STATE
from msgplat.send.carrier_client import CarrierUnavailable, OutgoingMessage
from msgplat.send.carrier_router import CarrierRouter
from msgplat.send.settings import SendSettings
from msgplat_testsupport.carrier import ReportReceiver, running_carrier

LOGS = Path("test-artifacts") / "logs"
UNUSED_DB = "postgresql://nobody@127.0.0.1:1/none"


@pytest.fixture(scope="module")
def receiver() -> Iterator[ReportReceiver]:
    server = ReportReceiver().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def sims() -> Iterator[dict[str, ServiceProcess]]:
    """Carriers `a` and `b`: two simulator processes, each with its key and token."""
    with (
        running_carrier({"CARRIER_API_KEY": "a-key", "CARRIER_CALLBACK_TOKEN": "a-cb"}, LOGS) as a,
        running_carrier({"CARRIER_API_KEY": "b-key", "CARRIER_CALLBACK_TOKEN": "b-cb"}, LOGS) as b,
    ):
        yield {"a": a, "b": b}


class Admin:
    """One simulator's admin API."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=10)

    def configure(self, **knobs: Any) -> None:
        self.http.put("/admin/config", json=knobs).raise_for_status()

    def refs(self) -> list[str]:
        items = self.http.get("/admin/received", params={"limit": 100_000}).json()["items"]
        return [item["ref"] for item in items]

    def stats(self) -> dict[str, Any]:
        stats: dict[str, Any] = self.http.get("/admin/stats").json()
        return stats


@pytest.fixture()
def admin(sims: dict[str, ServiceProcess]) -> Iterator[dict[str, Admin]]:
    admins = {name: Admin(process.url) for name, process in sims.items()}
    for one in admins.values():
        one.http.post("/admin/reset").raise_for_status()
    yield admins
    for one in admins.values():
        one.http.post("/admin/reset").raise_for_status()  # also lifts any outage
        one.http.close()


def carriers_of(sims: dict[str, ServiceProcess], **urls: str) -> list[dict[str, str]]:
    return [
        {
            "name": name,
            "url": urls.get(name, sims[name].url),
            "apiKey": f"{name}-key",
            "callbackToken": f"{name}-cb",
        }
        for name in ("a", "b")
    ]


def settings_of(
    sims: dict[str, ServiceProcess], receiver: ReportReceiver, **overrides: Any
) -> SendSettings:
    values: dict[str, Any] = {
        "database_url": UNUSED_DB,
        "report_callback_url": receiver.url,
        "carriers": carriers_of(sims),
        "breaker_open_s": 30,
        **overrides,
    }
    return SendSettings(**values)


@pytest_asyncio.fixture()
async def router(
    sims: dict[str, ServiceProcess], receiver: ReportReceiver
) -> AsyncIterator[CarrierRouter]:
    router = CarrierRouter(settings_of(sims, receiver))
    yield router
    await router.close()


class Recorded:
    """Stands in for the sender's `record_carrier`: what it was asked to record."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, list[int]]] = []

    async def __call__(self, carrier: str, positions: list[int]) -> None:
        self.calls.append((carrier, list(positions)))


def batch(*suffixes: str, types: str = "") -> list[OutgoingMessage]:
    """One message per number suffix (4 digits); `types` like "SL" gives each its type."""
    rid = uuid.uuid4()
    return [
        OutgoingMessage(
            ref=f"{rid}:{i}",
            to=f"+821012{i:02d}{suffix}",
            text="hello",
            type="LMS" if types[i : i + 1] == "L" else "SMS",
            subject=None,
            sender="0212345678",
        )
        for i, suffix in enumerate(suffixes)
    ]


async def submit(
    router: CarrierRouter, messages: list[OutgoingMessage], recorded: Recorded
) -> list[tuple[str, bool, str | None]]:
    results = await router.submit(messages, recorded="a", record_carrier=recorded)
    assert [r.ref for r in results] == [m.ref for m in messages]
    return [(r.carrier, r.accepted, r.code) for r in results]


# -- settings --


def test_without_carriers_the_single_carrier_settings_make_the_one_carrier() -> None:
    settings = SendSettings(
        database_url=UNUSED_DB,
        carrier_name="solo",
        carrier_url="http://x:1",
        carrier_api_key="k-solo",
        carrier_callback_token="t-solo",
    )
    [only] = settings.carrier_configs()
    assert (only.name, only.url, only.api_key, only.callback_token) == (
        "solo",
        "http://x:1",
        "k-solo",
        "t-solo",
    )
    assert settings.carrier_orders() == {"SMS": ["solo"], "LMS": ["solo"]}


def test_carriers_and_priority_are_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(
        "CARRIERS",
        json.dumps(
            [
                {"name": "a", "url": "http://a:1", "apiKey": "ka", "callbackToken": "ta"},
                {"name": "b", "url": "http://b:1", "apiKey": "kb", "callbackToken": "tb"},
            ]
        ),
    )
    monkeypatch.setenv("CARRIER_PRIORITY", '{"LMS": ["b", "a"]}')
    monkeypatch.setenv("CARRIER_RETRYABLE_CODES", '["1003", "1099"]')
    settings = SendSettings(database_url=UNUSED_DB)
    assert [c.name for c in settings.carrier_configs()] == ["a", "b"]
    assert settings.carrier_orders() == {"SMS": ["a", "b"], "LMS": ["b", "a"]}
    assert settings.carrier_retryable_codes == ["1003", "1099"]
    # A claim records each type's own first choice: no extra UPDATE for LMS batches.
    router = CarrierRouter(settings)
    assert (router.first_choice("SMS"), router.first_choice("LMS")) == ("a", "b")


def _two(**b: str) -> list[dict[str, str]]:
    first = {"name": "a", "url": "http://a:1", "apiKey": "ka", "callbackToken": "ta"}
    return [first, {"name": "b", "url": "http://b:1", "apiKey": "kb", "callbackToken": "tb", **b}]


@pytest.mark.parametrize(
    ("values", "says"),
    [
        ({"carriers": _two(name="a")}, "each carrier needs its own name; repeated: ['a']"),
        ({"carriers": _two(callbackToken="ta")}, "carriers ['a', 'b'] share one callbackToken"),
        ({"carriers": []}, "CARRIERS: give at least one carrier"),
        (
            {"carriers": _two(), "carrier_priority": {"SMS": ["a", "c"]}},
            "CARRIER_PRIORITY[SMS]: no carrier named c in CARRIERS (a, b)",
        ),
        (
            {"carriers": _two(), "carrier_priority": {"MMS": ["a"]}},
            "CARRIER_PRIORITY: unknown message type 'MMS' (known: SMS, LMS)",
        ),
        (
            {"carriers": _two(), "carrier_priority": {"LMS": []}},
            "CARRIER_PRIORITY[LMS]: list one or more carriers, each once",
        ),
        (
            {"carriers": _two(), "carrier_priority": {"LMS": ["a", "a"]}},
            "CARRIER_PRIORITY[LMS]: list one or more carriers, each once",
        ),
        ({"carriers": [{"name": "a", "url": "http://a:1"}]}, "apiKey"),
        ({"carrier_name": "no spaces allowed"}, "carrier_name"),
    ],
)
def test_an_inconsistent_carrier_configuration_is_refused_at_start(
    values: dict[str, Any], says: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        SendSettings(database_url=UNUSED_DB, **values)
    assert says in str(refused.value)


def test_a_refused_configuration_does_not_show_the_tokens() -> None:
    with pytest.raises(ValidationError) as refused:
        SendSettings(database_url=UNUSED_DB, carriers=_two(callbackToken="ta"))
    assert "'ta'" not in str(refused.value) and "kb" not in str(refused.value)


# -- the router --


async def test_a_batch_goes_to_the_first_carrier_with_no_extra_step(
    router: CarrierRouter, admin: dict[str, Admin]
) -> None:
    recorded = Recorded()
    messages = batch("1111", "2222", "3333")
    assert await submit(router, messages, recorded) == [("a", True, None)] * 3
    assert recorded.calls == []  # the claim recorded `a` already
    assert admin["a"].refs() == [m.ref for m in messages]
    assert admin["b"].refs() == []


async def test_a_carrier_in_outage_hands_the_batch_to_the_next_and_then_is_left_alone(
    router: CarrierRouter, admin: dict[str, Admin]
) -> None:
    admin["a"].configure(outage="error")
    recorded = Recorded()
    first = batch("1111", "2222")
    assert await submit(router, first, recorded) == [("b", True, None)] * 2
    assert recorded.calls == [("b", [0, 1])]  # recorded before it went to b
    refused = admin["a"].stats()["unavailable"]
    assert refused == 3  # its retries, which opened its circuit
    second = batch("3333")
    assert await submit(router, second, recorded) == [("b", True, None)]
    assert admin["a"].stats()["unavailable"] == refused, "an open circuit is not called"
    assert admin["b"].refs() == [m.ref for m in first + second]
    assert admin["a"].refs() == []

    await router.report_circuit()
    assert CIRCUIT_STATE.labels("carrier:a")._value.get() == 2  # open
    assert CIRCUIT_STATE.labels("carrier:b")._value.get() == 0  # closed


async def test_a_carrier_that_refuses_connections_is_failed_over(
    sims: dict[str, ServiceProcess], receiver: ReportReceiver, admin: dict[str, Admin]
) -> None:
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    router = CarrierRouter(settings_of(sims, receiver, carriers=carriers_of(sims, a=closed)))
    try:
        recorded = Recorded()
        assert await submit(router, batch("1111"), recorded) == [("b", True, None)]
        assert recorded.calls == [("b", [0])]
    finally:
        await router.close()


async def test_retryable_rejections_go_to_the_next_carrier_and_the_others_stay(
    router: CarrierRouter, admin: dict[str, Admin]
) -> None:
    admin["b"].configure(blocked_suffixes={"7777": "1003"})
    admin["a"].configure(blocked_suffixes={"8888": "1003", "9999": "1002", "7777": "1003"})
    recorded = Recorded()
    messages = batch("1111", "8888", "9999", "7777", "2222")
    assert await submit(router, messages, recorded) == [
        ("a", True, None),
        ("b", True, None),  # 1003 at a: route unavailable, b took it
        ("a", False, "1002"),  # blocked: final
        ("b", False, "1003"),  # refused by both: the last answer stands
        ("a", True, None),
    ]
    assert recorded.calls == [("b", [1, 3])]
    assert admin["b"].refs() == [messages[1].ref, messages[3].ref]


async def test_when_every_carrier_is_down_the_sender_is_told_to_retry(
    router: CarrierRouter, admin: dict[str, Admin]
) -> None:
    admin["a"].configure(outage="error", outage_retry_after_s=7)
    admin["b"].configure(outage="error", outage_retry_after_s=3)
    with pytest.raises(CarrierUnavailable) as unavailable:
        await router.submit(batch("1111"), recorded="a", record_carrier=Recorded())
    exc = unavailable.value
    assert (exc.attempted, exc.in_doubt) == (True, False)
    assert exc.retry_after_s == 3
    assert "carrier a" in str(exc) and "carrier b" in str(exc)
    # Both circuits are open now: no call at all, no attempt spent.
    with pytest.raises(CarrierUnavailable) as again:
        await router.submit(batch("2222"), recorded="a", record_carrier=Recorded())
    assert again.value.attempted is False


async def test_a_timeout_is_not_failed_over_until_the_carriers_circuit_opens(
    sims: dict[str, ServiceProcess], receiver: ReportReceiver, admin: dict[str, Admin]
) -> None:
    """A carrier that timed out may have taken the batch: the batch goes back to the
    sender rather than to a second carrier; the retry, with the circuit now open, goes on."""
    router = CarrierRouter(settings_of(sims, receiver, carrier_timeout_s=0.3))
    admin["a"].configure(outage="hang")
    try:
        recorded = Recorded()
        messages = batch("1111", "2222")
        with pytest.raises(CarrierUnavailable) as unavailable:
            await router.submit(messages, recorded="a", record_carrier=recorded)
        assert (unavailable.value.in_doubt, unavailable.value.attempted) == (True, True)
        assert recorded.calls == [] and admin["b"].refs() == []
        assert await submit(router, messages, recorded) == [("b", True, None)] * 2
        assert recorded.calls == [("b", [0, 1])]
    finally:
        admin["a"].configure(outage="none")
        await router.close()


async def test_a_batch_follows_the_priority_of_its_largest_type(
    sims: dict[str, ServiceProcess], receiver: ReportReceiver, admin: dict[str, Admin]
) -> None:
    router = CarrierRouter(settings_of(sims, receiver, carrier_priority={"LMS": ["b", "a"]}))
    try:
        recorded = Recorded()
        assert await submit(router, batch("1111", "2222"), recorded) == [("a", True, None)] * 2
        mixed = batch("3333", "4444", "5555", types="SLS")
        assert await submit(router, mixed, recorded) == [("b", True, None)] * 3
        assert recorded.calls == [("b", [0, 1, 2])]
        assert router.name == "a"  # what the claim records: the first choice for SMS
    finally:
        await router.close()


async def test_a_refused_key_is_a_configuration_error_retried_not_a_failed_message(
    sims: dict[str, ServiceProcess], receiver: ReportReceiver, admin: dict[str, Admin]
) -> None:
    """A 4xx other than 429 (here 401: a wrong API key) says nothing about the messages:
    none is failed. Alone, the sender is told to retry (after 5 s) and the messages wait
    for the key to be fixed; with a second carrier, the batch goes there."""
    wrong_key = [{**c, "apiKey": "wrong-key"} if c["name"] == "a" else c for c in carriers_of(sims)]
    alone = CarrierRouter(settings_of(sims, receiver, carriers=wrong_key[:1]))
    both = CarrierRouter(settings_of(sims, receiver, carriers=wrong_key))
    try:
        with pytest.raises(CarrierUnavailable) as refused:
            await alone.submit(batch("1111"), recorded="a", record_carrier=Recorded())
        assert "refused the batch with 401" in str(refused.value)
        assert (refused.value.attempted, refused.value.in_doubt) == (True, False)
        assert refused.value.retry_after_s == 5.0
        assert admin["a"].refs() == []

        recorded = Recorded()
        messages = batch("2222", "3333")
        assert await submit(both, messages, recorded) == [("b", True, None)] * 2
        assert recorded.calls == [("b", [0, 1])]
        assert admin["b"].refs() == [m.ref for m in messages]
    finally:
        await alone.close()
        await both.close()
