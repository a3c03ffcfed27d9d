"""Events the send service subscribes to: consumer group -> {event: handler}."""

from __future__ import annotations

from msgplat.contracts.events import (
    ReservationCancelled,
    ReservationRecipientsAdded,
    ReservationRejected,
    ReservationRequested,
    ReservationScheduled,
)
from msgplat.plumbing.runtime import Subscriptions
from msgplat.send import handlers

SUBSCRIPTIONS: Subscriptions = {
    "send-reservations": {
        ReservationRequested: handlers.on_reservation_requested,
        ReservationRecipientsAdded: handlers.on_recipients_added,
        ReservationScheduled: handlers.on_reservation_scheduled,
        ReservationRejected: handlers.on_reservation_rejected,
        ReservationCancelled: handlers.on_reservation_cancelled,
    },
}
