"""A loopback TLS terminator: a broker that speaks only plaintext, reached over TLS.

Amazon MSK serves TLS (and mutual TLS, SASL over TLS); the local Tansu broker does
not. Tests put this in front of it (the broker advertises the terminator's port, so
every connection a client makes after the bootstrap goes through TLS too) to check
that the services verify the broker's certificate and present their own.
"""

from __future__ import annotations

import asyncio
import ssl

from msgplat.devstack.tcp_proxy import TcpProxy


class TlsTerminator(TcpProxy):
    """`TcpProxy` whose listener speaks TLS with `context` (a server context; with
    `verify_mode = CERT_REQUIRED` and a CA loaded, it asks clients for a certificate)."""

    def __init__(self, listen_port: int, target_port: int, context: ssl.SSLContext) -> None:
        super().__init__(listen_port, target_port)
        self.context = context

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._accept, "127.0.0.1", self.listen_port, ssl=self.context
        )
