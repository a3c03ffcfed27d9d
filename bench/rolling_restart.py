"""A rolling upgrade under load (issue 19): two replicas of every service, one
reservation of `--size` recipients due now (two carriers that do not deduplicate), and
while it is sent every replica of every service is stopped (SIGTERM) and started again,
one at a time, as `kubectl rollout restart` does. Meanwhile steady traffic goes through
the gateway (GETs of reservations and views, and POSTs reserved a day ahead with an
Idempotency-Key, retried on a 5xx as a client should), and a live stream is followed,
reconnecting as the dashboard does.

Prints: the send's counts (duplicates, final, charged, held...) and time; the requests
by method and status (the promise: no 5xx for an idempotent request); the POSTs that
were retried and whether any was made twice; the stream's reconnects and whether the
last state it showed for the send is its final one."""

from __future__ import annotations

import argparse
import os
import threading
import time
import uuid
from collections import Counter
from typing import Any

import httpx

from msgplat_testsupport.replicas import REPLICATED, send_with_faults
from msgplat_testsupport.senders import TEST_CALLBACK_NUM
from msgplat_testsupport.sse import SseEvent, iter_sse
from msgplat_testsupport.stack import Stack, platform_on_loopback


class Traffic(threading.Thread):
    """GET and POST at about `rate` requests/s until `stop` is set."""

    def __init__(self, stack: Stack, user: str, rate: float, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.stack, self.user, self.rate, self.stop = stack, user, rate, stop
        self.statuses: Counter[tuple[str, int]] = Counter()
        self.retried_posts = 0
        self.created: list[str] = []

    def run(self) -> None:
        headers = self.stack.operator_headers
        with httpx.Client(base_url=self.stack.gateway_url, headers=headers, timeout=30) as api:
            tick = 0
            while not self.stop.is_set():
                tick += 1
                self._get(api, "/msgReqs", {"userId": self.user, "size": 5})
                self._get(api, "/monitorings", {"userId": self.user, "size": 5})
                if tick % 5 == 0:
                    self._post(api)
                time.sleep(3 / self.rate)

    def _get(self, api: httpx.Client, path: str, params: dict[str, str | int]) -> None:
        try:
            status = api.get(path, params=params).status_code
        except httpx.HTTPError:
            status = 0  # no answer at all
        self.statuses["GET", status] += 1

    def _post(self, api: httpx.Client) -> None:
        """One reservation with an Idempotency-Key, retried on a 5xx or no answer."""
        body = {
            "userId": self.user,
            "msgTitle": "during the upgrade",
            "msgContent": "reserved for tomorrow",
            "dstNum": ["01012345678"],
            "callbackNum": TEST_CALLBACK_NUM,
            "reserveDt": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(time.time() + 86400)),
        }
        key = {"Idempotency-Key": uuid.uuid4().hex}
        for attempt in range(10):
            try:
                response = api.post("/msgReqs", json=body, headers=key)
                status = response.status_code
            except httpx.HTTPError:
                status = 0
            self.statuses["POST", status] += 1
            if status and status < 500:
                if status == 201:
                    self.created.append(response.json()["id"])
                return
            self.retried_posts += attempt == 0
            time.sleep(0.5)


class StreamFollower(threading.Thread):
    """Follows the operator's `/monitorings/stream` (every customer's changes),
    reconnecting (with the last id it saw as Last-Event-ID, as a browser does) whenever
    the stream ends."""

    def __init__(self, stack: Stack, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.stack, self.stop = stack, stop
        self.reconnects = 0
        self.last: dict[str, dict[str, Any]] = {}
        self.backwards = 0  # a version older than one already shown

    def run(self) -> None:
        last_id = ""
        while not self.stop.is_set():
            headers = {**self.stack.operator_headers, "Accept": "text/event-stream"}
            if last_id:
                headers["Last-Event-ID"] = last_id
            try:
                with (
                    httpx.Client(base_url=self.stack.gateway_url, timeout=None) as client,
                    client.stream("GET", "/monitorings/stream", headers=headers) as response,
                ):
                    for event in iter_sse(response):
                        last_id = event.id or last_id
                        self._seen(event)
                        if self.stop.is_set():
                            return
            except httpx.HTTPError:
                pass
            self.reconnects += 1
            time.sleep(0.5)

    def _seen(self, event: SseEvent) -> None:
        rid = str(event.data.get("id") or event.data.get("reservationId"))
        before = self.last.get(rid)
        if before is not None and int(before.get("version", 0)) > int(event.data.get("version", 0)):
            self.backwards += 1
            return
        self.last[rid] = event.data


def main(size: int, *, rate: float, send_rate: int, lease_s: int) -> int:
    print("starting two replicas of every service and two carriers ...", flush=True)
    env = {
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        "AD_SENDING_HOURS": "00:00-24:00",
        "SEND_RATE_PER_S": str(send_rate),  # slow enough for every restart to fall mid-send
        "LEASE_S": str(lease_s),
        "BREAKER_OPEN_S": "1",
        "REPORT_TIMEOUT_S": "60",
        "LIVE_PING_S": "5",
    }
    replicas = dict.fromkeys(REPLICATED, 2)
    with platform_on_loopback(env, carriers=2, replicas=replicas) as (stack, database_url):
        user = stack.new_customer().user_id
        stack.top_up(user, 10_000_000)
        stop = threading.Event()
        traffic = Traffic(stack, user, rate, stop)
        stream = StreamFollower(stack, stop)  # the send's customer is made by send_with_faults
        traffic.start()
        stream.start()
        try:
            outcome = send_with_faults(
                stack, database_url, size, fault="rolling", lease_s=lease_s, timeout_s=3600,
                log=lambda line: print(" ", line, flush=True),
            )  # fmt: skip
            time.sleep(2 * float(env["LIVE_PING_S"]))  # the stream's last changes
        finally:
            stop.set()
        traffic.join(timeout=60)
        stream.join(timeout=30)
        finals = {
            rid: view.get("status") for rid, view in stream.last.items() if rid == outcome.rid
        }
    print(f"send of {outcome.count:,}: {outcome.status} in {outcome.seconds:.1f} s")
    print(f"  restarts: {', '.join(outcome.faults)}")
    print(
        f"  duplicates at the carriers {outcome.duplicates}, on both carriers "
        f"{outcome.on_two_carriers}, out of seq order {outcome.out_of_order}, "
        f"delivered {outcome.delivered:,}, failed {outcome.failed:,}, not final "
        f"{outcome.not_final}, charged {outcome.charged:,}, still held {outcome.held}"
    )
    by_status = ", ".join(f"{m} {s}: {n}" for (m, s), n in sorted(traffic.statuses.items()))
    gets_5xx = sum(
        n for (m, s), n in traffic.statuses.items() if m == "GET" and (s >= 500 or not s)
    )
    print(f"  traffic: {by_status}")
    print(
        f"  GETs answered 5xx or not at all: {gets_5xx}; POSTs retried: "
        f"{traffic.retried_posts}, created {len(traffic.created)} "
        f"(distinct {len(set(traffic.created))})"
    )
    print(
        f"  stream: {stream.reconnects} reconnects, {stream.backwards} versions seen going "
        f"backwards, last state shown for the send: {finals.get(outcome.rid)}"
    )
    problems = list(outcome.problems)
    if gets_5xx:
        problems.append(f"{gets_5xx} GETs answered 5xx")
    if len(set(traffic.created)) != len(traffic.created):
        problems.append("a retried POST made a second reservation")
    if finals.get(outcome.rid) != outcome.status:
        problems.append(f"the stream's last state {finals.get(outcome.rid)} != {outcome.status}")
    if stream.backwards:
        problems.append("the stream went back to an older version")
    print("  OK" if not problems else f"  PROBLEMS: {problems}")
    return 1 if problems else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--rate", type=float, default=30, help="requests/s of steady traffic")
    parser.add_argument("--send-rate", type=int, default=100, help="SEND_RATE_PER_S")
    parser.add_argument("--lease-s", type=int, default=5, help="LEASE_S")
    args = parser.parse_args()
    raise SystemExit(
        main(args.size, rate=args.rate, send_rate=args.send_rate, lease_s=args.lease_s)
    )
