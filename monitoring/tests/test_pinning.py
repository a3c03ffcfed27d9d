"""A webhook's destination resolved once and checked, with resolvers of the test's own
(no DNS): what the POST connects to, and what is refused."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_address
from pathlib import Path

import httpx
import pytest

from msgplat.monitoring import pinning

# A self-signed certificate for `hooks.test` (and no other name), with its key.
HOOKS_TEST_PEM = Path(__file__).parent / "data" / "hooks.test.pem"


def answering(*addresses: str, asked: list[str] | None = None) -> pinning.Resolver:
    async def resolve(host: str, port: int) -> list[str]:
        if asked is not None:
            asked.append(f"{host}:{port}")
        return list(addresses)

    return resolve


async def not_resolving(host: str, port: int) -> list[str]:
    raise OSError(-2, "Name or service not known")


async def never_asked(host: str, port: int) -> list[str]:
    raise AssertionError(f"{host} resolved: an address needs no resolver")


async def test_a_public_name_is_pinned_to_the_address_checked_keeping_its_name() -> None:
    asked: list[str] = []
    to = await pinning.resolve(
        "https://hooks.example.com/in?x=1",
        allowed=[],
        resolver=answering("93.184.216.34", "2606:2800:220:1::1", asked=asked),
    )
    assert asked == ["hooks.example.com.:443"]  # absolute: no search domain applies
    assert to.address == ip_address("93.184.216.34") and to.public
    assert str(to.pinned_url) == "https://93.184.216.34/in?x=1"
    # A new connection each time: see the test of certificates below.
    assert to.headers == {"Host": "hooks.example.com", "Connection": "close"}
    assert to.extensions == {"sni_hostname": "hooks.example.com"}  # and the certificate


async def test_an_ipv6_address_and_a_port_are_kept() -> None:
    to = await pinning.resolve(
        "http://hooks.example.com:8443/x", allowed=[], resolver=answering("2606:2800:220:1::1")
    )
    assert str(to.pinned_url) == "http://[2606:2800:220:1::1]:8443/x"
    assert to.headers == {"Host": "hooks.example.com:8443"}
    assert to.extensions == {}


@pytest.mark.parametrize("private", ["127.0.0.1", "10.1.2.3", "::ffff:169.254.169.254"])
async def test_one_address_that_is_not_public_refuses_the_name(private: str) -> None:
    with pytest.raises(pinning.Refused) as refused:
        await pinning.resolve(
            "https://rebind.example.com/",
            allowed=[],
            resolver=answering("93.184.216.34", private),
        )
    assert refused.value.reason.startswith(f"rebind.example.com resolves to {private}, a")


async def test_an_address_is_checked_without_resolving() -> None:
    with pytest.raises(pinning.Refused, match=r"169\.254\.169\.254 is a link-local address"):
        await pinning.resolve("http://169.254.169.254/latest", allowed=[], resolver=never_asked)
    to = await pinning.resolve("http://8.8.8.8/", allowed=[], resolver=never_asked)
    assert to.address == ip_address("8.8.8.8")


async def test_a_cluster_name_is_refused_before_resolving() -> None:
    with pytest.raises(pinning.Refused, match="carrier is a single-label name"):
        await pinning.resolve("http://carrier:8090/admin/reset", allowed=[], resolver=never_asked)


async def test_a_host_on_the_allow_list_may_be_loopback_but_is_not_public() -> None:
    to = await pinning.resolve(
        "http://hooks.test:9000/h", allowed=["hooks.test"], resolver=answering("127.0.0.1")
    )
    assert str(to.pinned_url) == "http://127.0.0.1:9000/h"
    assert to.headers == {"Host": "hooks.test:9000"}
    assert not to.public  # the log keeps no body of its answers


async def test_a_name_that_does_not_resolve_is_unresolved() -> None:
    with pytest.raises(pinning.Unresolved, match=r"nowhere\.example\.com does not resolve"):
        await pinning.resolve("http://nowhere.example.com/", allowed=[], resolver=not_resolving)
    with pytest.raises(pinning.Unresolved):
        await pinning.resolve("http://nowhere.example.com/", allowed=[], resolver=answering())


@pytest.fixture
def tls_receiver() -> Iterator[int]:
    """An HTTPS server on 127.0.0.1 with the certificate of `hooks.test`: its port."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            said = self.headers["Host"].encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(said)))
            self.end_headers()
            self.wfile.write(said)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(HOOKS_TEST_PEM)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


async def test_https_checks_the_certificate_against_the_name_on_every_connection(
    tls_receiver: int,
) -> None:
    """Connected to the address, TLS still checks the name; and a connection opened for
    one name is never reused for another name at the same address (whose certificate
    would then never be checked)."""
    trusting_the_test_certificate = ssl.create_default_context(cafile=str(HOOKS_TEST_PEM))
    allowed = ["hooks.test", "other.test"]
    loopback = answering("127.0.0.1")
    async with httpx.AsyncClient(verify=trusting_the_test_certificate) as client:
        for _ in range(2):
            to = await pinning.resolve(
                f"https://hooks.test:{tls_receiver}/h", allowed=allowed, resolver=loopback
            )
            answer = await client.post(
                to.pinned_url, content=b"{}", headers=to.headers, extensions=to.extensions
            )
            assert (answer.status_code, answer.text) == (200, f"hooks.test:{tls_receiver}")
        other = await pinning.resolve(
            f"https://other.test:{tls_receiver}/h", allowed=allowed, resolver=loopback
        )
        with pytest.raises(httpx.ConnectError, match=r"certificate is not valid for 'other\.test'"):
            await client.post(
                other.pinned_url, content=b"{}", headers=other.headers, extensions=other.extensions
            )


@pytest.mark.parametrize("url", ["http://[::1/", "http:///no-host"])
async def test_a_url_without_a_host_is_refused(url: str) -> None:
    with pytest.raises(pinning.Refused):
        await pinning.resolve(url, allowed=[], resolver=never_asked)
