"""The projection rules without I/O: every event type, and any arrival order across
topics giving the same view."""

from __future__ import annotations

import itertools
import random
import uuid
from dataclasses import replace
from datetime import timedelta

import pytest

from msgplat.contracts.events import ReservationCancelled, ReservationFinished
from msgplat.monitoring import domain
from msgplat.monitoring.domain import View
from msgplat.plumbing.envelope import Event
from msgplat_testsupport.events import (
    T0,
    AdvertisingStory,
    Story,
    cancelled,
    paused,
    refused,
    rejected,
    requested,
    resumed,
)

HOUR = timedelta(hours=1)


def fold(events: list[Event], rid: uuid.UUID, *, start: View | None = None) -> View:
    view = start or domain.placeholder(rid, "u")
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


@pytest.mark.parametrize("story_type", [Story, AdvertisingStory])
def test_every_interleaving_of_the_topics_gives_the_same_view(
    story_type: type[Story] | type[AdvertisingStory],
) -> None:
    """Each topic keeps its own order; across topics, anything goes."""
    story = story_type(uuid.uuid4())
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


def test_the_advertising_story_in_order() -> None:
    story = AdvertisingStory(uuid.uuid4())
    view = fold(story.in_order(), story.rid)
    assert (view.status, view.purpose) == ("completed", "advertising")
    assert (view.delivered_count, view.failed_count, view.cancelled_count) == (4, 0, 0)
    assert view.opted_out_count == 1
    assert (view.finished, view.pending, view.submitted, view.progress) == (5, 0, 0, 1.0)
    assert (view.amount_charged, view.amount_released, view.amount_held) == (80, 20, 0)
    # Both pauses are known; the last one was resumed and the reservation is final.
    assert (view.last_pause_at, view.last_resume_at) == (T0 + 3 * HOUR, T0 + 4 * HOUR)
    assert (view.paused, view.paused_until, view.pause_reason) == (False, None, None)


def test_a_pause_shows_until_sending_resumes() -> None:
    story = AdvertisingStory(uuid.uuid4())
    topics = story.by_topic()
    sending = fold([*topics["reservation"][:4], topics["send"][0]], story.rid)
    assert (sending.status, sending.paused, sending.pause_reason) == ("sending", False, None)

    first_pause = domain.apply(sending, topics["send"][1])
    assert first_pause.paused
    assert first_pause.paused_until == T0 + 2 * HOUR
    assert first_pause.pause_reason == "advertising is sent 08:00-21:00 Asia/Seoul"
    assert first_pause.status == "sending"  # a pause is no status

    going_on = domain.apply(first_pause, topics["send"][2])
    assert (going_on.paused, going_on.paused_until, going_on.pause_reason) == (False, None, None)

    # Partway through: 2 delivered, 1 opted out, paused outside the customer's windows.
    second_pause = fold(topics["send"][3:7], going_on.reservation_id, start=going_on)
    assert second_pause.paused_until == T0 + 4 * HOUR
    assert second_pause.pause_reason == "outside the customer's sending windows"
    assert (second_pause.delivered_count, second_pause.opted_out_count) == (2, 1)
    assert (second_pause.pending, second_pause.progress) == (2, 0.6)


def test_a_pause_with_no_end_has_a_reason_and_no_until() -> None:
    rid = uuid.uuid4()
    view = fold([requested(rid), paused(rid, T0, until=None, rule="sending_windows")], rid)
    assert (view.paused, view.paused_until) == (True, None)
    assert view.pause_reason == "outside the customer's sending windows"


def test_pauses_and_resumes_in_any_order_give_the_same_view() -> None:
    """The latest pause and the latest resume win by their own times: a resume older than
    a pause never clears it, a pause older than a resume never sets one."""
    rid = uuid.uuid4()
    start = fold([requested(rid)], rid)
    first, second = paused(rid, T0, until=T0 + HOUR), paused(rid, T0 + 2 * HOUR, until=None)
    first_resumed, second_resumed = resumed(rid, T0 + HOUR), resumed(rid, T0 + 3 * HOUR)

    cases = {
        (first, first_resumed, second, second_resumed): (False, None, None),
        (first, first_resumed, second): (True, None, second.reason),
        (first, second, first_resumed): (True, None, second.reason),
        (first, first_resumed): (False, None, None),
        (first,): (True, T0 + HOUR, first.reason),
    }
    for events, (is_paused, until, reason) in cases.items():
        views = {fold(list(order), rid, start=start) for order in itertools.permutations(events)}
        assert len(views) == 1, events
        [view] = views
        assert (view.paused, view.paused_until, view.pause_reason) == (is_paused, until, reason)

    # A resume older than the pause, arriving after it, leaves the pause standing.
    newer_pause = fold([second, first_resumed], rid, start=start)
    assert newer_pause.paused
    # The same pause again (re-emitted under a new id) changes nothing.
    assert domain.apply(newer_pause, second) == newer_pause
    assert domain.apply(newer_pause, first) == newer_pause


def test_pauses_at_the_same_instant_agree_in_any_order() -> None:
    rid = uuid.uuid4()
    start = fold([requested(rid)], rid)
    one = paused(rid, T0, until=T0 + HOUR, rule="advertising_hours")
    other = paused(rid, T0, until=T0 + 2 * HOUR, rule="sending_windows")
    assert fold([one, other], rid, start=start) == fold([other, one], rid, start=start)


@pytest.mark.parametrize(
    "final",
    [
        ReservationFinished(reservation_id=uuid.UUID(int=1), status="completed", finished_at=T0),
        ReservationCancelled(
            reservation_id=uuid.UUID(int=1), previous_status="sending", cancelled_at=T0
        ),
    ],
)
def test_a_final_status_clears_the_pause_in_any_order(final: Event) -> None:
    rid = uuid.UUID(int=1)
    pause = paused(rid, T0 + HOUR, until=T0 + 2 * HOUR)
    for order in ([pause, final], [final, pause]):
        view = fold([requested(rid), *order], rid)
        assert view.status in domain.FINAL_STATUSES
        assert (view.paused, view.paused_until, view.pause_reason) == (False, None, None)


def test_alert_texts_say_how_many_were_opted_out() -> None:
    story = AdvertisingStory(uuid.uuid4())
    view = fold(story.in_order(), story.rid)
    assert domain.alert_ready(view)
    assert domain.alert_text(view) == (
        "[msgplat] 'hello' completed: 4 delivered, 0 not, 1 opted out, of 5"
    )


def test_a_webhook_url_longer_than_its_column_once_normalised_is_refused() -> None:
    """2,000 characters typed, 2,001 stored (the trailing / pydantic adds): a 422 naming
    url, not the database's 'value too long' (a 500)."""
    import pytest
    from pydantic import ValidationError

    from msgplat.monitoring.schemas import WebhookCreate

    typed = ("https://" + ".".join(["a" * 63] * 40))[:1999] + "a"
    assert len(typed) == 2000 and "a." not in typed[-2:]
    with pytest.raises(ValidationError, match="once normalised"):
        WebhookCreate.model_validate({"url": typed})
    assert str(WebhookCreate.model_validate({"url": "https://hooks.example.com"}).url)
