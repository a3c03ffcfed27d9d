"""Events the stat service subscribes to: consumer group -> {event: reaction}."""

from __future__ import annotations

from msgplat.contracts.events import (
    MessageResultsReported,
    ReservationRejected,
    ReservationRequested,
)
from msgplat.plumbing.consumer import Batched
from msgplat.plumbing.runtime import Subscriptions
from msgplat.stat import reactions

# Cancellations need no reaction: send reports every cancelled message as a result.
SUBSCRIPTIONS: Subscriptions = {
    "stat-counters": {
        ReservationRequested: Batched(reactions.on_reservations_requested),
        ReservationRejected: reactions.on_reservation_rejected,
        MessageResultsReported: reactions.on_message_results_reported,
    },
}
