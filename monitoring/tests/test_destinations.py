"""Where a webhook may point, without I/O: names and addresses refused (SSRF), the
allow-list, and what the delivery log shows of an answer."""

from __future__ import annotations

from ipaddress import ip_address

import pytest

from msgplat.monitoring import domain
from msgplat.monitoring.domain import destinations

NAMES_REFUSED = [
    "carrier",  # the carrier simulator's Service, e.g. http://carrier:8090/admin/reset
    "localhost",
    "LOCALHOST.",
    "monitoring.msgplat.svc",
    "gateway.msgplat.svc.cluster.local",
    "metadata.google.internal",
    "printer.local",
    "router.home.arpa",
]


@pytest.mark.parametrize("host", NAMES_REFUSED)
def test_a_name_inside_a_cluster_or_private_network_is_refused(host: str) -> None:
    reason = destinations.name_refusal(host)
    assert reason is not None
    assert "public addresses only" in reason


@pytest.mark.parametrize("host", ["example.com", "hooks.example.co.kr", "xn--bcher-kva.example"])
def test_a_public_name_is_left_to_its_addresses(host: str) -> None:
    assert destinations.name_refusal(host) is None


ADDRESSES_REFUSED = [
    ("127.0.0.1", "loopback"),
    ("127.8.9.10", "loopback"),
    ("::1", "loopback"),
    ("10.0.0.1", "private (RFC 1918)"),
    ("172.16.5.4", "private (RFC 1918)"),
    ("172.31.255.255", "private (RFC 1918)"),
    ("192.168.1.1", "private (RFC 1918)"),
    ("169.254.169.254", "link-local"),  # the cloud's metadata service
    ("fe80::1", "link-local"),
    ("100.64.0.1", "shared (CGNAT)"),
    ("100.127.255.254", "shared (CGNAT)"),
    ("fd00::1", "unique local (IPv6 ULA)"),
    ("fc00::1", "unique local (IPv6 ULA)"),
    ("0.0.0.0", "unspecified"),
    ("::", "unspecified"),
    ("::ffff:127.0.0.1", "IPv4-mapped loopback"),
    ("::ffff:10.0.0.1", "IPv4-mapped private (RFC 1918)"),
    ("::ffff:169.254.169.254", "IPv4-mapped link-local"),
    ("64:ff9b::7f00:1", "loopback (as IPv6)"),  # NAT64 of 127.0.0.1
    ("2002:a00:1::1", "private (RFC 1918) (as IPv6)"),  # 6to4 of 10.0.0.1
    ("224.0.0.1", "multicast"),
    ("ff02::1", "multicast"),
    ("fec0::1", "site-local"),
    ("192.0.2.1", "special-purpose (not global)"),
    ("198.18.0.1", "special-purpose (not global)"),
    ("240.0.0.1", "special-purpose (not global)"),
    ("255.255.255.255", "special-purpose (not global)"),
    ("2001:db8::1", "special-purpose (not global)"),
]


@pytest.mark.parametrize(("address", "kind"), ADDRESSES_REFUSED)
def test_an_address_that_is_not_public_is_refused_saying_what_it_is(
    address: str, kind: str
) -> None:
    assert destinations.address_kind(ip_address(address)) == kind
    what = f"{'an' if kind.startswith(('IPv4', 'unspecified')) else 'a'} {kind} address"
    said = destinations.address_refusal(address, ip_address(address))
    assert said == f"{address} is {what}; webhooks are sent to public addresses only"
    resolved = destinations.address_refusal("hooks.example.com", ip_address(address))
    assert resolved is not None
    assert resolved.startswith(f"hooks.example.com resolves to {address}, {what};")


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"]
)
def test_a_public_address_is_allowed(address: str) -> None:
    assert destinations.address_kind(ip_address(address)) is None
    assert destinations.address_refusal("example.com", ip_address(address)) is None


@pytest.mark.parametrize(
    ("host", "allowed", "exempt"),
    [
        ("127.0.0.1", ["127.0.0.1"], True),
        ("LOCALHOST.", ["localhost"], True),
        ("[::1]", ["::1"], True),
        ("0:0::1", ["[::1]"], True),
        ("127.0.0.2", ["127.0.0.1"], False),
        ("localhost", ["127.0.0.1"], False),  # by host as written, not by address
        ("hooks.test", [], False),
    ],
)
def test_the_allow_list_names_hosts(host: str, allowed: list[str], exempt: bool) -> None:
    assert destinations.is_allowed(host, allowed) is exempt


def test_the_log_shows_a_short_start_of_an_answer_on_one_line() -> None:
    assert domain.answer_logged(503, "") == "answered 503"
    assert domain.answer_logged(500, "oops\n  at line 3") == "answered 500: oops at line 3"
    assert domain.answer_logged(500, "x" * 5000) == "answered 500: " + "x" * 100
    assert domain.answer_logged(302, "") == "answered 302 (redirects are not followed)"
