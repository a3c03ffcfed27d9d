"""Recipient chunks without I/O: bounded by count and by bytes, each event under 1 MB."""

from __future__ import annotations

import uuid

import pytest

from msgplat.contracts.events import ReservationRecipientsAdded
from msgplat.plumbing.envelope import MAX_EVENT_BYTES, EventEnvelope
from msgplat.reservation.recipients import build_recipient_list, chunk_bounds, event_sizes
from msgplat.reservation.settings import ReservationSettings

SETTINGS = ReservationSettings(database_url="postgresql://unused/x")


def test_bounds_cover_the_list_in_order_without_gaps() -> None:
    bounds = chunk_bounds([1] * 25, max_count=10, max_bytes=1000)
    assert bounds == [(0, 10), (10, 20), (20, 25)]


def test_bytes_end_a_chunk_before_the_count_does() -> None:
    assert chunk_bounds([40, 40, 40, 40, 40], max_count=10, max_bytes=100) == [
        (0, 2),
        (2, 4),
        (4, 5),
    ]


def test_an_item_heavier_than_the_limit_is_a_chunk_of_its_own() -> None:
    assert chunk_bounds([10, 500, 10], max_count=10, max_bytes=100) == [(0, 1), (1, 2), (2, 3)]


def test_an_empty_list_has_no_chunk() -> None:
    assert chunk_bounds([], max_count=10, max_bytes=100) == []


def test_kept_recipients_remember_their_request_index() -> None:
    built = build_recipient_list(["01011112222", "bad", "010-1111-2222", "01033334444"])
    assert built.numbers == ["+821011112222", "+821033334444"]
    assert built.indexes == [0, 3]


@pytest.mark.parametrize(
    "text",
    [
        "가" * 1000,  # 2,000 EUC-KR bytes, 3,000 in UTF-8
        '"\\\n' * 1333,  # characters that JSON escapes
        "\x01" * 2000,  # control characters: 6 bytes each in JSON
    ],
)
def test_worst_case_personalised_chunks_fit_in_an_event(text: str) -> None:
    numbers = [f"+8210{i:08d}" for i in range(2000)]
    texts = [text] * len(numbers)
    bounds = chunk_bounds(
        event_sizes(numbers, texts),
        max_count=SETTINGS.recipient_chunk_size,
        max_bytes=SETTINGS.recipient_chunk_bytes,
    )
    assert bounds[0][0] == 0 and bounds[-1][1] == len(numbers)
    for index, (start, end) in enumerate(bounds):
        event = ReservationRecipientsAdded(
            reservation_id=uuid.uuid4(),
            chunk_index=index,
            chunk_count=len(bounds),
            first_seq=start,
            dst_nums=numbers[start:end],
            texts=texts[start:end],
            msg_types=["LMS"] * (end - start),
        )
        envelope = EventEnvelope.wrap(
            event, aggregate_id=event.reservation_id, user_id="u" * 64, correlation_id="c" * 64
        )
        size = len(envelope.to_bytes())
        assert size < 0.8 * MAX_EVENT_BYTES, size


def test_plain_chunks_keep_the_configured_count() -> None:
    numbers = [f"+8210{i:08d}" for i in range(25_000)]
    bounds = chunk_bounds(event_sizes(numbers, None), max_count=10_000, max_bytes=600_000)
    assert bounds == [(0, 10_000), (10_000, 20_000), (20_000, 25_000)]
