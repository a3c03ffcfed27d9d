"""What the benchmarks share to print their figures: percentiles, milliseconds, and the
CPU and memory of the processes of a platform started on loopback (from /proc)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from msgplat_testsupport.stack import Stack


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def platform_pids(stack: Stack, database_url: str) -> dict[str, list[int]]:
    """Every process of the platform by name: each service's, the broker's (by its
    port) and the PostgreSQL server's (the embedded one by its data folder, with its
    backends; a configured server: every `postgres` process on the machine)."""
    found = {name: [p.process.pid] for name, p in stack.processes.items() if p.process}
    port = stack.env["KAFKA_BOOTSTRAP_SERVERS"].rsplit(":", 1)[-1]
    found["broker"] = _pgrep("-f", f"tcp://127.0.0.1:{port}")
    socket_dir = parse_qs(urlsplit(database_url).query).get("host", [""])[0]
    postmaster = _pgrep("-f", f"-D {socket_dir}") if socket_dir.startswith("/") else []
    found["postgres"] = (
        postmaster + [c for pid in postmaster for c in _pgrep("-P", str(pid))]
        if postmaster
        else _pgrep("postgres")
    )
    return found


def cpu_by_name(pids: dict[str, list[int]]) -> dict[str, float]:
    """CPU seconds so far of each name's processes (those still running)."""
    used: dict[str, float] = {}
    for name, group in pids.items():
        for pid in group:
            try:
                used[name] = used.get(name, 0.0) + cpu_seconds(pid)
            except (FileNotFoundError, ProcessLookupError):
                continue
    return used


def _pgrep(*args: str) -> list[int]:
    out = subprocess.run(["pgrep", *args], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]
