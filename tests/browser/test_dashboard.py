"""The Vue dashboard in a real headless Chromium, against the whole stack.

Each test opens its own browser context on the gateway (which serves frontend/dist),
acts as a customer would and waits for what the customer would see; nothing sleeps.
Screenshots of the main screens go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from msgplat_testsupport.senders import e164
from msgplat_testsupport.waiting import wait_until

pytestmark = pytest.mark.e2e

LIVE_TIMEOUT_MS = 60_000

# Records, per reservation row, every (status, progress) the page shows, in order:
# installed before the form is sent, so even a fast reservation's steps are caught.
RECORD_ROWS = """() => {
  window.__seen = {}
  const record = () => {
    for (const row of document.querySelectorAll('[data-test=reservation-row]')) {
      const id = row.dataset.reservationId
      const status = row.querySelector('[data-test=status]')?.dataset.status
      const progress = row.querySelector('[data-test=progress-text]')?.textContent.trim()
      const seen = (window.__seen[id] ??= [])
      const now = `${status} ${progress}`
      if (seen[seen.length - 1] !== now) seen.push(now)
    }
  }
  new MutationObserver(record).observe(document.body, {
    subtree: true, childList: true, characterData: true, attributes: true,
  })
}"""


def numbers(count: int, *, prefix: str = "010-3000-", failing: tuple[int, ...] = ()) -> list[str]:
    """`count` distinct mobile numbers; those at the `failing` positions end in 0000,
    which the simulated carrier accepts and then reports as failed."""
    return [
        f"010-{3100 + i:04d}-0000" if i in failing else f"{prefix}{i + 1:04d}" for i in range(count)
    ]


def fill_form(
    page: Page, *, title: str, content: str, recipients: list[str], callback: str
) -> None:
    page.fill("#msgTitle", title)
    page.fill("#msgContent", content)
    page.fill("#dstNum", "\n".join(recipients))
    page.fill("#callbackNum", callback)


@pytest.fixture(scope="module")
def finished_reservation(api: Any) -> dict[str, Any]:
    """A reservation made through the API with 25 recipients, the third one failing,
    waited for until the read model says it is over."""
    response = api.call(
        "POST",
        "/msgReqs",
        json={
            "msgTitle": "Monthly notice",
            "msgContent": "[공지] 11월 정기 점검은 토요일 02:00-04:00 입니다.",
            "dstNum": numbers(25, prefix="010-4000-", failing=(2,)),
            "callbackNum": "02-1234-5678",
        },
    )
    assert response.status_code == 201, response.text
    reservation_id = response.json()["id"]

    def finished() -> dict[str, Any] | None:
        view = api.call("GET", f"/monitorings/{reservation_id}")
        body: dict[str, Any] = view.json() if view.status_code == 200 else {}
        return body if body.get("status") == "partially_failed" else None

    return wait_until(finished, timeout_s=60, interval_s=0.2)


def test_login_refuses_a_wrong_password_then_lets_the_customer_in(
    open_dashboard, customer, screenshot, page_problems
) -> None:
    page_problems.allow(r"^401 (GET|POST) /(auth|billings|monitorings)")  # on purpose
    page = open_dashboard("/", logged_in=False)
    expect(page).to_have_url(re.compile(r"/app/login"))
    base_url = page.url.split("/app/")[0]

    # A token the gateway refuses (expired, say) sends the customer back to log in ...
    page.evaluate("localStorage.setItem('msgplat.session', '{\"token\": \"not-a-token\"}')")
    page.goto(base_url + "/app/billing")
    expect(page).to_have_url(re.compile(r"/app/login\?next=/app/billing"))
    expect(page.get_by_role("status")).to_contain_text("session ended")

    page.fill("input[name=userId]", customer.user_id)
    page.fill("input[name=password]", "not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("login-error")).to_have_text("Wrong user ID or password.")
    screenshot(page, "desktop-1-login")

    # ... and, once in, to where they were going.
    page.fill("input[name=password]", customer.password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/app/billing$"))
    expect(page.get_by_test_id("user")).to_have_text(customer.user_id)
    page.get_by_test_id("nav-reservations").click()
    expect(page.get_by_test_id("live")).to_have_text("Live")


def test_a_bad_phone_number_is_shown_next_to_the_recipients(
    open_dashboard, screenshot, page_problems
) -> None:
    page_problems.allow(r"^422 POST /msgReqs$")
    page = open_dashboard("/app/reservations/new")
    fill_form(page, title="Reminder", content="Hello 😀", recipients=[], callback="12")
    expect(page.get_by_test_id("unsendable")).to_contain_text("😀")  # before the server says so
    csv = "phone,name\n010-1234-5678,Kim\n010-12ab-5678,Lee\n010-2222-3333,Park\n"
    page.set_input_files(
        "input[name=csv]",
        files=[{"name": "recipients.csv", "mimeType": "text/csv", "buffer": csv.encode()}],
    )
    expect(page.locator("#dstNum")).to_have_value("010-1234-5678\n010-12ab-5678\n010-2222-3333")
    expect(page.get_by_test_id("recipient-count")).to_have_text("3 recipients")
    page.get_by_test_id("submit").click()

    errors = page.get_by_test_id("error-dstNum-items")
    expect(errors).to_contain_text("Recipient 2")
    expect(errors).to_contain_text("010-12ab-5678")
    expect(errors.locator("li")).to_have_count(1)
    expect(page.locator("#dstNum")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("error-callbackNum")).to_be_visible()
    expect(page.get_by_test_id("error-msgContent")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/app/reservations/new$"))  # nothing was created
    screenshot(page, "desktop-2-create-form-error")


def test_a_reservation_made_in_the_form_goes_live_to_completed(open_dashboard, screenshot) -> None:
    page = open_dashboard("/app/reservations/new")
    page.evaluate("window.__sameDocument = true")  # gone if the page ever reloads
    page.evaluate(RECORD_ROWS)

    page.fill("#msgContent", "가" * 46)
    expect(page.get_by_test_id("byte-count")).to_have_text("92 / 2000 bytes")
    expect(page.get_by_test_id("msg-type")).to_have_text("LMS")
    recipients = numbers(5)
    fill_form(
        page,
        title="Browser test",
        content="안녕하세요 browser test",
        recipients=recipients,
        callback="02-1234-5678",
    )
    expect(page.get_by_test_id("byte-count")).to_have_text("23 / 90 bytes")
    expect(page.get_by_test_id("msg-type")).to_have_text("SMS")
    expect(page.get_by_test_id("recipient-count")).to_have_text("5 recipients")
    page.get_by_test_id("submit").click()

    expect(page).to_have_url(re.compile(r"/app/reservations\?created="))
    reservation_id = page.url.rsplit("created=", 1)[1]
    row = page.locator(f'[data-test=reservation-row][data-reservation-id="{reservation_id}"]')
    expect(row.get_by_test_id("status")).to_have_attribute(
        "data-status", "completed", timeout=LIVE_TIMEOUT_MS
    )
    expect(row.get_by_test_id("progress-text")).to_have_text("100%")
    expect(row.get_by_test_id("delivered")).to_have_text("✓ 5")
    expect(row.get_by_test_id("failed")).to_have_text("✗ 0")

    seen = page.evaluate(f"window.__seen[{reservation_id!r}]")
    assert seen[0] != "completed 100%", seen  # it started unfinished on this page ...
    assert seen[-1] == "completed 100%", seen  # ... and the page followed it to the end
    assert page.evaluate("window.__sameDocument") is True, "the page was reloaded"
    expect(page.get_by_test_id("live")).to_have_text("Live")
    screenshot(page, "desktop-3-live-list")

    row.click()
    expect(page).to_have_url(re.compile(f"/app/reservations/{reservation_id}$"))
    messages = page.get_by_test_id("message-row")
    expect(messages).to_have_count(5)
    for seq, number in enumerate(recipients):
        message = messages.nth(seq)
        expect(message).to_have_attribute("data-seq", str(seq))
        expect(message.get_by_test_id("phone")).to_have_text(number)  # as Koreans write it
        expect(message.get_by_test_id("phone")).to_have_attribute("title", e164(number))
        expect(message.get_by_test_id("status")).to_have_attribute("data-status", "delivered")
    expect(page.get_by_test_id("reservation-detail").get_by_test_id("delivered")).to_have_text("5")
    assert page.evaluate("window.__sameDocument") is True
    screenshot(page, "desktop-4-detail-messages")


def test_the_detail_pages_through_messages_in_list_order_with_failure_reasons(
    open_dashboard, finished_reservation, screenshot
) -> None:
    reservation_id = finished_reservation["reservationId"]
    page = open_dashboard(f"/app/reservations/{reservation_id}")
    detail = page.get_by_test_id("reservation-detail")
    expect(detail.get_by_test_id("status").first).to_have_attribute(
        "data-status", "partially_failed"
    )
    expect(detail.get_by_test_id("delivered")).to_have_text("24")
    expect(detail.get_by_test_id("failed")).to_have_text("1")

    messages = page.get_by_test_id("message-row")
    expect(messages).to_have_count(20)
    expect(messages.first).to_have_attribute("data-seq", "0")
    failed = messages.nth(2)
    expect(failed.get_by_test_id("status")).to_have_attribute("data-status", "failed")
    expect(failed.get_by_test_id("message-reason").locator(".bad")).not_to_be_empty()
    expect(messages.nth(3).get_by_test_id("status")).to_have_attribute("data-status", "delivered")
    screenshot(page, "desktop-5-detail-failure-reason")

    page.get_by_role("button", name="Next ›").click()
    expect(messages).to_have_count(5)
    expect(messages.first).to_have_attribute("data-seq", "20")
    expect(messages.last).to_have_attribute("data-seq", "24")


def test_a_later_reservation_can_be_cancelled_from_its_page(open_dashboard, page_problems) -> None:
    # Opened right after the 201: monitoring's view of it is built from its events and
    # may not be there yet (404); the page then follows it on the live stream.
    page_problems.allow(r"^404 GET /monitorings/[0-9a-f-]+$")
    page = open_dashboard("/app/reservations/new")
    fill_form(
        page,
        title="To be cancelled",
        content="Tomorrow's reminder",
        recipients=numbers(3, prefix="010-5000-"),
        callback="1588-1234",
    )
    page.get_by_test_id("when-later").check()  # an hour from now, Seoul time
    page.get_by_test_id("submit").click()
    expect(page).to_have_url(re.compile(r"/app/reservations\?created="))
    reservation_id = page.url.rsplit("created=", 1)[1]

    page.goto(page.url.split("/app/")[0] + f"/app/reservations/{reservation_id}")
    detail = page.get_by_test_id("reservation-detail")
    expect(detail.get_by_test_id("status").first).to_have_attribute(
        "data-status", re.compile("requested|scheduled"), timeout=LIVE_TIMEOUT_MS
    )
    page.get_by_test_id("cancel").click()
    page.get_by_test_id("cancel-confirm").click()
    expect(detail.get_by_test_id("status").first).to_have_attribute(
        "data-status", "cancelled", timeout=LIVE_TIMEOUT_MS
    )
    expect(page.get_by_test_id("cancel")).to_have_count(0)


def test_balance_ledger_and_statistics(open_dashboard, finished_reservation, screenshot) -> None:
    page = open_dashboard("/app/billing")
    expect(page.get_by_test_id("available")).to_contain_text("₩")
    group = page.locator(
        f'[data-test=ledger-group][data-reservation-id="{finished_reservation["reservationId"]}"]'
    )
    expect(group.get_by_test_id("group-held")).to_contain_text("−₩")  # taken from available
    expect(group.get_by_test_id("group-released")).to_contain_text("+₩")  # one failed
    page.get_by_test_id("ledger-entries").click()
    ledger = page.get_by_test_id("ledger-row")
    expect(ledger.first).to_be_visible()
    expect(page.get_by_test_id("ledger")).to_contain_text("Top-up")
    expect(page.get_by_test_id("ledger")).to_contain_text("Charged")
    expect(page.locator("[data-test=ledger-row][data-kind=topup]").first).to_contain_text("+₩")
    screenshot(page, "desktop-6-billing")

    page.get_by_test_id("nav-stats").click()
    expect(page).to_have_url(re.compile(r"/app/stats$"))
    expect(page.get_by_test_id("daily-chart")).to_be_visible()
    expect(page.get_by_test_id("rate-chart")).to_be_visible()
    delivered = page.get_by_test_id("stat-delivered")
    expect(delivered).not_to_have_text("0")
    assert int(delivered.inner_text().replace(",", "")) >= 24
    expect(page.get_by_test_id("daily-chart").locator("rect.bar-failed")).not_to_have_count(0)
    screenshot(page, "desktop-7-stats")


def test_only_an_operator_tops_up_and_the_customer_sees_who_did(
    open_dashboard, stack, customer, screenshot, page_problems
) -> None:
    """Money enters through an operator: their billing page is a top-up form; a
    customer's shows how to get credit, no form, and who made each top-up."""
    page_problems.allow(r"^422 POST /billings/topups")  # the amount 0, on purpose
    operator_id, password = f"ops-{uuid.uuid4().hex[:6]}", uuid.uuid4().hex
    stack.new_customer(operator_id, password=password, role="operator")
    page = open_dashboard("/app/billing", logged_in=False)
    page.fill("input[name=userId]", operator_id)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/app/billing$"))
    form = page.get_by_test_id("topup-form")
    form.locator("input[name=userId]").fill(customer.user_id)
    form.locator("input[name=amount]").fill("0")
    page.get_by_test_id("topup-submit").click()
    expect(page.get_by_test_id("error-amount")).to_be_visible()
    form.locator("input[name=amount]").fill("1234")
    form.locator("input[name=note]").fill("bank transfer 42")
    page.get_by_test_id("topup-submit").click()
    expect(page.get_by_test_id("topup-done")).to_contain_text("₩1,234 added for")
    screenshot(page, "desktop-8-operator-topup")

    mine = open_dashboard("/app/billing")
    expect(mine.get_by_test_id("how-to-get-credit")).to_contain_text("Ask your operator")
    expect(mine.get_by_test_id("topup-form")).to_have_count(0)
    mine.get_by_test_id("ledger-entries").click()  # top-ups are in no reservation's group
    expect(mine.get_by_test_id("ledger")).to_contain_text("bank transfer 42")
    expect(mine.get_by_test_id("ledger-actor").first).to_have_text(operator_id)


def test_the_main_screens_fit_a_phone(open_dashboard, finished_reservation, screenshot) -> None:
    reservation_id = finished_reservation["reservationId"]
    screens = [
        ("/app/reservations", "reservation-list", "phone-1-live-list"),
        ("/app/reservations/new", "reservation-form", "phone-2-create-form"),
        (f"/app/reservations/{reservation_id}", "message-row", "phone-3-detail-messages"),
        ("/app/billing", "ledger-group", "phone-4-billing"),
        ("/app/stats", "daily-chart", "phone-5-stats"),
    ]
    page = open_dashboard("/app/reservations", phone=True)
    for path, ready, name in screens:
        page.goto(page.url.split("/app/")[0] + path)
        expect(page.get_by_test_id(ready).first).to_be_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than a phone screen"
        screenshot(page, name)
