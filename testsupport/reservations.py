"""Following a reservation through the gateway in the end-to-end tests: until its status
is final, and every message of it."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

import httpx

from msgplat_testsupport.senders import TEST_CALLBACK_NUM
from msgplat_testsupport.waiting import wait_until


def overridden(data: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """A request body: `data` with `overrides`, where a field given as `...` is left out
    (to test it missing)."""
    merged = {**data, **overrides}
    return {key: value for key, value in merged.items() if value is not ...}


def assert_unknown_reservation_is_404(client: httpx.Client, path: str) -> None:
    """`GET path`, a new reservation id in its `{}`: 404, naming that reservation."""
    unknown = uuid.uuid4()
    response = client.get(path.format(unknown))
    assert response.status_code == 404
    assert response.json() == {"detail": f"reservation {unknown} not found", "code": "not_found"}


def created_reservation(client: httpx.Client, **body: Any) -> dict[str, Any]:
    """`POST /msgReqs` of `body` (its camelCase fields; the test customers' callback
    number unless it names one), asserted created: the reservation."""
    response = client.post("/msgReqs", json={"callbackNum": TEST_CALLBACK_NUM, **body})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def final_view(
    api: httpx.Client,
    rid: str,
    final: Collection[str],
    *,
    timeout_s: float,
    interval_s: float = 0.1,
) -> dict[str, Any]:
    """The reservation (`GET /msgReqs/{rid}`) once its status is one of `final`."""
    return wait_until(
        lambda: (r := api.get(f"/msgReqs/{rid}").json())["status"] in final and r,
        timeout_s=timeout_s,
        interval_s=interval_s,
    )


def all_counted(api: httpx.Client, rid: str, total: int) -> dict[str, Any] | None:
    """The reservation's statistics (`GET /stats/reservations/{rid}`) once they count all
    `total` of its messages delivered, failed or cancelled; None before."""
    stats: dict[str, Any] = api.get(f"/stats/reservations/{rid}").json()
    return stats if stats["delivered"] + stats["failed"] + stats["cancelled"] == total else None


def all_messages(api: httpx.Client, rid: str) -> list[dict[str, Any]]:
    """A reservation's messages, page by page ([] while the send service has not had them
    yet)."""
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        response = api.get("/msgs", params={"reservationId": rid, "page": page, "size": 1000})
        if response.status_code == 404:
            return []
        body = response.json()
        items += body["items"]
        if len(items) >= body["total"]:
            return items
        page += 1
