"""How many messages per second one simulator process accepts, with reports flowing.

    .venv/bin/python -m msgplat.carrier.benchmark --messages 100000 --concurrency 4

Starts the simulator (zero latency) and a trivial report sink as uvicorn processes on
loopback, submits the messages in batches of 1,000 from `--concurrency` parallel
clients (bodies encoded before the clock starts), and waits until the sink has every
delivery report. Prints one JSON line: submit rate, end-to-end rate, peak memory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import orjson

from msgplat.devstack.broker import free_port, wait_for_port

ARTIFACTS = Path("test-artifacts") / "logs"

_received = 0


async def sink_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """A trivial report receiver (raw ASGI): counts reports, answers 204; GET: the count."""
    global _received
    if scope["type"] != "http":
        return
    if scope["method"] == "POST":
        chunks = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        _received += len(orjson.loads(b"".join(chunks))["reports"])
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    body = orjson.dumps({"received": _received})
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _uvicorn(app: list[str], port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    log.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "uvicorn", *app, "--host", "127.0.0.1", "--port", str(port)]
    command += ["--no-access-log", "--log-level", "warning"]
    return subprocess.Popen(
        command, env={**os.environ, **env}, stdout=log.open("ab"), stderr=subprocess.STDOUT
    )


def _memory_mb(pid: int, field: str) -> float:
    """`VmRSS` (now) or `VmHWM` (peak) of a process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _bodies(total: int, batch: int, report_url: str) -> list[bytes]:
    bodies = []
    for start in range(0, total, batch):
        messages = [
            {
                "ref": f"bench-{i}",
                "to": f"+8210{i % 100_000_000:08d}",
                "from": "0212345678",
                "type": "SMS",
                "text": "benchmark message",
            }
            for i in range(start, min(start + batch, total))
        ]
        bodies.append(orjson.dumps({"reportUrl": report_url, "messages": messages}))
    return bodies


async def _run(
    total: int, batch: int, concurrency: int, carrier_url: str, sink_url: str, api_key: str
) -> dict[str, Any]:
    bodies = _bodies(total, batch, f"{sink_url}/reports")
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    headers = {"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"}
    accepted = 0

    async with httpx.AsyncClient(base_url=carrier_url, timeout=30) as client:

        async def sender() -> None:
            nonlocal accepted
            while not queue.empty():
                body = queue.get_nowait()
                response = await client.post("/v1/messages", content=body, headers=headers)
                response.raise_for_status()
                accepted += sum(1 for r in response.json()["results"] if r["accepted"])

        started = time.perf_counter()
        await asyncio.gather(*(sender() for _ in range(concurrency)))
        submitted = time.perf_counter() - started
        async with httpx.AsyncClient(base_url=sink_url) as sink:
            while True:
                if (await sink.get("/count")).json()["received"] >= accepted:
                    break
                await asyncio.sleep(0.01)
        finished = time.perf_counter() - started
        stats = (await client.get("/admin/stats")).json()
    return {
        "messages": total,
        "accepted": accepted,
        "batch": batch,
        "concurrency": concurrency,
        "submit_s": round(submitted, 3),
        "submit_msgs_per_s": round(total / submitted),
        "all_reports_s": round(finished, 3),
        "end_to_end_msgs_per_s": round(total / finished),
        "reports_sent": stats["reportsSent"],
        "report_posts": stats["reportPosts"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--report-delay-ms", type=int, default=200)
    args = parser.parse_args()

    carrier_port, sink_port = free_port(), free_port()
    api_key = secrets.token_urlsafe(24)  # the simulator has no default key
    env = {
        "CARRIER_LOG_LEVEL": "WARNING",
        "CARRIER_REPORT_DELAY_MS": str(args.report_delay_ms),
        "CARRIER_API_KEY": api_key,
        "CARRIER_CALLBACK_TOKEN": secrets.token_urlsafe(24),
    }
    carrier = _uvicorn(
        ["msgplat.carrier.app:create_app", "--factory"],
        carrier_port,
        env,
        ARTIFACTS / "carrier-bench.log",
    )
    sink = _uvicorn(["msgplat.carrier.benchmark:sink_app"], sink_port, {}, ARTIFACTS / "sink.log")
    try:
        wait_for_port(carrier_port, 30, process=carrier, what="the carrier simulator")
        wait_for_port(sink_port, 30, process=sink, what="the report sink")
        idle_rss = _memory_mb(carrier.pid, "VmRSS")
        cpu_before = {"carrier": _cpu_s(carrier.pid), "sink": _cpu_s(sink.pid)}
        result = asyncio.run(
            _run(
                args.messages,
                args.batch,
                args.concurrency,
                f"http://127.0.0.1:{carrier_port}",
                f"http://127.0.0.1:{sink_port}",
                api_key,
            )
        )
        result["carrier_cpu_s"] = round(_cpu_s(carrier.pid) - cpu_before["carrier"], 2)
        result["sink_cpu_s"] = round(_cpu_s(sink.pid) - cpu_before["sink"], 2)
        result["client_cpu_s"] = round(time.process_time(), 2)
        result["carrier_idle_rss_mb"] = idle_rss
        result["carrier_peak_rss_mb"] = _memory_mb(carrier.pid, "VmHWM")
        print(json.dumps(result))
    finally:
        for process in (carrier, sink):
            process.terminate()
            process.wait(10)


if __name__ == "__main__":
    main()
