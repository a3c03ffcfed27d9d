"""`/docs` works without the internet: every request the page makes off the gateway is
refused (as in a VPC with closed egress), and Swagger UI still shows every operation of
the merged document."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Route, expect

from msgplat_testsupport.stack import Stack

pytestmark = pytest.mark.e2e


def test_the_docs_page_shows_every_operation_offline(
    browser: Browser, stack: Stack, dashboard_built: Path
) -> None:
    document = httpx.get(stack.gateway_url + "/openapi.json", timeout=30).json()
    operations = sum(len(methods) for methods in document["paths"].values())
    gateway = urlsplit(stack.gateway_url).netloc
    elsewhere: list[str] = []

    def offline(route: Route) -> None:
        if urlsplit(route.request.url).netloc == gateway:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort("internetdisconnected")

    context = browser.new_context(viewport={"width": 1280, "height": 860})
    context.route("**/*", offline)
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(stack.gateway_url + "/docs")
        blocks = page.locator(".opblock")
        expect(blocks).to_have_count(operations)
        expect(page.locator(".opblock-summary-path", has_text="/msgReqs").first).to_be_visible()
    finally:
        context.close()
    assert not elsewhere, elsewhere
