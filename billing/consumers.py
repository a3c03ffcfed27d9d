"""Events the billing service subscribes to: consumer group -> {event: reaction}.

One group for both topics: the saga's steps of a reservation are applied in the
order they arrive, each batch in one transaction.
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

SUBSCRIPTIONS: Subscriptions = {
    "billing-saga": {
        ReservationRequested: holds.on_reservation_requested,
        ReservationCancelled: holds.on_reservation_cancelled,
        MessageResultsReported: settlement.on_message_results,
        SendingFinished: holds.on_sending_finished,
        # A delivered status alert, charged like any message (ADR 0013).
        NoticeResultReported: notices.on_notice_result,
    },
}
