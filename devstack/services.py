"""Every service of the platform as a process: how to start, probe and stop it.

What runs, on which port and in which order is the registry's (`contracts/services.py`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from msgplat.contracts import services as registry


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    port: int
    # The subpackage whose app it runs, when not `name` (a second carrier simulator,
    # `carrier-b`, runs `msgplat.carrier`).
    package: str | None = None

    @property
    def app(self) -> str:
        return f"msgplat.{self.package or self.name}.app:create_app"


def specs(services: Iterable[registry.Service]) -> tuple[ServiceSpec, ...]:
    """A process for every entry of the registry, in its (start) order."""
    return tuple(ServiceSpec(s.name, s.port) for s in services)


# Start order: the carrier simulator (the outside world) first, the gateway last.
SERVICES: tuple[ServiceSpec, ...] = specs(registry.SERVICES)


def wiring_env(ports: dict[str, int]) -> dict[str, str]:
    """How the processes find each other when they listen on `ports`: `<NAME>_URL` of
    every one but the gateway (the gateway's upstreams, the carrier for the send
    service, billing for reservation), and the send service's report callback for the
    carrier."""
    gateways = {s.name for s in registry.SERVICES if s.kind == "gateway"}
    env = {
        f"{name.upper()}_URL": f"http://127.0.0.1:{port}"
        for name, port in ports.items()
        if name not in gateways
    }
    env["REPORT_CALLBACK_URL"] = f"http://127.0.0.1:{ports['send']}/carrier/reports"
    return env


@dataclass
class ServiceProcess:
    spec: ServiceSpec
    env: dict[str, str]
    log_file: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.port = self.port or self.spec.port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_file.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "msgplat.plumbing.serve",  # uvicorn, with exit status 0 after a SIGTERM
                self.spec.app,
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-access-log",
                "--timeout-graceful-shutdown",
                "20",
            ],
            env={**os.environ, **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout_s: float = 30.0, path: str = "/health/ready") -> None:
        deadline = time.monotonic() + timeout_s
        last = "no answer"
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.spec.name} exited with code {self.process.returncode}; "
                    f"see {self.log_file}"
                )
            try:
                response = httpx.get(self.url + path, timeout=2)
                if response.status_code == 200:
                    return
                last = response.text[:300]
            except httpx.HTTPError as exc:
                last = repr(exc)
            time.sleep(0.1)
        raise TimeoutError(
            f"{self.spec.name} not ready after {timeout_s} s ({last}); see {self.log_file}"
        )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout_s: float = 25.0) -> None:
        """SIGTERM, then wait for the graceful shutdown; SIGKILL if it overruns."""
        if not self.alive():
            return
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self) -> None:
        """SIGKILL: the crash a fault test wants (no shutdown code runs)."""
        if self.alive():
            assert self.process is not None
            self.process.kill()
            self.process.wait()
