"""The API behind the customer console, through the gateway: the reservation filters (on
`/msgReqs` and the read model's `/monitorings`), the message search across reservations,
the CSV exports, the public rules, the ledger per reservation and the error details a
client words in its own language."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from msgplat_testsupport.reservations import created_reservation
from msgplat_testsupport.stack import Stack
from msgplat_testsupport.waiting import wait_until

pytestmark = pytest.mark.e2e

SEOUL = ZoneInfo("Asia/Seoul")
CSV = {"Accept": "text/csv"}
FINAL = {"completed", "partially_failed", "failed", "cancelled", "rejected"}


def client_for(stack: Stack, credit: int) -> httpx.Client:
    """A new customer's client, funded with `credit` by the operator."""
    customer = stack.new_customer()
    stack.top_up(customer.user_id, credit)
    return httpx.Client(base_url=stack.gateway_url, headers=customer.headers, timeout=30)


@pytest.fixture(scope="module")
def alice(stack: Stack) -> Iterator[httpx.Client]:
    with client_for(stack, 500_000) as client:
        yield client


@pytest.fixture(scope="module")
def bob(stack: Stack) -> Iterator[httpx.Client]:
    with client_for(stack, 10_000) as client:
        yield client


def reserve(client: httpx.Client, **body: Any) -> dict[str, Any]:
    full = {
        "msgTitle": "Notice",
        "msgContent": "안녕하세요, 공지입니다.",
        "dstNum": ["010-7000-0001"],
        "callbackNum": "02-1234-5678",
        **body,
    }
    return created_reservation(client, **full)


def finished(client: httpx.Client, reservation_id: str) -> dict[str, Any]:
    def view() -> dict[str, Any] | None:
        response = client.get(f"/monitorings/{reservation_id}")
        body: dict[str, Any] = response.json() if response.status_code == 200 else {}
        return body if body.get("status") in FINAL else None

    return wait_until(view, timeout_s=60, interval_s=0.2)


def ids(page: dict[str, Any], key: str = "id") -> list[str]:
    return [item[key] for item in page["items"]]


def read_csv(response: httpx.Response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.content.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 BOM"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture(scope="module")
def three(alice: httpx.Client) -> dict[str, dict[str, Any]]:
    """Three reservations of alice: one now, one in two days, one advertising."""
    tag = uuid.uuid4().hex[:6]
    later = datetime.now(UTC) + timedelta(days=2)
    made = {
        "now": reserve(alice, msgTitle=f"Invoice {tag}"),
        "later": reserve(alice, msgTitle=f"Spring notice {tag}", reserveDt=later.isoformat()),
        "ad": reserve(
            alice,
            msgTitle=f"SPRING sale {tag}",
            msgContent="(광고) 봄 세일 20%\n무료거부 080-123-4567",
            purpose="advertising",
        ),
    }
    made["tag"] = {"tag": tag, "laterDay": later.astimezone(SEOUL).date().isoformat()}
    return made


@pytest.mark.parametrize("path", ["/msgReqs", "/monitorings"])
def test_reservations_are_filtered_by_text_purpose_status_and_period(
    alice: httpx.Client, bob: httpx.Client, three: dict[str, dict[str, Any]], path: str
) -> None:
    key = "id" if path == "/msgReqs" else "reservationId"
    tag, later_day = three["tag"]["tag"], three["tag"]["laterDay"]
    now, later, ad = three["now"]["id"], three["later"]["id"], three["ad"]["id"]

    def listed(**params: Any) -> list[str]:
        response = alice.get(path, params={"size": 100, **params})
        assert response.status_code == 200, response.text
        return ids(response.json(), key)

    # The read model has them once it projected the requests.
    wait_until(lambda: len(listed(q=tag)) == 3, timeout_s=30, interval_s=0.2)
    assert set(listed(q=f"NOTICE {tag}")) == {later}  # every word, any case
    assert set(listed(q=f"{tag} spring")) == {later, ad}
    assert set(listed(q="SPRING", purpose="advertising")) >= {ad}
    assert later not in listed(q=tag, purpose="advertising")
    assert listed(q="%") == []  # a literal %, not a wildcard
    assert listed(q=tag, **{"from": later_day}) == [later]
    assert set(listed(q=tag, to=datetime.now(UTC).astimezone(SEOUL).date().isoformat())) == {
        now,
        ad,
    }
    assert listed(q=tag, sort="due")[-1] == later  # soonest due first
    finished(alice, now)
    done = listed(q=tag, status=["completed", "partially_failed"])
    assert now in done and later not in done
    assert later in listed(q=tag, status=["requested", "scheduled"])

    # Another customer's filters find none of them.
    response = bob.get(path, params={"q": tag})
    assert response.status_code == 200 and response.json()["items"] == []

    bad = alice.get(path, params={"from": "2026-13-01"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["query", "from"]
    reversed_ = alice.get(path, params={"from": "2026-03-02", "to": "2026-03-01"})
    assert reversed_.status_code == 422 and reversed_.json()["detail"][0]["loc"] == ["query", "to"]


def test_reservations_export_as_csv(alice: httpx.Client, three: dict[str, Any]) -> None:
    rows = read_csv(alice.get("/msgReqs", params={"q": three["tag"]["tag"]}, headers=CSV))
    header, *body = rows
    assert header[:4] == ["id", "title", "purpose", "status"]
    assert "reserveDt (KST)" in header
    assert {row[0] for row in body} == {three[k]["id"] for k in ("now", "later", "ad")}
    ad = next(row for row in body if row[0] == three["ad"]["id"])
    assert ad[header.index("content")].startswith("(광고) 봄 세일")  # Korean intact


def test_the_public_rules_come_from_the_settings(alice: httpx.Client, stack: Stack) -> None:
    response = alice.get("/msgReqs/rules")
    assert response.status_code == 200, response.text
    rules = response.json()
    assert rules["minLeadS"] == int(stack.env["RESERVE_MIN_LEAD_S"])
    assert rules["advertising"] == {
        "hours": stack.env["AD_SENDING_HOURS"],
        "timeZone": "Asia/Seoul",
    }
    assert rules["timeZone"] == "Asia/Seoul"
    now = datetime.fromisoformat(rules["now"])
    assert abs((now - datetime.now(UTC)).total_seconds()) < 30
    assert datetime.fromisoformat(rules["earliest"]) == now + timedelta(seconds=rules["minLeadS"])
    assert (rules["smsMaxBytes"], rules["lmsMaxBytes"], rules["titleMaxBytes"]) == (90, 2000, 40)
    assert rules["cancelCutoffS"] >= 0 and rules["horizonDays"] >= 1


def reserve_at(client: httpx.Client, reserve_dt: datetime) -> httpx.Response:
    """A one-message reservation for `reserve_dt`, as the console sends it."""
    return client.post(
        "/msgReqs",
        json={
            "msgTitle": "t",
            "msgContent": "c",
            "dstNum": ["010-7000-0001"],
            "callbackNum": "02-1234-5678",
            "reserveDt": reserve_dt.isoformat(),
        },
    )


def test_a_refused_time_says_which_rule_and_its_bounds(alice: httpx.Client) -> None:
    """The console words these itself, in Seoul time and the customer's language."""
    past = reserve_at(alice, datetime.now(UTC) - timedelta(hours=2))
    assert past.status_code == 422
    (error,) = [e for e in past.json()["detail"] if e["loc"] == ["body", "reserveDt"]]
    assert error["type"] == "reserve_in_past"
    assert datetime.fromisoformat(error["ctx"]["earliest"]) > datetime.now(UTC) - timedelta(
        minutes=1
    )
    far = reserve_at(alice, datetime.now(UTC) + timedelta(days=4000))
    (error,) = [e for e in far.json()["detail"] if e["loc"] == ["body", "reserveDt"]]
    assert error["type"] == "reserve_too_far" and "latest" in error["ctx"]
    ad = alice.post(
        "/msgReqs",
        json={
            "msgTitle": "t",
            "msgContent": "no marker",
            "purpose": "advertising",
            "dstNum": ["010-7000-0001"],
            "callbackNum": "02-1234-5678",
        },
    )
    (error,) = [e for e in ad.json()["detail"] if e["loc"] == ["body", "msgContent"]]
    assert error["type"] == "advertising_content"
    assert error["ctx"] == {"marker": "(광고)", "missingMarker": True, "missingOptOut": True}


@pytest.fixture(scope="module")
def sent(alice: httpx.Client) -> dict[str, Any]:
    """A finished reservation of alice to three numbers, the middle one failing."""
    tag = uuid.uuid4().hex[:6]
    created = reserve(
        alice,
        msgTitle=f"=Search {tag}",  # a title a spreadsheet would run as a formula
        dstNum=["010-7100-0001", "010-3171-0000", "010-7100-0003"],
    )
    view = finished(alice, created["id"])
    assert view["status"] == "partially_failed", view
    return {"id": created["id"], "view": view, "tag": tag}


def test_a_number_is_found_across_reservations_in_any_form(
    alice: httpx.Client, bob: httpx.Client, sent: dict[str, Any]
) -> None:
    today = datetime.now(UTC).astimezone(SEOUL).date()
    forms = ["010-3171-0000", "01031710000", "+82 10-3171-0000", "+821031710000"]
    for form in forms:
        response = alice.get("/msgs", params={"dstNum": form})
        assert response.status_code == 200, response.text
        page = response.json()
        (found,) = [m for m in page["items"] if m["reservationId"] == sent["id"]]
        assert found["dstNum"] == "+821031710000"
        assert found["status"] == "failed" and found["resultCode"]
        assert found["reservationTitle"] == f"=Search {sent['tag']}"
        assert found["reserveDt"] is not None
    on_the_day = alice.get(
        "/msgs", params={"dstNum": forms[0], "status": "failed", "from": today.isoformat()}
    ).json()
    assert sent["id"] in [m["reservationId"] for m in on_the_day["items"]]
    before = alice.get(
        "/msgs", params={"dstNum": forms[0], "to": (today - timedelta(days=1)).isoformat()}
    ).json()
    assert before["items"] == [] and before["total"] == 0
    delivered = alice.get("/msgs", params={"dstNum": forms[0], "status": "delivered"}).json()
    assert sent["id"] not in [m["reservationId"] for m in delivered["items"]]

    # Another customer never finds alice's messages; a bad number is a 422 naming it.
    assert bob.get("/msgs", params={"dstNum": forms[0]}).json()["total"] == 0
    bad = alice.get("/msgs", params={"dstNum": "010-12ab-5678"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["query", "dstNum"]
    assert bad.json()["detail"][0]["type"] == "phone_number"


def test_a_reservation_s_messages_filter_by_status(
    alice: httpx.Client, sent: dict[str, Any]
) -> None:
    page = alice.get("/msgs", params={"reservationId": sent["id"], "status": "failed"}).json()
    assert page["total"] == 1 and [m["seq"] for m in page["items"]] == [1]
    whole = alice.get("/msgs", params={"reservationId": sent["id"]}).json()
    assert whole["total"] == 3 and [m["seq"] for m in whole["items"]] == [0, 1, 2]
    assert whole["items"][0]["reservationTitle"] is None  # only a search names it


def test_no_message_is_sent_before_its_reservation_started(
    alice: httpx.Client, sent: dict[str, Any]
) -> None:
    started = datetime.fromisoformat(sent["view"]["startedAt"])
    messages = alice.get("/msgs", params={"reservationId": sent["id"]}).json()["items"]
    first = min(datetime.fromisoformat(m["submittedAt"]) for m in messages)
    assert started <= first, (started, first)


def test_messages_export_as_csv_that_excel_reads(alice: httpx.Client, sent: dict[str, Any]) -> None:
    header, *rows = read_csv(alice.get("/msgs", params={"reservationId": sent["id"]}, headers=CSV))
    assert header[:6] == [
        "reservationId",
        "reservationTitle",
        "reserveDt (KST)",
        "seq",
        "dstNum",
        "dstNumE164",
    ]
    assert [row[3] for row in rows] == ["0", "1", "2"]
    assert [row[4] for row in rows] == ["010-7100-0001", "010-3171-0000", "010-7100-0003"]
    assert rows[1][header.index("status")] == "failed"
    # Formulas are inert: the title starting with "=" and the numbers starting with "+".
    assert rows[0][1] == f"'=Search {sent['tag']}"
    assert rows[0][5] == "'+821071000001"
    submitted = rows[0][header.index("submittedAt (KST)")]
    assert datetime.strptime(submitted, "%Y-%m-%d %H:%M:%S")  # Seoul, no microseconds

    search = read_csv(alice.get("/msgs", params={"dstNum": "010-3171-0000"}, headers=CSV))
    assert sent["id"] in [row[0] for row in search[1:]]


def test_the_ledger_exports_and_sums_per_reservation(
    alice: httpx.Client, sent: dict[str, Any]
) -> None:
    def settled() -> dict[str, Any] | None:
        page = alice.get("/billings/ledger/byReservation", params={"size": 100}).json()
        row = next((r for r in page["items"] if r["reservationId"] == sent["id"]), None)
        return row if row and row["stillHeld"] == 0 else None

    row = wait_until(settled, timeout_s=30, interval_s=0.2)
    assert row["heldMessages"] == 3
    assert (row["chargedMessages"], row["releasedMessages"]) == (2, 1)
    assert row["held"] == row["charged"] + row["released"] > 0

    header, *rows = read_csv(alice.get("/billings/ledger", headers=CSV))
    assert header[:5] == ["id", "at (KST)", "kind", "amount", "availableChange"]
    kinds = {row[2]: int(row[4]) for row in rows if row[7] == sent["id"]}
    assert kinds["hold"] < 0 and kinds["release"] > 0 and kinds["capture"] == 0
    topup = next(row for row in rows if row[2] == "topup")
    assert int(topup[4]) == 500_000


def test_statistics_export_one_line_a_day_and_the_totals(
    alice: httpx.Client, sent: dict[str, Any]
) -> None:
    today = datetime.now(UTC).astimezone(SEOUL).date()
    start = today - timedelta(days=6)

    def counted() -> list[list[str]] | None:
        rows = read_csv(
            alice.get(
                "/stats",
                params={"from": start.isoformat(), "to": today.isoformat()},
                headers=CSV,
            )
        )
        return rows if int(rows[-1][3]) >= 1 else None

    header, *days, total = wait_until(counted, timeout_s=30, interval_s=0.3)
    assert header == [
        "date",
        "requested",
        "delivered",
        "failed",
        "cancelled",
        "rejected",
        "optedOut",
        "successRate",
    ]
    assert [row[0] for row in days] == [(start + timedelta(days=i)).isoformat() for i in range(7)]
    assert total[0] == "total"
    assert int(total[2]) == sum(int(row[2]) for row in days)


# --- rescheduling ---------------------------------------------------------------------


def reschedule(client: httpx.Client, reservation_id: str, at: datetime) -> httpx.Response:
    return client.patch(f"/msgReqs/{reservation_id}", json={"reserveDt": at.isoformat()})


def test_a_reservation_moved_earlier_is_sent_at_its_new_time(alice: httpx.Client) -> None:
    """The saga carries the new due time to send (ReservationRescheduled): moved from
    an hour ahead to a few seconds ahead, it is sent now, not in an hour."""
    created = reserve(
        alice,
        msgTitle="Moved earlier",
        reserveDt=(datetime.now(UTC) + timedelta(hours=1)).isoformat(),
    )
    wait_until(
        lambda: alice.get(f"/msgReqs/{created['id']}").json()["status"] == "scheduled",
        timeout_s=30,
        interval_s=0.2,
    )
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=6)
    response = reschedule(alice, created["id"], soon)
    assert response.status_code == 200, response.text
    assert datetime.fromisoformat(response.json()["reserveDt"]) == soon

    view = finished(alice, created["id"])
    assert view["status"] == "completed"
    assert datetime.fromisoformat(view["reserveDt"]) == soon  # the read model has it too
    assert datetime.fromisoformat(view["startedAt"]) >= soon


def test_the_new_time_is_held_to_the_rules_of_a_new_reservation(
    alice: httpx.Client, stack: Stack
) -> None:
    later = reserve(
        alice, msgTitle="Later", reserveDt=(datetime.now(UTC) + timedelta(hours=2)).isoformat()
    )
    past = reschedule(alice, later["id"], datetime.now(UTC) - timedelta(hours=1))
    assert past.status_code == 422
    assert past.json()["detail"][0]["loc"] == ["body", "reserveDt"]
    assert past.json()["detail"][0]["type"] == "reserve_in_past"
    far = reschedule(alice, later["id"], datetime.now(UTC) + timedelta(days=4000))
    assert far.status_code == 422 and far.json()["detail"][0]["type"] == "reserve_too_far"
    moved = reschedule(alice, later["id"], datetime.now(UTC) + timedelta(hours=3))
    assert moved.status_code == 200, moved.text

    # Advertising: not into the hours it may not be sent (the test stack closes the
    # hour from 11 h ahead).
    ad = reserve(
        alice,
        msgTitle="Ad later",
        msgContent="(광고) 세일\n무료거부 080-123-4567",
        purpose="advertising",
        reserveDt=(datetime.now(UTC) + timedelta(hours=2)).isoformat(),
    )
    closed = reschedule(alice, ad["id"], datetime.now(UTC) + timedelta(hours=11, minutes=30))
    assert closed.status_code == 422, closed.text
    assert closed.json()["detail"][0]["type"] == "advertising_hours"

    # Within the cut-off before it is due (CANCEL_CUTOFF_S, 300 s by default): refused.
    soon = reserve(
        alice, msgTitle="Soon", reserveDt=(datetime.now(UTC) + timedelta(seconds=120)).isoformat()
    )
    cut = reschedule(alice, soon["id"], datetime.now(UTC) + timedelta(hours=1))
    assert cut.status_code == 409 and cut.json()["code"] == "reschedule_cutoff", cut.text
    alice.post(f"/msgReqs/{soon['id']}/cancel")  # the cut-off blocks the cancel too
    for created in (later, ad):
        assert alice.post(f"/msgReqs/{created['id']}/cancel").status_code == 200


def test_a_finished_reservation_cannot_be_rescheduled(
    alice: httpx.Client, bob: httpx.Client, sent: dict[str, Any]
) -> None:
    response = reschedule(alice, sent["id"], datetime.now(UTC) + timedelta(hours=1))
    assert response.status_code == 409 and response.json()["code"] == "not_reschedulable"
    # Another customer's reservation does not exist for them.
    assert reschedule(bob, sent["id"], datetime.now(UTC) + timedelta(hours=1)).status_code == 404


# --- the account: webhook test ping, operators' customers ----------------------------


def test_a_webhook_test_ping_is_posted_signed_and_logged(stack: Stack) -> None:
    from msgplat_testsupport.webhooks import WebhookReceiver

    customer = stack.new_customer()
    with (
        httpx.Client(base_url=stack.gateway_url, headers=customer.headers, timeout=30) as client,
        WebhookReceiver() as receiver,
    ):
        hook = client.post("/monitorings/webhooks", json={"url": receiver.url}).json()
        response = client.post(f"/monitorings/webhooks/{hook['id']}/ping")
        assert response.status_code == 202, response.text
        assert response.json()["event"] == "webhook.ping"
        post = wait_until(lambda: receiver.accepted(), timeout_s=30)[0]
        assert post.json()["event"] == "webhook.ping"
        assert post.json()["webhookId"] == hook["id"]
        assert post.headers["x-msgplat-delivery"] == response.json()["deliveryId"]

        def logged() -> dict[str, Any] | None:
            log = client.get(f"/monitorings/webhooks/{hook['id']}/deliveries").json()
            done = [d for d in log["items"] if d["state"] == "delivered"]
            return done[0] if done else None

        delivery = wait_until(logged, timeout_s=30, interval_s=0.2)
        assert delivery["event"] == "webhook.ping" and delivery["lastStatusCode"] == 200
        other = stack.new_customer()
        refused = httpx.post(
            f"{stack.gateway_url}/monitorings/webhooks/{hook['id']}/ping",
            headers=other.headers,
            timeout=10,
        )
        assert refused.status_code == 404


def test_operators_list_customers_and_set_their_limits(stack: Stack, alice: httpx.Client) -> None:
    operator = httpx.Client(base_url=stack.gateway_url, headers=stack.operator_headers, timeout=30)
    customer = stack.new_customer(f"lim-{uuid.uuid4().hex[:8]}")
    listed = operator.get("/auth/customers", params={"q": customer.user_id}).json()
    (row,) = listed["items"]
    assert row["userId"] == customer.user_id and row["activeKeys"] == 1
    assert row["requestsPerSecond"] is None and row["hasPassword"] is False

    changed = operator.patch(f"/auth/customers/{customer.user_id}", json={"recipientsPerDay": 5000})
    assert changed.status_code == 200, changed.text
    assert changed.json()["recipientsPerDay"] == 5000
    reset = operator.patch(f"/auth/customers/{customer.user_id}", json={"recipientsPerDay": None})
    assert reset.json()["recipientsPerDay"] is None
    bad = operator.patch(f"/auth/customers/{customer.user_id}", json={"recipientsPerDay": 0})
    assert bad.status_code == 422
    assert operator.patch("/auth/customers/nobody-here", json={}).status_code == 404
    assert alice.get("/auth/customers").status_code == 403  # customers never see the list


def test_balances_of_several_accounts_at_once(stack: Stack, alice: httpx.Client) -> None:
    operator = httpx.Client(base_url=stack.gateway_url, headers=stack.operator_headers, timeout=30)
    me = alice.get("/auth/me").json()["userId"]
    never = f"never-{uuid.uuid4().hex[:6]}"  # no account: left out, not a 404
    answer = operator.get("/billings/balances", params={"userId": [me, never]})
    assert answer.status_code == 200, answer.text
    assert [b["userId"] for b in answer.json()] == [me]
    # A customer only ever gets their own.
    assert [
        b["userId"] for b in alice.get("/billings/balances", params={"userId": [me]}).json()
    ] == [me]
    other = stack.new_customer()
    assert alice.get("/billings/balances", params={"userId": [other.user_id]}).json() == []
