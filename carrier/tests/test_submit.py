"""Batch submit: per-recipient accept or reject in order, duplicates, auth and bad input."""

from __future__ import annotations

from msgplat_testsupport.carrier import CarrierClient, ReportReceiver, message


def test_each_recipient_is_accepted_or_rejected_in_request_order(carrier: CarrierClient) -> None:
    response = carrier.submit(
        [
            message("r-ok", "+821012345678"),
            message("r-no-plus", "01012345678"),
            message("r-short", "+8210123"),
            message("r-blocked", "+821012349999"),  # blocked suffix from the environment
            message("r-fails-later", "+821012340000", type="LMS"),
        ]
    )
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["ref"] for r in results] == [
        "r-ok",
        "r-no-plus",
        "r-short",
        "r-blocked",
        "r-fails-later",
    ]
    assert [r["accepted"] for r in results] == [True, False, False, False, True]
    assert results[1] == {
        "ref": "r-no-plus",
        "accepted": False,
        "code": "1001",
        "reason": "invalid number",
    }
    assert results[2]["code"] == "1001"
    assert results[3] == {
        "ref": "r-blocked",
        "accepted": False,
        "code": "1002",
        "reason": "blocked",
    }
    assert results[0]["duplicate"] is False and results[4]["duplicate"] is False
    assert results[0]["messageId"] != results[4]["messageId"]
    stats = carrier.stats()
    assert (stats["received"], stats["accepted"], stats["rejected"]) == (5, 2, 3)


def test_a_ref_received_before_is_answered_with_its_first_id_and_not_sent_again(
    carrier: CarrierClient,
) -> None:
    first = carrier.submit([message("d-1"), message("d-2")]).json()["results"]
    again = carrier.submit([message("d-2"), message("d-3")]).json()["results"]
    assert again[0] == {
        "ref": "d-2",
        "accepted": True,
        "messageId": first[1]["messageId"],
        "duplicate": True,
    }
    assert again[1]["duplicate"] is False
    stats = carrier.stats()
    assert (stats["received"], stats["unique"], stats["duplicates"]) == (4, 3, 1)
    assert stats["reportsScheduled"] == 3  # the duplicate gets no second report


def test_without_deduplication_a_ref_received_again_is_sent_again_and_counted(
    carrier: CarrierClient, receiver: ReportReceiver
) -> None:
    carrier.configure(deduplicate=False, report_delay_ms=0)
    first = carrier.submit([message("nd-1"), message("nd-2")]).json()["results"]
    again = carrier.submit([message("nd-2")]).json()["results"]
    assert again[0]["accepted"] is True and again[0]["duplicate"] is False
    assert again[0]["messageId"] != first[1]["messageId"]  # a message of its own
    stats = carrier.stats()
    assert (stats["received"], stats["unique"], stats["duplicates"]) == (3, 2, 1)
    assert stats["duplicateRefs"] == ["nd-2"]
    assert stats["reportsScheduled"] == 3  # the handset gets it twice
    reports = receiver.wait_reports(3)
    assert sorted(r["ref"] for r in reports) == ["nd-1", "nd-2", "nd-2"]


def test_a_ref_rejected_before_is_judged_again(carrier: CarrierClient) -> None:
    assert carrier.submit([message("rb-1", "+821012349999")]).json()["results"][0]["code"] == "1002"
    carrier.configure(blocked_suffixes={})
    again = carrier.submit([message("rb-1", "+821012349999")]).json()["results"][0]
    assert again["accepted"] is True and again["duplicate"] is False
    [item] = carrier.received()["items"]
    assert (item["status"], item["submitCount"]) == ("DELIVERED", 2)


def test_received_lists_arrival_order_and_submit_counts(carrier: CarrierClient) -> None:
    carrier.submit([message("a-1"), message("b-1", "+821055550000"), message("a-2")])
    carrier.submit([message("a-2"), message("a-3"), message("a-2")])
    page = carrier.received()
    assert page["total"] == 4
    items = page["items"]
    assert [(i["ref"], i["order"], i["submitCount"]) for i in items] == [
        ("a-1", 0, 1),
        ("b-1", 1, 1),
        ("a-2", 2, 3),
        ("a-3", 3, 1),
    ]
    assert items[1]["status"] == "FAILED" and items[1]["code"] == "3001"
    assert items[0]["to"] == "+821012345678" and items[0]["type"] == "SMS"
    assert items[0]["text"] == "hello" and items[0]["messageId"]
    only_a = carrier.received(refPrefix="a-", offset=1, limit=1)
    assert only_a["total"] == 3
    assert [i["ref"] for i in only_a["items"]] == ["a-2"]


def test_without_the_api_key_nothing_is_received(carrier: CarrierClient) -> None:
    assert carrier.submit([message("k-1")], key="wrong").status_code == 401
    anonymous = carrier.http.post(
        "/v1/messages", json={"reportUrl": carrier.report_url, "messages": [message("k-2")]}
    )
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    assert carrier.received()["total"] == 0


def test_more_than_1000_messages_is_413_and_1000_is_fine(carrier: CarrierClient) -> None:
    too_many = carrier.submit([message(f"m-{i}") for i in range(1001)])
    assert too_many.status_code == 413
    assert "1000" in too_many.json()["detail"]
    assert carrier.received()["total"] == 0
    assert carrier.submit([message(f"m-{i}") for i in range(1000)]).status_code == 200
    assert carrier.received()["total"] == 1000


def test_malformed_bodies_are_422_naming_the_field(carrier: CarrierClient) -> None:
    bad_type = carrier.submit([message("v-1"), {**message("v-2"), "type": "MMS"}])
    assert bad_type.status_code == 422
    assert [e["loc"] for e in bad_type.json()["detail"]] == [["body", "messages", 1, "type"]]

    missing_url = carrier.http.post(
        "/v1/messages",
        json={"messages": [message("v-3")]},
        headers={"Authorization": f"Bearer {carrier.api_key}"},
    )
    assert missing_url.status_code == 422
    assert missing_url.json()["detail"][0]["loc"] == ["body", "reportUrl"]

    empty = carrier.submit([])
    assert empty.status_code == 422
    assert empty.json()["detail"][0]["loc"] == ["body", "messages"]

    not_json = carrier.http.post(
        "/v1/messages",
        content=b"{nope",
        headers={"Authorization": f"Bearer {carrier.api_key}"},
    )
    assert not_json.status_code == 422
    assert not_json.json()["detail"][0]["loc"] == ["body"]
    assert carrier.received()["total"] == 0


def test_health_probes(carrier: CarrierClient) -> None:
    assert carrier.http.get("/health/live").status_code == 200
    ready = carrier.http.get("/health/ready")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"reportFlusher": "ok"}
