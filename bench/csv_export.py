"""Benchmark: a reservation's 100,000 messages exported as CSV (`Accept: text/csv`).

    .venv/bin/python bench/csv_export.py [--recipients 100000] [--runs 3]

Starts its own platform on loopback (as bench/reservations.py does: a fresh database,
a new Tansu broker, every service and the gateway, the carrier simulator at zero
latency), reserves one send to `--recipients` numbers, waits until the send service has
every message, then downloads `GET /msgs?reservationId=...` as CSV `--runs` times
through the gateway and straight from the send service. It prints, per run, the rows,
the bytes, the time to the last byte, rows per second, and the send service's memory:
its resident size before and its peak while it streamed (sampled every 20 ms). The
export streams from a server-side cursor, so the peak should stay near the size before,
whatever the number of rows. bench/README.md says what each figure means.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx
import psutil

from msgplat_testsupport.stack import ZERO_LATENCY_CARRIER, Stack, platform_on_loopback

TARGET_S = 5.0


@dataclass
class Export:
    rows: int
    bytes: int
    seconds: float
    rss_before_mb: float
    rss_peak_mb: float

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


class MemorySampler:
    """The peak resident size of a process and its children, sampled in a thread."""

    def __init__(self, pid: int, interval_s: float = 0.02) -> None:
        self.process = psutil.Process(pid)
        self.interval_s = interval_s
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def rss(self) -> int:
        processes = [self.process, *self.process.children(recursive=True)]
        total = 0
        for process in processes:
            with contextlib.suppress(psutil.NoSuchProcess):
                total += process.memory_info().rss
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.rss())
            time.sleep(self.interval_s)

    def __enter__(self) -> MemorySampler:
        self.peak = self.rss()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def reserve(stack: Stack, headers: dict[str, str], recipients: int) -> str:
    numbers = [f"0102{i:07d}" for i in range(recipients)]
    response = httpx.post(
        stack.gateway_url + "/msgReqs",
        json={
            "msgTitle": "CSV 내보내기",
            "msgContent": "[안내] 내보내기 벤치마크 문자입니다.",
            "dstNum": numbers,
            "callbackNum": "02-1234-5678",
        },
        headers=headers,
        timeout=120,
    )
    response.raise_for_status()
    reservation_id: str = response.json()["id"]
    return reservation_id


def wait_for_messages(
    stack: Stack, headers: dict[str, str], reservation_id: str, count: int, cap_s: float
) -> dict[str, Any]:
    """Until the send service holds every message (and, within `cap_s`, has sent them)."""
    deadline = time.monotonic() + cap_s
    summary: dict[str, Any] = {}
    while time.monotonic() < deadline:
        response = httpx.get(
            stack.gateway_url + "/msgs/summary",
            params={"reservationId": reservation_id},
            headers=headers,
            timeout=30,
        )
        if response.status_code == 200:
            summary = response.json()
            held = sum(
                summary[k]
                for k in ("pending", "submitted", "delivered", "failed", "cancelled", "optedOut")
            )
            if held >= count and summary.get("finished"):
                return summary
        time.sleep(1)
    return summary


def export(url: str, headers: dict[str, str], reservation_id: str, pid: int) -> Export:
    rows = size = 0
    with MemorySampler(pid) as memory:
        before = memory.peak
        started = time.perf_counter()
        with httpx.stream(
            "GET",
            url + "/msgs",
            params={"reservationId": reservation_id},
            headers={**headers, "Accept": "text/csv"},
            timeout=120,
        ) as response:
            response.raise_for_status()
            for chunk in response.iter_bytes():
                size += len(chunk)
                rows += chunk.count(b"\n")
        seconds = time.perf_counter() - started
    return Export(
        rows=rows - 1,  # the header line
        bytes=size,
        seconds=seconds,
        rss_before_mb=before / 2**20,
        rss_peak_mb=memory.peak / 2**20,
    )


def show(label: str, runs: list[Export]) -> None:
    for i, run in enumerate(runs, 1):
        print(
            f"  {label} run {i}: {run.rows:,} rows, {run.bytes / 2**20:.1f} MiB in "
            f"{run.seconds:.2f} s = {run.rows_per_s:,.0f} rows/s; send service memory "
            f"{run.rss_before_mb:.0f} MiB before, peak {run.rss_peak_mb:.0f} MiB "
            f"(+{run.rss_peak_mb - run.rss_before_mb:.1f} MiB)"
        )
    best = min(r.seconds for r in runs)
    print(
        f"  {label}: median {statistics.median(r.seconds for r in runs):.2f} s, best "
        f"{best:.2f} s ({'under' if best < TARGET_S else 'OVER'} the {TARGET_S:.0f} s target)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--send-cap-s", type=float, default=600)
    args = parser.parse_args()

    with platform_on_loopback(ZERO_LATENCY_CARRIER) as (stack, _):
        customer = stack.new_customer("bench-csv")
        httpx.post(
            stack.gateway_url + "/billings/topups",
            json={"userId": customer.user_id, "amount": 10_000_000},
            headers=stack.operator_headers,
            timeout=30,
        ).raise_for_status()
        print(f"reserving {args.recipients:,} recipients ...", flush=True)
        started = time.monotonic()
        reservation_id = reserve(stack, customer.headers, args.recipients)
        summary = wait_for_messages(
            stack, customer.headers, reservation_id, args.recipients, args.send_cap_s
        )
        print(
            f"  sent in {time.monotonic() - started:.0f} s: "
            + ", ".join(f"{k} {summary.get(k, 0):,}" for k in ("delivered", "failed", "pending"))
        )
        pid = stack.processes["send"].process.pid
        headers = customer.headers
        print(f"CSV export of {args.recipients:,} messages (GET /msgs, Accept: text/csv)")
        through = [
            export(stack.gateway_url, headers, reservation_id, pid) for _ in range(args.runs)
        ]
        show("through the gateway", through)
        direct = [export(stack.url("send"), {}, reservation_id, pid) for _ in range(args.runs)]
        show("straight from send", direct)


if __name__ == "__main__":
    main()
