"""Events the billing service subscribes to: consumer group -> {event: handler}.

One group for both topics: the saga's steps of a reservation are applied in the
order they arrive, each batch in one transaction.
"""

from __future__ import annotations

from msgplat.billing import handlers, settlement
from msgplat.contracts.events import (
    MessageResultsReported,
    ReservationCancelled,
    ReservationRequested,
    SendingFinished,
)
from msgplat.plumbing.runtime import Subscriptions

SUBSCRIPTIONS: Subscriptions = {
    "billing-saga": {
        ReservationRequested: handlers.on_reservation_requested,
        ReservationCancelled: handlers.on_reservation_cancelled,
        MessageResultsReported: settlement.on_message_results,
        SendingFinished: handlers.on_sending_finished,
    },
}
