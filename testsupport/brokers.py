"""A Tansu broker of a test's own, optionally behind a proxy the test can cut."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from msgplat.devstack.broker import TansuBroker, free_port
from msgplat.devstack.tcp_proxy import ThreadedTcpProxy
from msgplat_testsupport import ARTIFACTS


@contextmanager
def running_broker(*, behind_proxy: bool = False) -> Iterator[BrokerHandle]:
    """A new in-memory Tansu broker; with `behind_proxy`, clients reach it through a
    loopback proxy that the test can cut and restore (an outage without data loss)."""
    port = free_port()
    proxy_port = free_port() if behind_proxy else None
    broker = TansuBroker(
        port,
        advertised_port=proxy_port,
        log_file=ARTIFACTS / "logs" / f"broker-{port}.log",
    )
    broker.start()
    proxy = None
    if proxy_port is not None:
        proxy = ThreadedTcpProxy(proxy_port, port)
        proxy.start()
    try:
        yield BrokerHandle(broker=broker, proxy=proxy)
    finally:
        if proxy is not None:
            proxy.stop()
        broker.stop()


@dataclass
class BrokerHandle:
    broker: TansuBroker
    proxy: ThreadedTcpProxy | None = None

    @property
    def bootstrap_servers(self) -> str:
        return self.broker.bootstrap_servers
