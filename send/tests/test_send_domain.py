"""Sending rules without I/O: outcomes, message references, the results payload."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from msgplat.contracts.events import MessageResultsReported
from msgplat.send import domain
from msgplat.send.results import results_payload


@pytest.mark.parametrize(
    ("delivered", "failed", "cancelled_job", "expected"),
    [
        (10, 0, False, "completed"),
        (0, 10, False, "failed"),
        (7, 3, False, "partially_failed"),
        (7, 0, True, "cancelled"),
        (0, 0, True, "cancelled"),
        # opted-out messages count neither way: nothing failed is completed
        (0, 0, False, "completed"),
    ],
)
def test_the_outcome_of_a_finished_job(
    delivered: int, failed: int, cancelled_job: bool, expected: str
) -> None:
    assert (
        domain.outcome(delivered=delivered, failed=failed, job_cancelled=cancelled_job) == expected
    )


def test_a_reference_round_trips_and_garbage_is_refused() -> None:
    rid = uuid.uuid4()
    assert domain.parse_ref(domain.make_ref(rid, 42)) == (str(rid), 42)
    for bad in ("", "nope", f"{rid}:", f"{rid}:-1", ":3", f"{rid}:x"):
        with pytest.raises(ValueError, match="not a message reference"):
            domain.parse_ref(bad)


def test_the_fast_results_payload_is_exactly_what_the_event_model_accepts() -> None:
    """The hot path builds the payload without models; the contract must still hold."""
    rid = uuid.uuid4()
    now = datetime.now(UTC)
    rows = [
        SimpleNamespace(
            seq=i,
            status=status,
            result_code=code,
            reason="why",
            carrier=None if status == "opted_out" else "sim",
            carrier_msg_id=f"m{i}",
            final_at=now,
            msg_type=own_type,
        )
        for i, (status, code, own_type) in enumerate(
            [
                ("delivered", "0000", None),
                ("failed", "3001", "LMS"),
                ("cancelled", "CANCELLED", None),
                ("opted_out", "OPTED_OUT", "SMS"),
            ]
        )
    ]
    payload = results_payload(rid, rows, "LMS")
    event = MessageResultsReported.model_validate(payload)
    assert event.reservation_id == rid
    # each result has its message's own type, else the reservation's
    assert [(r.seq, r.status, r.code, r.msg_type) for r in event.results] == [
        (0, "delivered", "0000", "LMS"),
        (1, "failed", "3001", "LMS"),
        (2, "cancelled", "CANCELLED", "LMS"),
        (3, "opted_out", "OPTED_OUT", "SMS"),
    ]
