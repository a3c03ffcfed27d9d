"""The README's Python client example runs as written: reserve with an idempotency key,
watch, read the messages, cancel; and its retries are the ones it promises."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from msgplat_client.api.reservations import create_msg_req
from msgplat_client.models import MsgReq
from msgplat_client.types import Response
from msgplat_testsupport.client import answer
from msgplat_testsupport.stack import Stack

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_example() -> str:
    text = README.read_text(encoding="utf-8")
    found = re.search(r"<!-- client-quickstart -->\n```python\n(.*?)\n```", text, re.S)
    assert found, "README.md: the client example (after <!-- client-quickstart -->) is gone"
    return found.group(1)


@pytest.fixture(scope="module")
def ran(stack: Stack) -> dict[str, Any]:
    """The example's names after it ran, as the demo customer runs it (their sender
    number, their credit), against the test platform."""
    customer = stack.new_customer(credit=100_000)
    namespace: dict[str, Any] = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KEY", customer.api_key)
        patch.setenv("MSGPLAT_URL", stack.gateway_url)
        exec(compile(readme_example(), "README.md", "exec"), namespace)
    return namespace


@pytest.mark.e2e
def test_the_example_reserves_watches_reads_and_cancels(ran: dict[str, Any]) -> None:
    assert ran["view"].status == "completed"
    assert [m.status for m in ran["page"].items] == ["delivered", "delivered"]
    assert ran["cancelled"].parsed.status == "cancelled"


@pytest.mark.e2e
def test_a_retry_with_the_key_returns_the_first_reservation(ran: dict[str, Any]) -> None:
    again = create_msg_req.sync_detailed(
        client=ran["client"], body=ran["body"], idempotency_key=ran["key"]
    )
    assert answer(again, MsgReq, 201).id == ran["reservation"].id
    assert again.headers["Idempotent-Replayed"] == "true"


def answered(status: int, retry_after: str | None = None) -> Response[None]:
    headers = {"Retry-After": retry_after} if retry_after else {}
    return Response(status_code=status, content=b"", headers=headers, parsed=None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("answers", "tries", "status"),
    [
        ([httpx.ConnectError("refused"), answered(503), answered(201)], 3, 201),
        ([httpx.ReadTimeout("no answer"), answered(201)], 2, 201),
        ([answered(429, "1"), answered(201)], 2, 201),
        ([answered(502), answered(500), answered(504), answered(503), answered(503)], 5, 503),
        ([answered(422)], 1, 422),  # refused as it is: sending it again changes nothing
        ([answered(409)], 1, 409),
        ([answered(429, "3600"), answered(201)], 1, 429),  # the daily limit: not waited for
    ],
)
def test_the_example_retries_only_what_may_be_sent_again(
    answers: list[Any], tries: int, status: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its `with_retries`, run alone (the example's definitions, no platform)."""
    source = readme_example()
    namespace: dict[str, Any] = {}
    exec(compile(source[: source.index("\nclient = ")], "README.md", "exec"), namespace)
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    calls = iter(answers)

    def call() -> Response[None]:
        item = next(calls)
        if isinstance(item, Exception):
            raise item
        response: Response[None] = item
        return response

    assert namespace["with_retries"](call).status_code == status
    assert len(answers) - len(list(calls)) == tries
    assert len(slept) == tries - 1 and all(0 < s <= 30 for s in slept)
