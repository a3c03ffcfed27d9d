"""Events the billing service subscribes to: consumer group -> {event: reaction}.

One group (one inbox) for both topics, polled in a loop per topic (`LOOP_PER_TOPIC`):
a reservation's hold (reservation events) never waits behind the settlement of a bulk
send's results (send events). Nothing ordered the two topics before either; what
the saga needs is ordered by itself: a hold is applied before its results exist (send
waits for `CreditHeld`), a cancel releases a hold only before scheduling (no result can
exist), and `SendingFinished` follows its results on their partition.
"""

from __future__ import annotations

from msgplat.billing.reactions import holds, notices, settlement
from msgplat.contracts.events import (
    MessageResultsReported,
    NoticeResultReported,
    ReservationCancelled,
    ReservationRequested,
    SendingFinished,
)
from msgplat.plumbing.runtime import Subscriptions

GROUP = "billing-saga"

SUBSCRIPTIONS: Subscriptions = {
    GROUP: {
        ReservationRequested: holds.on_reservation_requested,
        ReservationCancelled: holds.on_reservation_cancelled,
        MessageResultsReported: settlement.on_message_results,
        SendingFinished: holds.on_sending_finished,
        # A delivered status alert, charged like any message (ADR 0013).
        NoticeResultReported: notices.on_notice_result,
    },
}

LOOP_PER_TOPIC = frozenset({GROUP})
