"""Fixtures of the browser tests: the built dashboard, a headless Chromium (Debian's,
driven by Playwright for Python) and a funded customer with a dashboard password.

The stack (root conftest.py) serves the dashboard from frontend/dist through the
gateway, so the browser talks to the real services, the real read model and the
real live stream.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from msgplat_testsupport import ARTIFACTS
from msgplat_testsupport.stack import Stack

playwright_sync = pytest.importorskip("playwright.sync_api")
Browser = playwright_sync.Browser
Page = playwright_sync.Page

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
SCREENSHOTS = ARTIFACTS / "screenshots"
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}


def _newest_source_mtime() -> float:
    sources = [FRONTEND / name for name in ("index.html", "vite.config.js", "package-lock.json")]
    sources += [path for path in (FRONTEND / "src").rglob("*") if path.is_file()]
    return max(path.stat().st_mtime for path in sources)


@pytest.fixture(scope="session")
def dashboard_built() -> Path:
    """frontend/dist, built now if it is missing or older than the sources
    (`make test` builds it first; this keeps `pytest tests/browser` honest too)."""
    index = FRONTEND / "dist" / "index.html"
    if index.is_file() and index.stat().st_mtime >= _newest_source_mtime():
        return index.parent
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is needed to build the dashboard (frontend/): install Node.js 20.19+")
    if not (FRONTEND / "node_modules" / ".package-lock.json").is_file():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=FRONTEND, check=True)
    subprocess.run([npm, "run", "build"], cwd=FRONTEND, check=True)
    return index.parent


@pytest.fixture(scope="module")
def browser(stack: Stack) -> Iterator[Browser]:
    """Module-scoped, and after the stack: Playwright's sync API holds an event loop in
    this thread while it runs, so nothing else may call asyncio.run() meanwhile."""
    if not Path(CHROMIUM).is_file():
        message = f"{CHROMIUM} is missing: apt-get install -y chromium chromium-driver"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with playwright_sync.sync_playwright() as playwright:
        playwright.selectors.set_test_id_attribute("data-test")
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@dataclass(frozen=True)
class Customer:
    user_id: str
    password: str
    api_key: str = ""


@pytest.fixture(scope="module")
def customer(stack: Stack, dashboard_built: Path) -> Customer:
    """A new customer with a dashboard password and credit for a few thousand messages
    (the saga refuses a reservation its customer cannot pay for)."""
    user_id, password = f"web-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    # The callback numbers the tests type in, approved as the customer's senders.
    created = stack.new_customer(user_id, password=password, senders=("0212345678", "15881234"))
    customer = Customer(user_id=user_id, password=password, api_key=created.api_key)
    response = httpx.post(
        stack.gateway_url + "/billings/topups",
        json={"userId": customer.user_id, "amount": 1_000_000},
        headers=stack.operator_headers,
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return customer


@dataclass
class Api:
    """The customer's own calls through the gateway, as any API client makes them."""

    base_url: str
    token: str

    def call(self, method: str, path: str, **kwargs: object) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}"}
        return httpx.request(method, self.base_url + path, headers=headers, timeout=10, **kwargs)  # type: ignore[arg-type]


def log_in(base_url: str, customer: Customer) -> dict[str, object]:
    response = httpx.post(
        base_url + "/auth/login",
        json={"userId": customer.user_id, "password": customer.password},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    token: dict[str, object] = response.json()
    return token


@pytest.fixture(scope="module")
def login_token(stack: Stack, customer: Customer) -> dict[str, object]:
    """What `POST /auth/login` answers the customer (one login for the module: each
    costs a password hash)."""
    return log_in(stack.gateway_url, customer)


@pytest.fixture(scope="module")
def api(stack: Stack, login_token: dict[str, object]) -> Api:
    return Api(stack.gateway_url, str(login_token["accessToken"]))


@pytest.fixture(scope="module")
def key_api(stack: Stack, customer: Customer) -> Api:
    """The customer's calls with their API key, as their own systems make them."""
    return Api(stack.gateway_url, customer.api_key)


# Failed requests a test does not cause and need not declare: none (the live stream is
# no longer cut by the gateway; the 60 s test in test_console.py holds it open).
KNOWN_FAILURES: tuple[re.Pattern[str], ...] = ()


@dataclass
class PageProblems:
    """What went wrong in a test's pages without the test asking for it: console errors,
    uncaught exceptions, failed requests and 4xx/5xx answers. `allow(pattern, ...)`
    declares those a test causes on purpose (a 422 for a bad number, the gateway cut
    off); anything else fails the test."""

    seen: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)
    answered: set[str] = field(default_factory=set)

    def allow(self, *patterns: str) -> None:
        self.allowed += [re.compile(p) for p in patterns]

    def watch(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.seen.append(f"pageerror {error}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _response(self, response: object) -> None:
        status = response.status  # type: ignore[attr-defined]
        if status >= 400:
            request = response.request  # type: ignore[attr-defined]
            url = response.url  # type: ignore[attr-defined]
            self.answered.add(url)
            self.seen.append(f"{status} {request.method} {_path(url)}")

    def _failed(self, request: object) -> None:
        failure = request.failure or ""  # type: ignore[attr-defined]
        if "ERR_ABORTED" in failure:  # cancelled by the page itself (it navigated away)
            return
        url = request.url  # type: ignore[attr-defined]
        self.seen.append(f"failed {request.method} {_path(url)} {failure}")  # type: ignore[attr-defined]

    def _console(self, message: object) -> None:
        if message.type != "error":  # type: ignore[attr-defined]
            return
        text = message.text  # type: ignore[attr-defined]
        url = (message.location or {}).get("url", "")  # type: ignore[attr-defined]
        # Chromium logs every 4xx/5xx answer once more: the answer itself is checked.
        if text.startswith("Failed to load resource") and url in self.answered:
            return
        if text.startswith("Failed to load resource") and "ERR_" in text:
            self.seen.append(f"failed resource {_path(url)} {text}")
            return
        self.seen.append(f"console {text} @ {_path(url)}")

    def unexpected(self) -> list[str]:
        return [
            problem
            for problem in self.seen
            if not any(p.search(problem) for p in (*self.allowed, *KNOWN_FAILURES))
        ]


def _path(url: str) -> str:
    """The path and query of `url`, any access token in it blanked out."""
    parts = urlsplit(url)
    query = re.sub(r"(accessToken|ticket)=[^&]*", r"\1=…", parts.query)
    return parts.path + (f"?{query}" if query else "")


@pytest.fixture
def page_problems() -> Iterator[PageProblems]:
    """The test's PageProblems; after the test, anything it did not allow fails it."""
    problems = PageProblems()
    yield problems
    unexpected = problems.unexpected()
    assert not unexpected, "unexpected errors in the browser:\n" + "\n".join(unexpected)


@pytest.fixture
def open_dashboard(
    browser: Browser, stack: Stack, login_token: dict[str, object], page_problems: PageProblems
) -> Iterator[Callable[..., Page]]:
    """`open_dashboard(path, phone=False, logged_in=True, locale="en-US")`: a new
    browser context (its own storage) on the dashboard, logged in as `customer` unless
    asked not to. Every page it opens is watched for errors (`page_problems`)."""
    contexts = []

    def open_page(
        path: str = "/",
        *,
        phone: bool = False,
        logged_in: bool = True,
        locale: str = "en-US",
        token: dict[str, object] | None = None,
    ) -> Page:
        context = browser.new_context(
            viewport=PHONE if phone else DESKTOP,
            device_scale_factor=2 if phone else 1,
            is_mobile=phone,
            has_touch=phone,
            locale=locale,
            timezone_id="Europe/Berlin",  # the dashboard shows Seoul time whatever the zone
        )
        contexts.append(context)
        login_token_used = token or login_token
        if logged_in:
            session = {
                "token": login_token_used["accessToken"],
                "userId": login_token_used["userId"],
                "role": login_token_used["role"],
                "expiresAt": None,
            }
            context.add_init_script(
                f"localStorage.setItem('msgplat.session', {_js_string(session)})"
            )
        page = context.new_page()
        page_problems.watch(page)
        page.set_default_timeout(15_000)
        page.goto(stack.gateway_url + path)
        return page

    yield open_page
    for context in contexts:
        context.close()


def _js_string(value: object) -> str:
    import json

    return json.dumps(json.dumps(value))


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    """`screenshot(page, name)`: the whole page as test-artifacts/screenshots/<name>.png."""

    def take(page: Page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
