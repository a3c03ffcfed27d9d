"""Events the send service subscribes to: consumer group -> {event: reaction}."""

from __future__ import annotations

from msgplat.contracts.events import (
    ReservationCancelled,
    ReservationRecipientsAdded,
    ReservationRejected,
    ReservationRequested,
    ReservationScheduled,
)
from msgplat.plumbing.runtime import Subscriptions
from msgplat.send import reactions

SUBSCRIPTIONS: Subscriptions = {
    "send-reservations": {
        ReservationRequested: reactions.on_reservation_requested,
        ReservationRecipientsAdded: reactions.on_recipients_added,
        ReservationScheduled: reactions.on_reservation_scheduled,
        ReservationRejected: reactions.on_reservation_rejected,
        ReservationCancelled: reactions.on_reservation_cancelled,
    },
}
