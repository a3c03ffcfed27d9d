"""Reconciliation: does every finished reservation add up across send, billing and stat?

For each reservation in a final status, compares what the send service finalised
(delivered / failed / cancelled / opted-out messages) with what billing captured and
released (each message type at its price, as many of each type as the reservation
announced) and what stat counted, and reports every difference. Each service is read through its own
API (no service's tables are read), so it runs against any deployment:

    python -m msgplat.devstack.reconcile --url http://localhost:8088 --api-key <operator key>

Exit code 0 when everything adds up, 1 when a difference was found.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from dataclasses import dataclass, field
from typing import Any

import httpx

FINAL = {"completed", "partially_failed", "failed", "cancelled", "rejected"}


@dataclass
class Report:
    checked: int = 0
    skipped_unfinished: int = 0
    differences: list[str] = field(default_factory=list)


async def reservations(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    page = 1
    while True:
        body = (await client.get("/msgReqs", params={"page": page, "size": 100})).json()
        found += body["items"]
        if len(found) >= body["total"] or not body["items"]:
            return found
        page += 1


async def check(client: httpx.AsyncClient, reservation: dict[str, Any]) -> list[str]:
    rid = reservation["id"]
    send, billing, stat = await asyncio.gather(
        client.get("/msgs/summary", params={"reservationId": rid}),
        client.get(f"/billings/reservations/{rid}"),
        client.get(f"/stats/reservations/{rid}"),
    )
    problems: list[str] = []
    if reservation["status"] == "rejected":
        if billing.status_code == 200 and billing.json()["held"] != 0:
            problems.append(f"billing still holds {billing.json()['held']} KRW")
        if send.status_code == 200 and send.json()["delivered"] + send.json()["failed"]:
            problems.append("send finalised messages of a rejected reservation")
        return problems
    for name, response in (("send", send), ("billing", billing), ("stat", stat)):
        if response.status_code != 200:
            problems.append(f"{name} answered {response.status_code}: {response.text[:200]}")
    if problems:
        return problems
    s, b, t = send.json(), billing.json(), stat.json()
    if not s["finished"]:
        problems.append(f"send has not finished ({s['pending']} pending, {s['submitted']} out)")
    if b["status"] == "refused":  # cancelled before billing answered, then refused
        if s["delivered"] or s["failed"] or b["held"]:
            problems.append("billing refused credit, yet messages were sent or held")
        return problems
    opted_out = s.get("optedOut", 0)
    not_charged = s["failed"] + s["cancelled"] + opted_out
    expect = {
        "billing captured": (b["capturedCount"], s["delivered"]),
        "billing released": (b["releasedCount"], not_charged),
        "billing still held KRW": (b["held"], 0),
        "stat delivered": (t["delivered"], s["delivered"]),
        "stat failed": (t["failed"], s["failed"]),
        "stat cancelled": (t["cancelled"], s["cancelled"]),
        "stat opted out": (t.get("optedOut", 0), opted_out),
    }
    if len(b["byType"]) == 1:  # one price for every message
        [line] = b["byType"]
        expect["billing captured KRW"] = (b["capturedAmount"], s["delivered"] * line["unitPrice"])
        expect["billing released KRW"] = (b["releasedAmount"], not_charged * line["unitPrice"])
    for what, (got, want) in expect.items():
        if got != want:
            problems.append(f"{what} = {got}, send says {want}")
    return problems + priced_by_type(reservation, b)


def priced_by_type(reservation: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """Billing's messages of each type: as many as the reservation announced, each at its
    type's price, adding up to the reservation's totals."""
    problems: list[str] = []
    lines = {line["msgType"]: line for line in b["byType"]}
    announced = {t: n for t, n in (reservation.get("msgCounts") or {}).items() if n}
    held_for = {t: line["count"] for t, line in lines.items() if line["count"]}
    if announced and held_for != announced:
        problems.append(f"billing held for {held_for} messages, the reservation has {announced}")
    for t, line in lines.items():
        for kind in ("captured", "released"):
            priced = line[f"{kind}Count"] * line["unitPrice"]
            if line[f"{kind}Amount"] != priced:
                problems.append(
                    f"billing {kind} KRW of {t} = {line[f'{kind}Amount']}, "
                    f"{line[f'{kind}Count']} x {line['unitPrice']} = {priced}"
                )
    for total in ("capturedCount", "capturedAmount", "releasedCount", "releasedAmount"):
        summed = sum(line[total] for line in lines.values())
        if summed != b[total]:
            problems.append(f"billing {total} = {b[total]}, its types add up to {summed}")
    return problems


async def reconcile(url: str, *, headers: dict[str, str] | None = None) -> Report:
    report = Report()
    async with httpx.AsyncClient(base_url=url, timeout=30, headers=headers) as client:
        for reservation in await reservations(client):
            if reservation["status"] not in FINAL:
                report.skipped_unfinished += 1
                continue
            report.checked += 1
            for problem in await check(client, reservation):
                report.differences.append(f"{reservation['id']}: {problem}")
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8088", help="the gateway")
    parser.add_argument(
        "--api-key",
        default=os.environ.get("OPERATOR_API_KEY"),
        help="an operator's API key (default: $OPERATOR_API_KEY; `make run` prints one)",
    )
    args = parser.parse_args()
    if not args.api_key:
        parser.error("an operator API key is needed: --api-key or OPERATOR_API_KEY")
    report = asyncio.run(reconcile(args.url, headers={"Authorization": f"Bearer {args.api_key}"}))
    print(
        f"checked {report.checked} finished reservations "
        f"({report.skipped_unfinished} still running, not checked)"
    )
    for line in report.differences:
        print("DIFFERENCE", line)
    print("no differences" if not report.differences else f"{len(report.differences)} differences")
    return 1 if report.differences else 0


if __name__ == "__main__":
    sys.exit(main())
