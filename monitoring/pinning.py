"""A webhook's destination: its host resolved once, every address checked, and the POST
pinned to the address that was checked.

A name may resolve to a public address when it is checked and to 127.0.0.1 a moment
later (DNS rebinding): an HTTP client that resolved it again would connect there. So
the host is resolved here, once per delivery; each of its addresses must be public
(`domain/destinations.py`) unless the host is on the allow-list; and the request goes
to the first address: the URL carries the address, while the `Host` header, TLS SNI and
the certificate check keep the name (over HTTPS on a connection of its own, so that the
certificate is checked against this name every time). Redirects are never followed
(the dispatcher's client), so no second host is ever reached.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from ipaddress import ip_address
from typing import Any

import httpx

from msgplat.monitoring.domain import destinations
from msgplat.monitoring.domain.destinations import IPAddress

# (host, port) -> the addresses it resolves to, best first (`getaddrinfo`'s order).
Resolver = Callable[[str, int], Awaitable[list[str]]]


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class Refused(Exception):
    """The destination is not public (and not on the allow-list): never to be sent to."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Unresolved(Exception):
    """The host did not resolve (now): a delivery tries again later."""


@dataclass(frozen=True)
class Destination:
    url: httpx.URL  # as registered
    address: IPAddress  # where the request connects: the address that was checked
    # Every address of the host is public (not merely allowed): only then does the
    # delivery log keep a piece of the answer's body.
    public: bool

    @property
    def pinned_url(self) -> httpx.URL:
        return self.url.copy_with(host=str(self.address))

    @property
    def headers(self) -> dict[str, str]:
        headers = {"Host": self.url.netloc.decode("ascii")}
        if self.url.scheme == "https":
            # The client's pool keys connections by address: one kept open after a TLS
            # handshake for another name at this address would carry this request
            # without its certificate ever being checked against this name.
            headers["Connection"] = "close"
        return headers

    @property
    def extensions(self) -> dict[str, Any]:
        """TLS: the name in SNI, and the certificate checked against it."""
        host = self.url.raw_host.decode("ascii")
        return {"sni_hostname": host} if self.url.scheme == "https" else {}


async def resolve(url: str, *, allowed: Collection[str], resolver: Resolver) -> Destination:
    """The destination of `url`, or `Refused` (not public) or `Unresolved`."""
    try:
        parsed = httpx.URL(url)
        host = parsed.raw_host.decode("ascii")  # IDNA; an IPv6 address without brackets
    except (httpx.InvalidURL, UnicodeError):
        raise Refused(f"{url[:100]!r} is not a URL with a host") from None
    exempt = destinations.is_allowed(host, allowed)
    if not exempt and (reason := destinations.name_refusal(host)):
        raise Refused(reason)
    addresses = await _addresses(host, parsed.port or _default_port(parsed.scheme), resolver)
    refusals = [r for a in addresses if (r := destinations.address_refusal(host, a))]
    if refusals and not exempt:
        raise Refused(refusals[0])
    return Destination(url=parsed, address=addresses[0], public=not refusals)


async def _addresses(host: str, port: int, resolver: Resolver) -> list[IPAddress]:
    literal = destinations.literal_address(host)
    if literal is not None:
        return [literal]
    # Absolute (a trailing dot): the resolver's search domains never make `carrier.msgplat`
    # into `carrier.msgplat.svc.cluster.local`.
    try:
        answers = await resolver(host.rstrip(".") + ".", port)
        addresses = [ip_address(answer) for answer in answers]
    except (OSError, UnicodeError, ValueError) as exc:
        raise Unresolved(f"{host} does not resolve: {exc}") from None
    if not addresses:
        raise Unresolved(f"{host} does not resolve")
    return addresses


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80
