"""Who may push delivery reports: `POST /carrier/reports/{carrier}`.

A report changes what a customer pays (a delivered message is charged, a failed one is
not), so only the carrier that holds a message may report it:

- each configured carrier (`CARRIERS`, or the one of `CARRIER_*`) has its own path,
  `/carrier/reports/<its name>` (send tells it in every submit's `reportUrl`); a path
  of no configured carrier is 404;
- on it, the carrier's own callback token, compared in constant time;
- when the carrier lists its addresses (`reportSources`), the report must come from one
  of them (403 otherwise). The address is the one the gateway names in
  `X-Caller-Address` (it drops any a client sent), else the peer's (a carrier inside
  the cluster, like the simulator, calls this service directly);
- a report of a message another carrier holds is refused (`results.apply_reports`).
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from ipaddress import IPv4Network, IPv6Address, IPv6Network, ip_address

from starlette.requests import Request

from msgplat.plumbing.caller import CALLER_ADDRESS_HEADER
from msgplat.plumbing.errors import Forbidden, NotFound, Unauthorized
from msgplat.plumbing.metrics import CARRIER_REPORTS_REFUSED
from msgplat.send.settings import CarrierConfig, SendSettings


def report_source(request: Request) -> str | None:
    """The address a report came from: the client's as the gateway names it, else the
    peer's; None when unknown."""
    named = request.headers.get(CALLER_ADDRESS_HEADER)
    if named:
        return named
    return request.client.host if request.client else None


def authenticate(
    settings: SendSettings, carrier: str, authorization: str | None, source: str | None
) -> CarrierConfig:
    """The configured carrier `carrier`, when the request is its own; else NotFound (no
    such carrier), Forbidden (not from its addresses) or Unauthorized (not its token)."""
    config = settings.carrier_config(carrier)
    if config is None:
        raise NotFound(f"report callback of carrier {carrier!r}")
    if config.report_sources is not None and not _from(source, config.report_sources):
        CARRIER_REPORTS_REFUSED.labels(config.name, "source").inc()
        raise Forbidden(f"reports of carrier {config.name} are not accepted from {source}")
    expected = f"Bearer {config.callback_token}".encode()
    if authorization is None or not hmac.compare_digest(authorization.encode(), expected):
        CARRIER_REPORTS_REFUSED.labels(config.name, "token").inc()
        raise Unauthorized(f"missing or wrong callback token of carrier {config.name}")
    return config


def _from(source: str | None, networks: Sequence[IPv4Network | IPv6Network]) -> bool:
    if source is None:
        return False
    try:
        address = ip_address(source)
    except ValueError:
        return False
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:  # ::ffff:10.0.0.1
        address = address.ipv4_mapped
    return any(address in network for network in networks)
