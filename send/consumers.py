"""Events the send service subscribes to: consumer group -> {event: reaction}."""

from __future__ import annotations

from msgplat.contracts.events import (
    ReservationCancelled,
    ReservationRecipientsAdded,
    ReservationRejected,
    ReservationRequested,
    ReservationRescheduled,
    ReservationScheduled,
    SenderVerificationRequested,
    StatusAlertRequested,
)
from msgplat.plumbing.runtime import DeadLetterReactions, Subscriptions
from msgplat.send import reactions

SUBSCRIPTIONS: Subscriptions = {
    "send-reservations": {
        ReservationRequested: reactions.on_reservation_requested,
        ReservationRecipientsAdded: reactions.on_recipients_added,
        ReservationScheduled: reactions.on_reservation_scheduled,
        ReservationRescheduled: reactions.on_reservation_rescheduled,
        ReservationRejected: reactions.on_reservation_rejected,
        ReservationCancelled: reactions.on_reservation_cancelled,
    },
    # Apart, so that a notice never waits behind a reservation's recipient chunks.
    "send-notices": {
        StatusAlertRequested: reactions.on_status_alert_requested,
        SenderVerificationRequested: reactions.on_sender_verification_requested,
    },
}

ON_DEAD_LETTER: DeadLetterReactions = {
    ReservationRecipientsAdded: reactions.on_recipients_dead_lettered,
}
