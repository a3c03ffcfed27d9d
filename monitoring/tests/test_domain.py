"""The projection rules without I/O: every event type, and any arrival order across
topics giving the same view."""

from __future__ import annotations

import random
import uuid
from dataclasses import replace

from msgplat.monitoring import domain
from msgplat.monitoring.domain import View
from msgplat.monitoring.testing import Story, cancelled, refused, rejected, requested
from msgplat.plumbing.envelope import Event


def fold(events: list[Event], rid: uuid.UUID) -> View:
    view = domain.placeholder(rid, "u")
    for event in events:
        view = domain.apply(view, event)
    return view


def test_the_whole_story_in_order() -> None:
    story = Story(uuid.uuid4())
    view = fold(story.in_order(), story.rid)
    assert view.status == "partially_failed"
    assert (view.recipient_count, view.recipients_received) == (4, 4)
    assert (view.delivered_count, view.failed_count, view.cancelled_count) == (2, 2, 0)
    assert (view.pending, view.submitted, view.progress) == (0, 0, 1.0)
    assert (view.amount_held_total, view.amount_charged, view.amount_released) == (40, 20, 20)
    assert view.amount_held == 0
    assert view.scheduled_at and view.started_at and view.finished_at and view.requested_at


def test_counts_while_sending() -> None:
    story = Story(uuid.uuid4())
    topics = story.by_topic()
    # requested, chunk, scheduled, sending; submitted 3 of 4; one rejected, two delivered
    view = fold([*topics["reservation"][:4], *topics["send"][:4], topics["billing"][0]], story.rid)
    assert view.status == "sending"
    assert (view.delivered_count, view.failed_count) == (2, 1)
    assert view.submitted == 1  # 3 accepted, 2 of them reported
    assert view.pending == 0  # 4 - 1 submitted - 3 finished
    assert view.progress == 0.75
    assert view.amount_held == 40


def test_every_interleaving_of_the_topics_gives_the_same_view() -> None:
    """Each topic keeps its own order; across topics, anything goes."""
    story = Story(uuid.uuid4())
    expected = fold(story.in_order(), story.rid)
    rng = random.Random(7)
    for _ in range(300):
        queues = [list(events) for events in story.by_topic().values()]
        merged: list[Event] = []
        while any(queues):
            queue = rng.choice([q for q in queues if q])
            merged.append(queue.pop(0))
        assert fold(merged, story.rid) == expected


def test_a_status_never_moves_back() -> None:
    rid = uuid.uuid4()
    story = Story(rid)
    topics = story.by_topic()
    finished = fold([topics["reservation"][0], topics["reservation"][4]], rid)
    assert finished.status == "partially_failed"
    for late in (topics["reservation"][2], topics["reservation"][3], cancelled(rid)):
        after = domain.apply(finished, late)
        assert after.status == "partially_failed"
    assert domain.apply(finished, cancelled(rid)).cancelled_at is not None  # stamped, kept


def test_a_rejected_reservation_has_the_rejection_s_reason_in_any_order() -> None:
    rid = uuid.uuid4()
    for order in ([refused(rid), rejected(rid)], [rejected(rid), refused(rid)]):
        view = fold([requested(rid), *order], rid)
        assert view.status == "rejected"
        assert view.status_reason == "not enough credit"
        assert view.progress == 0.0
    refused_only = fold([requested(rid), refused(rid)], rid)
    assert (refused_only.status, refused_only.status_reason) == ("requested", "balance 0 < 40")


def test_the_alert_waits_for_every_result() -> None:
    story = Story(uuid.uuid4())
    topics = story.by_topic()
    reservation_first = fold([*topics["reservation"], *topics["send"][:3]], story.rid)
    assert reservation_first.status == "partially_failed"
    assert not domain.alert_ready(reservation_first)  # 1 of 4 results so far
    done = fold([*topics["reservation"], *topics["send"]], story.rid)
    assert domain.alert_due(reservation_first, done)
    assert not domain.alert_due(done, done)


def test_a_placeholder_is_not_a_status_change_until_requested() -> None:
    rid = uuid.uuid4()
    placeholder = domain.apply(domain.placeholder(rid, "u"), refused(rid))
    assert placeholder.is_placeholder
    assert not domain.status_changed(None, placeholder)
    filled = domain.apply(placeholder, requested(rid))
    assert domain.status_changed(placeholder, filled)
    assert not domain.status_changed(filled, replace(filled, recipients_received=3))


def test_retry_delays_double_up_to_the_cap() -> None:
    delays = [domain.retry_delay_s(n, base_s=1, max_s=10) for n in range(1, 7)]
    assert delays == [1, 2, 4, 8, 10, 10]


def test_alert_texts_fit_an_sms_for_a_short_title() -> None:
    story = Story(uuid.uuid4())
    view = fold(story.in_order(), story.rid)
    text = domain.alert_text(view)
    assert text == "[msgplat] 'hello' partially_failed: 2 delivered, 2 not, of 4"
    assert domain.sms_or_lms(text) == "SMS"
    assert domain.sms_or_lms("가" * 46) == "LMS"
