"""The dashboard's live stream authenticates with a stream ticket, a new one for each
connection: the browser's own reconnection would reuse a spent ticket, so the dashboard
closes a broken stream and reconnects with a new ticket. No token is ever in its URL."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Browser, Route, expect

from msgplat_testsupport.stack import Stack

pytestmark = pytest.mark.e2e


def test_a_broken_stream_is_reconnected_with_a_new_ticket(
    browser: Browser, stack: Stack, login_token: dict[str, object]
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    session = {
        "token": login_token["accessToken"],
        "userId": login_token["userId"],
        "role": login_token["role"],
        "expiresAt": None,
    }
    context.add_init_script(
        f"localStorage.setItem('msgplat.session', {json.dumps(json.dumps(session))})"
    )
    urls: list[str] = []

    def stream(route: Route) -> None:
        urls.append(route.request.url)
        if len(urls) == 1:  # the first connection ends at once, as a dropped one would
            route.fulfill(
                status=200, headers={"Content-Type": "text/event-stream"}, body=": bye\n\n"
            )
        else:
            route.continue_()

    context.route("**/monitorings/stream?*", stream)
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(stack.gateway_url + "/app/reservations")
        deadline = time.monotonic() + 15
        while len(urls) < 2 and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        expect(page.get_by_test_id("live")).to_have_text("Live")
    finally:
        context.close()
    queries = [parse_qs(urlparse(url).query) for url in urls]
    assert len(queries) >= 2, urls
    tickets = [query["ticket"][0] for query in queries]
    assert len(set(tickets)) == len(tickets), "a new ticket for each connection"
    assert not any("accessToken" in query for query in queries)
    assert str(login_token["accessToken"]) not in " ".join(urls)
