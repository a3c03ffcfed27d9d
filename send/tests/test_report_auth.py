"""Who may push delivery reports: the carrier named by the path, with its own callback
token, from its own addresses when it lists them. No I/O."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from starlette.requests import Request

from msgplat.plumbing.errors import Forbidden, NotFound, Unauthorized
from msgplat.send.callback_auth import authenticate, report_source
from msgplat.send.settings import SendSettings

UNUSED_DB = "postgresql://nobody@127.0.0.1:1/none"
A = {
    "name": "a",
    "url": "http://a:1",
    "apiKey": "ka",
    "callbackToken": "tok-a",
    "reportSources": ["10.0.0.0/8", "2001:db8::/32", "192.0.2.7"],
}
B = {"name": "b", "url": "http://b:1", "apiKey": "kb", "callbackToken": "tok-b"}
SETTINGS = SendSettings(database_url=UNUSED_DB, carriers=[A, B], _env_file=None)  # type: ignore[call-arg]


def test_a_carrier_reports_on_its_own_path_with_its_own_token() -> None:
    assert authenticate(SETTINGS, "a", "Bearer tok-a", "10.1.2.3").name == "a"
    assert authenticate(SETTINGS, "a", "Bearer tok-a", "2001:db8::5").name == "a"
    assert authenticate(SETTINGS, "a", "Bearer tok-a", "192.0.2.7").name == "a"
    assert authenticate(SETTINGS, "b", "Bearer tok-b", "203.0.113.9").name == "b"  # no list


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "tok-a",
        "Bearer",
        "Bearer ",
        "Bearer tok-b",
        "Bearer tok-a ",
        "Bearer tok-",
        "Basic tok-a",
    ],
)
def test_any_other_token_is_401(authorization: str | None) -> None:
    """Another carrier's token is not this carrier's (compared in constant time)."""
    with pytest.raises(Unauthorized):
        authenticate(SETTINGS, "a", authorization, "10.0.0.1")


@pytest.mark.parametrize("carrier", ["c", "", "A", "a ", "..", "sim"])
def test_a_carrier_that_is_not_configured_has_no_callback(carrier: str) -> None:
    with pytest.raises(NotFound):
        authenticate(SETTINGS, carrier, "Bearer tok-a", "10.0.0.1")


@pytest.mark.parametrize(
    "source", ["192.168.0.1", "11.0.0.1", "2001:db9::1", "192.0.2.8", None, "x"]
)
def test_a_carrier_listing_its_addresses_is_refused_from_any_other(source: str | None) -> None:
    with pytest.raises(Forbidden):
        authenticate(SETTINGS, "a", "Bearer tok-a", source)


def test_the_single_carrier_settings_take_an_address_list_too() -> None:
    settings = SendSettings(
        database_url=UNUSED_DB,
        carrier_api_key="k",
        carrier_callback_token="t",
        carrier_report_sources=["127.0.0.1/32"],
        _env_file=None,  # type: ignore[call-arg]
    )
    assert authenticate(settings, "sim", "Bearer t", "127.0.0.1").name == "sim"
    with pytest.raises(Forbidden):
        authenticate(settings, "sim", "Bearer t", "127.0.0.2")


def test_an_address_list_that_is_not_one_is_refused_at_start() -> None:
    with pytest.raises(ValidationError) as refused:
        SendSettings(
            database_url=UNUSED_DB,
            carriers=[{**A, "reportSources": ["10.0.0.300/8"]}],
            _env_file=None,  # type: ignore[call-arg]
        )
    assert "reportSources" in str(refused.value)


def _request(headers: dict[str, str], peer: str | None) -> Request:
    scope: dict[str, Any] = {
        "type": "http",
        "method": "POST",
        "path": "/carrier/reports/a",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": (peer, 50000) if peer else None,
    }
    return Request(scope)


def test_the_source_is_the_address_the_gateway_names_else_the_peer() -> None:
    """Through the gateway, the peer is the gateway: it names the client's address in
    `X-Caller-Address` (and drops any a client sent). Straight from inside the cluster
    (the simulator), the peer itself."""
    assert report_source(_request({"X-Caller-Address": "192.0.2.7"}, "10.9.9.9")) == "192.0.2.7"
    assert report_source(_request({}, "10.9.9.9")) == "10.9.9.9"
    assert report_source(_request({}, None)) is None
