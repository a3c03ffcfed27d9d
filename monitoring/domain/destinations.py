"""Where a webhook may point: public addresses only, never the platform's own network.

A customer's webhook URL is fetched by this service, inside the cluster: pointed at
`http://carrier:8090/admin/reset`, at the cloud's metadata address or at a private one,
it would make the platform call its own services (SSRF). So a webhook's host may be
neither a name that only means something inside a private network or cluster (a single
label like `carrier`, `*.svc`, `*.cluster.local`, `*.internal`...) nor resolve to an
address that is not public: loopback, private (RFC 1918), link-local (cloud metadata),
shared (CGNAT), unique local or link-local IPv6, any other special-purpose range
(`ipaddress`'s `is_global`), or an IPv6 address holding one of those IPv4 addresses
(IPv4-mapped, 6to4, NAT64). The hosts of the allow-list (`WEBHOOK_ALLOWED_HOSTS`: a test's
receiver on loopback) are exempt.

These are the rules only; `pinning.py` resolves a name and applies them. No I/O.
"""

from __future__ import annotations

from collections.abc import Collection
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network

IPAddress = IPv4Address | IPv6Address

PUBLIC_ONLY = "webhooks are sent to public addresses only"

# Names that mean something only inside a private network or a cluster (`*.svc`, and
# `*.svc.cluster.local` under `.local`).
PRIVATE_SUFFIXES = (
    ".localhost",
    ".local",
    ".localdomain",
    ".internal",
    ".svc",
    ".home.arpa",
    ".lan",
    ".intranet",
    ".corp",
)

_RFC_1918 = tuple(ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
_SHARED = ip_network("100.64.0.0/10")  # carrier-grade NAT (RFC 6598)
_UNIQUE_LOCAL = ip_network("fc00::/7")
_NAT64 = ip_network("64:ff9b::/96")


def normalised_host(host: str) -> str:
    """Lower case, without a trailing dot or IPv6 brackets; an address in its short form."""
    host = host.strip().lower().removeprefix("[").removesuffix("]").rstrip(".")
    address = literal_address(host)
    return str(address) if address is not None else host


def literal_address(host: str) -> IPAddress | None:
    try:
        return ip_address(host.removeprefix("[").removesuffix("]"))
    except ValueError:
        return None


def is_allowed(host: str, allowed: Collection[str]) -> bool:
    """On the allow-list: a host exempt from these rules (listed as written, any port)."""
    return normalised_host(host) in {normalised_host(entry) for entry in allowed}


def name_refusal(host: str) -> str | None:
    """Why a host name (not an address) is refused before it is even resolved, or None."""
    name = normalised_host(host)
    if literal_address(name) is not None:
        return None
    if "." not in name:
        return (
            f"{name} is a single-label name, which only a private network or a cluster "
            f"resolves; {PUBLIC_ONLY}"
        )
    if name.endswith(PRIVATE_SUFFIXES):
        return f"{name} is a name inside a private network or a cluster; {PUBLIC_ONLY}"
    return None


def address_kind(address: IPAddress) -> str | None:
    """What makes an address not public (e.g. "loopback"), or None for a public one."""
    if isinstance(address, IPv6Address):
        if address.ipv4_mapped is not None:  # ::ffff:a.b.c.d is a.b.c.d
            kind = address_kind(address.ipv4_mapped)
            return f"IPv4-mapped {kind}" if kind else None
        for embedded in (address.sixtofour, _nat64(address)):
            if embedded is not None and (kind := address_kind(embedded)):
                return f"{kind} (as IPv6)"
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"  # 169.254.169.254, the cloud's metadata, among them
    if isinstance(address, IPv4Address):
        if any(address in network for network in _RFC_1918):
            return "private (RFC 1918)"
        if address in _SHARED:
            return "shared (CGNAT)"
    elif address in _UNIQUE_LOCAL:
        return "unique local (IPv6 ULA)"
    elif address.is_site_local:
        return "site-local"
    if address.is_multicast:
        return "multicast"
    if address.is_reserved or not address.is_global:
        return "special-purpose (not global)"
    return None


def address_refusal(host: str, address: IPAddress) -> str | None:
    """Why `host`, an address or a name that resolved to `address`, is refused, or None."""
    kind = address_kind(address)
    if kind is None:
        return None
    what = f"{'an' if kind.startswith(('IPv4', 'unspecified')) else 'a'} {kind} address"
    shown = _shown(address)
    if literal_address(normalised_host(host)) == address:
        return f"{shown} is {what}; {PUBLIC_ONLY}"
    return f"{normalised_host(host)} resolves to {shown}, {what}; {PUBLIC_ONLY}"


def _shown(address: IPAddress) -> str:
    """`::ffff:127.0.0.1`, not `::ffff:7f00:1`."""
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return f"::ffff:{address.ipv4_mapped}"
    return str(address)


def _nat64(address: IPv6Address) -> IPv4Address | None:
    if address in _NAT64:
        return IPv4Address(int(address) & 0xFFFFFFFF)
    return None
