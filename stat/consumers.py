"""Events the stat service subscribes to: consumer group -> {event: handler}."""

from __future__ import annotations

from msgplat.contracts.events import (
    MessageResultsReported,
    ReservationRejected,
    ReservationRequested,
)
from msgplat.plumbing.runtime import Subscriptions
from msgplat.stat import handlers

# Cancellations need no handler: send reports every cancelled message as a result.
SUBSCRIPTIONS: Subscriptions = {
    "stat-counters": {
        ReservationRequested: handlers.on_reservation_requested,
        ReservationRejected: handlers.on_reservation_rejected,
        MessageResultsReported: handlers.on_message_results_reported,
    },
}
