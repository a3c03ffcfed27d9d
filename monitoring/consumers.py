"""Events the monitoring service projects: consumer group -> {event: handler}."""

from __future__ import annotations

from msgplat.contracts.events import (
    ReservationCancelled,
    ReservationFinished,
    ReservationRecipientsAdded,
    ReservationRejected,
    ReservationRequested,
    ReservationScheduled,
    ReservationSendingStarted,
)
from msgplat.monitoring import handlers
from msgplat.plumbing.runtime import Subscriptions

SUBSCRIPTIONS: Subscriptions = {
    "monitoring-projection": {
        ReservationRequested: handlers.on_reservation_requested,
        ReservationRecipientsAdded: handlers.on_recipients_added,
        ReservationScheduled: handlers.on_reservation_scheduled,
        ReservationSendingStarted: handlers.on_reservation_sending_started,
        ReservationFinished: handlers.on_reservation_finished,
        ReservationRejected: handlers.on_reservation_rejected,
        ReservationCancelled: handlers.on_reservation_cancelled,
    },
}
