"""Events the stat service subscribes to: consumer group -> {event: reaction}."""

from __future__ import annotations

from msgplat.contracts.events import (
    MessageResultsReported,
    ReservationRejected,
    ReservationRequested,
)
from msgplat.plumbing.runtime import Subscriptions
from msgplat.stat import reactions

# Cancellations need no reaction: send reports every cancelled message as a result.
SUBSCRIPTIONS: Subscriptions = {
    "stat-counters": {
        ReservationRequested: reactions.on_reservation_requested,
        ReservationRejected: reactions.on_reservation_rejected,
        MessageResultsReported: reactions.on_message_results_reported,
    },
}
