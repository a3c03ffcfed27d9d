"""The dashboard's screens for the sending rules: advertising (marker, opt-out line,
opt-out list), personalised messages from a CSV, templates, sending windows (a
reservation paused until its window opens) and the per-carrier figures.

Its own module, so its own customer: the opt-out list and the sending windows set here
touch no other test's reservations. Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from msgplat_testsupport.senders import e164
from msgplat_testsupport.waiting import wait_until

pytestmark = pytest.mark.e2e

LIVE_TIMEOUT_MS = 60_000
SEOUL = ZoneInfo("Asia/Seoul")
CARRIER = "sim"  # the stack's one carrier simulator
AD_CONTENT = "(광고) 가을 세일 30%\n무료거부 080-123-4567"


def base_of(page: Page) -> str:
    return page.url.split("/app/")[0]


def no_overflow(page: Page, what: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{what} is {overflow}px wider than a phone screen"


def finished_view(api: Any, reservation_id: str, status: str = "completed") -> dict[str, Any]:
    def finished() -> dict[str, Any] | None:
        view = api.call("GET", f"/monitorings/{reservation_id}")
        body: dict[str, Any] = view.json() if view.status_code == 200 else {}
        return body if body.get("status") == status else None

    return wait_until(finished, timeout_s=60, interval_s=0.2)


@pytest.fixture(scope="module")
def ad_reservation(key_api: Any) -> dict[str, Any]:
    """An advertising reservation made through the API to three numbers, one of them on
    the opt-out list (put there through the API), waited for until it is over."""
    listed = key_api.call("POST", "/optouts", json={"numbers": ["010-6900-0002"]})
    assert listed.status_code == 200, f"POST /optouts: {listed.status_code} {listed.text}"
    response = key_api.call(
        "POST",
        "/msgReqs",
        json={
            "purpose": "advertising",
            "msgTitle": "Autumn sale",
            "msgContent": AD_CONTENT,
            "dstNum": ["010-6900-0001", "010-6900-0002", "010-6900-0003"],
            "callbackNum": "02-1234-5678",
        },
    )
    assert response.status_code == 201, f"POST /msgReqs: {response.status_code} {response.text}"
    view = finished_view(key_api, response.json()["id"])
    assert view.get("optedOutCount") == 1, view
    return view


def test_opted_out_numbers_are_skipped_by_an_advertising_reservation_made_in_the_form(
    open_dashboard, screenshot, stack, page_problems
) -> None:
    page_problems.allow(r"^422 POST /optouts$")  # the bad number, on purpose
    recipients = [f"010-6000-{i:04d}" for i in range(1, 6)]
    opted_out = [recipients[1], recipients[3]]

    # The opt-out list: a bad number is named, and nothing of that batch is listed ...
    page = open_dashboard("/app/optouts")
    expect(page.get_by_test_id("state-empty")).to_be_visible()
    page.fill("#optoutNumbers", f"{opted_out[0]}\n010-12ab-0000\n{opted_out[1]}")
    expect(page.get_by_test_id("optout-count")).to_have_text("3 numbers")
    page.get_by_test_id("optout-add").click()
    errors = page.get_by_test_id("error-numbers-items")
    expect(errors.locator("li")).to_have_count(1)
    expect(errors).to_contain_text("Number 2")
    expect(errors).to_contain_text("010-12ab-0000")
    expect(page.locator("#optoutNumbers")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("state-empty")).to_be_visible()

    # ... then the good ones, one more that is removed again, and a CSV upload.
    page.fill("#optoutNumbers", "\n".join([*opted_out, "010-6000-0009"]))
    page.get_by_test_id("optout-add").click()
    expect(page.get_by_test_id("optout-result")).to_have_text("Added 3 numbers.")
    expect(page.get_by_test_id("optout-row")).to_have_count(3)
    csv = f"number\n{opted_out[1]}\n010-6000-0008\n"
    page.set_input_files(
        "input[name=optoutCsv]",
        files=[{"name": "optouts.csv", "mimeType": "text/csv", "buffer": csv.encode()}],
    )
    expect(page.get_by_test_id("optout-result")).to_have_text(
        "optouts.csv: added 1 number, 1 already listed."
    )
    expect(page.get_by_test_id("optout-row")).to_have_count(4)
    for extra in ("010-6000-0009", "010-6000-0008"):
        row = page.locator(f'[data-test=optout-row][data-number="{e164(extra)}"]')
        row.get_by_test_id("optout-remove").click()
        expect(row).to_have_count(0)
    rows = page.get_by_test_id("optout-row")
    expect(rows).to_have_count(2)
    for number in opted_out:
        expect(page.get_by_test_id("optout-list")).to_contain_text(number)
    page.get_by_test_id("optout-search").fill(opted_out[1])
    page.get_by_role("button", name="Search").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-number", e164(opted_out[1]))
    screenshot(page, "desktop-8-optouts")

    # The form: advertising, the marker and the opt-out line inserted in one click each.
    page.get_by_test_id("nav-new").click()
    page.get_by_test_id("purpose-advertising").check()
    page.fill("#msgTitle", "Autumn sale")
    page.fill("#msgContent", "가을 세일 30%")
    problems = page.get_by_test_id("ad-problems")
    expect(problems.locator("li")).to_have_count(2)
    # The hours are the server's setting (the test stack's, not 08:00-21:00).
    opens, closes = stack.env["AD_SENDING_HOURS"].split("-")
    expect(page.get_by_test_id("ad-hours")).to_contain_text(f"between {opens} and {closes}")
    page.get_by_test_id("insert-ad-marker").click()
    expect(page.locator("#msgContent")).to_have_value("(광고) 가을 세일 30%")
    expect(page.get_by_test_id("insert-ad-marker")).to_be_disabled()
    page.get_by_test_id("opt-out-number").fill("02-123-4567")
    page.get_by_test_id("insert-opt-out").click()
    expect(page.get_by_test_id("opt-out-number-error")).to_be_visible()  # not an 080 number
    page.get_by_test_id("opt-out-number").fill("0801234567")
    page.get_by_test_id("insert-opt-out").click()
    expect(page.locator("#msgContent")).to_have_value(AD_CONTENT)
    expect(page.get_by_test_id("ad-ready")).to_be_visible()
    expect(problems).to_have_count(0)
    page.fill("#dstNum", "\n".join(recipients))
    page.fill("#callbackNum", "02-1234-5678")
    screenshot(page, "desktop-9-advertising-form")
    page.get_by_test_id("submit").click()

    expect(page).to_have_url(re.compile(r"/app/reservations\?created="))
    reservation_id = page.url.rsplit("created=", 1)[1]
    row = page.locator(f'[data-test=reservation-row][data-reservation-id="{reservation_id}"]')
    expect(row.get_by_test_id("purpose-badge")).to_have_attribute("data-purpose", "advertising")
    expect(row.get_by_test_id("status")).to_have_attribute(
        "data-status", "completed", timeout=LIVE_TIMEOUT_MS
    )
    expect(row.get_by_test_id("progress-text")).to_have_text("100%")
    expect(row.get_by_test_id("delivered")).to_have_text("✓ 3")
    expect(row.get_by_test_id("opted-out")).to_have_text("⊖ 2")

    row.click()
    detail = page.get_by_test_id("reservation-detail")
    expect(detail.get_by_test_id("opted-out")).to_have_text("2")
    expect(detail.get_by_test_id("delivered")).to_have_text("3")
    expect(detail.get_by_test_id("purpose-badge")).to_have_text("Advertising")
    messages = page.get_by_test_id("message-row")
    expect(messages).to_have_count(5)
    for seq, number in enumerate(recipients):
        message = messages.nth(seq)
        expect(message.get_by_test_id("phone")).to_have_text(number)
        expect(message.get_by_test_id("phone")).to_have_attribute("title", e164(number))
        expect(message.get_by_test_id("message-type")).to_have_text("SMS")
        if number in opted_out:
            expect(message.get_by_test_id("status")).to_have_attribute("data-status", "opted_out")
            expect(message.get_by_test_id("status")).to_have_text("Opted out")
            expect(message.get_by_test_id("message-carrier")).to_have_text("—")
        else:
            expect(message.get_by_test_id("status")).to_have_attribute("data-status", "delivered")
            expect(message.get_by_test_id("message-carrier")).to_have_text(CARRIER)
    screenshot(page, "desktop-10-advertising-detail")


def test_a_personalised_csv_with_a_missing_variable_shows_the_row(
    open_dashboard, api, screenshot, page_problems
) -> None:
    page_problems.allow(r"^422 POST /msgReqs$")
    page = open_dashboard("/app/reservations/new")
    page.fill("#msgTitle", "Coupon")
    page.fill("#msgContent", "#{name}님, 쿠폰 #{code} 을 드립니다")
    expect(page.get_by_test_id("personalised-note")).to_contain_text("#{name} #{code}")
    expect(page.get_by_test_id("byte-count")).to_have_text("35 / 90 bytes")  # as written
    expect(page.get_by_test_id("expected-columns")).to_contain_text("dstNum")
    expect(page.get_by_test_id("expected-columns").locator("code.variable-chip")).to_have_text(
        ["name", "code"]
    )
    csv = (
        "dstNum,name,code\n"
        "010-6100-0001,Kim,A1\n"
        "010-6100-0002,Lee,\n"  # no code: row 3 of the file
        "010-6100-0003,Park,C3\n"
    )
    page.set_input_files(
        "input[name=csv]",
        files=[{"name": "coupons.csv", "mimeType": "text/csv", "buffer": csv.encode()}],
    )
    expect(page.locator("#dstNum")).to_have_value(csv.strip())  # the whole CSV, header too
    expect(page.get_by_test_id("recipient-count")).to_have_text("3 recipients")
    expect(page.get_by_test_id("csv-warnings")).to_contain_text("Row 3: no value for code")
    page.fill("#callbackNum", "02-1234-5678")
    page.get_by_test_id("submit").click()

    errors = page.get_by_test_id("error-recipients-items")
    expect(errors.locator("li")).to_have_count(1)
    item = errors.locator("li").first
    expect(item).to_have_attribute("data-index", "1")
    expect(item).to_contain_text("Row 3")
    expect(item).to_contain_text("010-6100-0002")
    expect(item).to_contain_text("code")
    expect(page.locator("#dstNum")).to_have_attribute("aria-invalid", "true")
    expect(page).to_have_url(re.compile(r"/app/reservations/new$"))  # nothing was created
    screenshot(page, "desktop-11-personalised-row-error")

    # With the value given, each recipient gets their own text.
    page.fill("#dstNum", csv.replace("Lee,\n", "Lee,B2\n"))
    expect(page.get_by_test_id("csv-warnings")).to_have_count(0)
    expect(page.get_by_test_id("rendered-types")).to_contain_text("3 SMS")
    page.get_by_test_id("submit").click()
    expect(page).to_have_url(re.compile(r"/app/reservations\?created="))
    reservation_id = page.url.rsplit("created=", 1)[1]
    finished_view(api, reservation_id)
    page.goto(base_of(page) + f"/app/reservations/{reservation_id}")
    expect(page.get_by_test_id("personalised-badge")).to_be_visible()
    texts = page.get_by_test_id("message-text")
    expect(texts).to_have_text(
        ["Kim님, 쿠폰 A1 을 드립니다", "Lee님, 쿠폰 B2 을 드립니다", "Park님, 쿠폰 C3 을 드립니다"]
    )
    screenshot(page, "desktop-12-personalised-detail")


def test_templates_are_created_edited_used_and_deleted(
    open_dashboard, screenshot, page_problems
) -> None:
    page_problems.allow(r"^422 POST /templates$")  # saved without a name, on purpose
    page = open_dashboard("/app/templates")
    expect(page.get_by_test_id("state-empty")).to_be_visible()
    page.get_by_test_id("new-template").click()
    page.get_by_test_id("save-template").click()  # no name: the server says so by the field
    expect(page.get_by_test_id("error-name")).to_be_visible()
    page.fill("#templateName", "Visit reminder")
    page.fill("#msgTitle", "Reminder")
    page.fill("#msgContent", "#{name}님, 내일 #{time} 방문 예정입니다.")
    screenshot(page, "desktop-13-template-form")
    page.get_by_test_id("save-template").click()
    notice = page.get_by_test_id("template-notice")
    expect(notice).to_have_text("Template “Visit reminder” created.")
    row = page.get_by_test_id("template-row")
    expect(row).to_have_count(1)
    expect(row.locator("code.variable-chip")).to_have_text(["#{name}", "#{time}"])

    row.get_by_test_id("edit-template").click()
    expect(page.locator("#templateName")).to_have_value("Visit reminder")
    page.fill("#templateName", "Visit reminder (KR)")
    page.get_by_test_id("save-template").click()
    expect(page.get_by_test_id("template-notice")).to_have_text(
        "Template “Visit reminder (KR)” saved."
    )
    expect(row).to_contain_text("Visit reminder (KR)")
    screenshot(page, "desktop-14-templates")

    # "Use" opens the form with the template picked and its text filled in.
    row.get_by_test_id("use-template").click()
    expect(page).to_have_url(re.compile(r"/app/reservations/new\?template="))
    expect(page.locator("#msgContent")).to_have_value("#{name}님, 내일 #{time} 방문 예정입니다.")
    expect(page.locator("#msgTitle")).to_have_value("Reminder")
    expect(page.get_by_test_id("expected-columns")).to_contain_text("time")

    page.get_by_test_id("nav-templates").click()
    row.get_by_test_id("delete-template").click()
    row.get_by_test_id("delete-template-confirm").click()
    expect(page.get_by_test_id("template-notice")).to_contain_text("deleted")
    expect(page.get_by_test_id("state-empty")).to_be_visible()


def test_sending_windows_are_edited_on_their_page(open_dashboard, key_api, screenshot) -> None:
    page = open_dashboard("/app/windows")
    try:
        expect(page.get_by_test_id("windows-summary")).to_have_text(
            "No sending windows: messages are sent at any time."
        )
        page.get_by_test_id("add-window").click()
        window = page.get_by_test_id("window-row")
        expect(window).to_have_count(1)
        window.locator("input[value=sat]").check()
        window.locator("input[name=start-0]").fill("10:00")
        window.locator("input[name=end-0]").fill("17:30")
        page.get_by_label("Advertising", exact=True).uncheck()
        page.get_by_test_id("save-windows").click()
        expect(page.get_by_test_id("windows-notice")).to_contain_text("saved")
        expect(page.get_by_test_id("windows-summary")).to_contain_text(
            "Mon–Sat 10:00–17:30 (Asia/Seoul) for normal messages"
        )
        stored = key_api.call("GET", "/sendingWindows").json()
        assert stored["purposes"] == ["normal"], stored
        assert stored["windows"][0]["days"] == ["mon", "tue", "wed", "thu", "fri", "sat"], stored
        screenshot(page, "desktop-15-sending-windows")

        page.get_by_test_id("clear-windows").click()
        expect(page.get_by_test_id("windows-summary")).to_have_text(
            "No sending windows: messages are sent at any time."
        )
    finally:
        key_api.call("DELETE", "/sendingWindows")


def test_a_reservation_paused_by_the_sending_windows_shows_until_when(
    open_dashboard, key_api, screenshot
) -> None:
    # A window that opens in 40 s (windows take seconds too) and lasts three hours.
    opens = (datetime.now(UTC) + timedelta(seconds=40)).astimezone(SEOUL).replace(microsecond=0)
    closes = opens + timedelta(hours=3)
    # As the console writes it in English: "Mar 3, 2026, 14:05" (":09" when not :00).
    shown = f"{opens:%b} {opens.day}, {opens.year}, {opens:%H:%M}" + (
        f":{opens:%S}" if opens.second else ""
    )
    windows = {
        "timeZone": "Asia/Seoul",
        "windows": [
            {
                "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                "start": opens.strftime("%H:%M:%S"),
                "end": closes.strftime("%H:%M:%S"),
            }
        ],
        "purposes": ["normal"],
    }
    stored = key_api.call("PUT", "/sendingWindows", json=windows)
    assert stored.status_code == 200, f"PUT /sendingWindows: {stored.status_code} {stored.text}"
    try:
        response = key_api.call(
            "POST",
            "/msgReqs",
            json={
                "msgTitle": "Office hours only",
                "msgContent": "Your order has shipped.",
                "dstNum": ["010-6200-0001", "010-6200-0002", "010-6200-0003"],
                "callbackNum": "02-1234-5678",
            },
        )
        assert response.status_code == 201, f"POST /msgReqs: {response.status_code} {response.text}"
        reservation_id = response.json()["id"]

        page = open_dashboard(f"/app/reservations/{reservation_id}")
        paused = page.get_by_test_id("paused")
        expect(paused).to_contain_text(f"Paused until {shown} (Seoul)", timeout=LIVE_TIMEOUT_MS)
        expect(paused.get_by_test_id("pause-reason")).not_to_be_empty()
        detail = page.get_by_test_id("reservation-detail")
        expect(detail.get_by_test_id("delivered")).to_have_text("0")
        screenshot(page, "desktop-16-paused-detail")

        list_page = open_dashboard("/app/reservations", phone=True)
        row = list_page.locator(
            f'[data-test=reservation-row][data-reservation-id="{reservation_id}"]'
        )
        expect(row.get_by_test_id("paused")).to_contain_text(f"Paused until {shown}")
        no_overflow(list_page, "/app/reservations (paused)")
        screenshot(list_page, "phone-6-paused-list")

        # The window opens: sending goes on by itself, and the page follows it.
        wait_ms = int((opens - datetime.now(UTC)).total_seconds() * 1000) + LIVE_TIMEOUT_MS
        expect(detail.get_by_test_id("status").first).to_have_attribute(
            "data-status", "completed", timeout=wait_ms
        )
        expect(page.get_by_test_id("paused")).to_have_count(0)
        expect(detail.get_by_test_id("delivered")).to_have_text("3")
        expect(row.get_by_test_id("paused")).to_have_count(0)
    finally:
        key_api.call("DELETE", "/sendingWindows")


def test_usage_and_statistics_by_carrier(
    open_dashboard, key_api, ad_reservation, screenshot
) -> None:
    def captured_by_carrier() -> list[dict[str, Any]] | None:
        usage = key_api.call("GET", "/billings/usage")
        rows: list[dict[str, Any]] = usage.json().get("byCarrier", []) if usage.is_success else []
        return rows or None

    rows = wait_until(captured_by_carrier, timeout_s=30, interval_s=0.3)
    assert {row["carrier"] for row in rows} == {CARRIER}, rows

    page = open_dashboard("/app/billing")
    carrier_row = page.locator(f'[data-test=usage-carrier-row][data-carrier="{CARRIER}"]').first
    expect(carrier_row).to_be_visible()
    expect(carrier_row).to_contain_text("SMS")
    expect(carrier_row).to_contain_text("₩")
    screenshot(page, "desktop-17-usage-by-carrier")

    page.get_by_test_id("nav-stats").click()
    opted_out = page.get_by_test_id("stat-opted-out")
    expect(opted_out).not_to_have_text("0")
    expect(page.locator(f'[data-test=stats-carrier-row][data-carrier="{CARRIER}"]')).to_be_visible()
    screenshot(page, "desktop-18-stats-carriers")


def test_the_new_screens_fit_a_phone(open_dashboard, ad_reservation, screenshot) -> None:
    reservation_id = ad_reservation["reservationId"]
    page = open_dashboard("/app/optouts", phone=True)
    screens = [
        ("/app/optouts", "optout-form", "phone-7-optouts"),
        ("/app/templates", "new-template", "phone-8-templates"),
        ("/app/windows", "windows-form", "phone-9-sending-windows"),
        (f"/app/reservations/{reservation_id}", "message-row", "phone-10-advertising-detail"),
        ("/app/billing", "usage", "phone-11-billing-usage"),
    ]
    for path, ready, name in screens:
        page.goto(base_of(page) + path)
        expect(page.get_by_test_id(ready).first).to_be_visible()
        no_overflow(page, path)
        screenshot(page, name)

    # The form with the advertising help and a personalised content open.
    page.goto(base_of(page) + "/app/reservations/new")
    page.get_by_test_id("purpose-advertising").check()
    page.fill("#msgContent", "#{name}님 가을 세일")
    page.get_by_test_id("insert-ad-marker").click()
    page.get_by_test_id("opt-out-number").fill("080-123-4567")
    page.get_by_test_id("insert-opt-out").click()
    expect(page.get_by_test_id("ad-ready")).to_be_visible()
    expect(page.get_by_test_id("expected-columns")).to_be_visible()
    no_overflow(page, "/app/reservations/new (advertising, personalised)")
    screenshot(page, "phone-12-advertising-form")

    page.get_by_test_id("nav-templates").click()
    page.get_by_test_id("new-template").click()
    expect(page.get_by_test_id("template-form")).to_be_visible()
    no_overflow(page, "/app/templates (form)")
