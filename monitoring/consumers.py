"""Events the monitoring service projects: consumer group -> {event: handler}."""

from __future__ import annotations

from msgplat.contracts.events import (
    ReservationCancelled,
    ReservationRecipientsAdded,
    ReservationRequested,
)
from msgplat.monitoring import handlers
from msgplat.plumbing.runtime import Subscriptions

SUBSCRIPTIONS: Subscriptions = {
    "monitoring-projection": {
        ReservationRequested: handlers.on_reservation_requested,
        ReservationRecipientsAdded: handlers.on_recipients_added,
        ReservationCancelled: handlers.on_reservation_cancelled,
    },
}
