"""Delivery reports: pushed later to the reportUrl, in batches, retried, duplicated, shuffled."""

from __future__ import annotations

import time
from datetime import datetime

from msgplat_testsupport.carrier import CarrierClient, ReportReceiver, message, poll


def test_reports_arrive_after_the_delay_with_the_callback_token(
    carrier: CarrierClient, receiver: ReportReceiver
) -> None:
    submitted_at = time.monotonic()
    results = carrier.submit(
        [message("ok-1"), message("bad-1", "+821099990000"), message("rej-1", "0101234")]
    ).json()["results"]
    reports = receiver.wait_reports(2)
    assert receiver.posts[0].at - submitted_at >= 0.2  # report_delay_ms
    assert receiver.posts[0].authorization == "Bearer test-callback"
    assert receiver.posts[0].path == "/reports"
    by_ref = {r["ref"]: r for r in reports}
    assert set(by_ref) == {"ok-1", "bad-1"}  # a rejected message gets no report
    assert by_ref["ok-1"]["status"] == "DELIVERED" and by_ref["ok-1"]["code"] == "0000"
    assert by_ref["bad-1"] == {
        "messageId": results[1]["messageId"],
        "ref": "bad-1",
        "status": "FAILED",
        "code": "3001",
        "reason": "unreachable handset",
        "doneAt": by_ref["bad-1"]["doneAt"],
    }
    done_at = by_ref["ok-1"]["doneAt"]
    assert done_at.endswith("Z")
    assert datetime.fromisoformat(done_at).tzinfo is not None
    poll(lambda: carrier.stats()["reportsPending"] == 0)
    stats = carrier.stats()
    assert (stats["reportsSent"], stats["reportsFailed"]) == (2, 0)


def test_failure_rate_is_repeatable_with_a_seed(
    carrier: CarrierClient, receiver: ReportReceiver
) -> None:
    batch = [message(f"f-{i}", f"+8210{i:08d}") for i in range(1, 301)]

    def failed_refs() -> set[str]:
        carrier.configure(failure_rate=0.3, seed=42, fail_suffixes={}, report_delay_ms=0)
        assert carrier.submit(batch).status_code == 200
        return {i["ref"] for i in carrier.received(limit=1000)["items"] if i["status"] == "FAILED"}

    first = failed_refs()
    reports = receiver.wait_reports(300)
    assert {r["ref"] for r in reports if r["status"] == "FAILED"} == first
    assert {r["code"] for r in reports if r["status"] == "FAILED"} == {"3002"}
    carrier.reset()
    assert failed_refs() == first
    assert 50 < len(first) < 130  # 30 % of 300, give or take
    receiver.wait_reports(600)  # the second round's too: none may land in the next test


def test_duplicate_reports_when_enabled(carrier: CarrierClient, receiver: ReportReceiver) -> None:
    carrier.configure(duplicate_report_rate=1.0, report_delay_ms=50)
    carrier.submit([message(f"dup-{i}") for i in range(20)])
    reports = receiver.wait_reports(40)
    by_ref: dict[str, list[dict[str, str]]] = {}
    for report in reports:
        by_ref.setdefault(report["ref"], []).append(report)
    assert len(by_ref) == 20
    assert all(len(twice) == 2 and twice[0] == twice[1] for twice in by_ref.values())


def test_batches_are_in_due_order_unless_reordering_is_enabled(
    carrier: CarrierClient, receiver: ReportReceiver
) -> None:
    refs = [f"o-{i:03d}" for i in range(100)]
    carrier.submit([message(ref) for ref in refs])
    assert [r["ref"] for r in receiver.wait_reports(100)] == refs

    receiver.clear()
    carrier.configure(reorder_reports=True)
    shuffled = [f"s-{i:03d}" for i in range(100)]
    carrier.submit([message(ref) for ref in shuffled])
    arrived = [r["ref"] for r in receiver.wait_reports(100)]
    assert len(receiver.posts) == 1  # due together: one batch, shuffled
    assert sorted(arrived) == shuffled and arrived != shuffled


def test_reports_go_in_batches_of_report_batch_size(
    carrier: CarrierClient, receiver: ReportReceiver
) -> None:
    carrier.configure(report_batch_size=40)
    carrier.submit([message(f"b-{i}") for i in range(100)])
    receiver.wait_reports(100)
    assert sorted(len(post.reports) for post in receiver.posts) == [20, 40, 40]


def test_a_callback_answering_5xx_is_retried_until_delivered(
    carrier: CarrierClient, receiver: ReportReceiver
) -> None:
    receiver.answer_next([503, 500, 502])
    carrier.submit([message(f"x-{i}") for i in range(10)])
    reports = receiver.wait_reports(10)
    assert sorted(r["ref"] for r in reports) == sorted(f"x-{i}" for i in range(10))
    poll(lambda: carrier.stats()["reportsPending"] == 0)
    stats = carrier.stats()
    assert stats["reportRetries"] == 3
    assert (stats["reportsSent"], stats["reportsFailed"]) == (10, 0)


def test_a_callback_answering_4xx_is_dropped(
    carrier: CarrierClient, receiver: ReportReceiver
) -> None:
    receiver.answer_next([400])
    carrier.submit([message(f"y-{i}") for i in range(5)])
    stats = poll(lambda: (s := carrier.stats())["reportsPending"] == 0 and s)
    assert (stats["reportsSent"], stats["reportsFailed"], stats["reportRetries"]) == (0, 5, 0)
    assert receiver.reports() == []


def test_retries_stop_after_report_retry_for_s(
    carrier: CarrierClient, receiver: ReportReceiver
) -> None:
    carrier.configure(report_retry_for_s=0.3, report_delay_ms=0)
    receiver.answer_next([503] * 1000)
    carrier.submit([message("z-1")])
    stats = poll(lambda: (s := carrier.stats())["reportsFailed"] == 1 and s)
    assert stats["reportsPending"] == 0 and stats["reportRetries"] >= 2
