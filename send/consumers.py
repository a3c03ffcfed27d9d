"""Events the send service subscribes to: consumer group -> {event: reaction}."""

from __future__ import annotations

from msgplat.contracts.events import (
    ReservationCancelled,
    ReservationRecipientsAdded,
    ReservationRejected,
    ReservationRescheduled,
    SenderVerificationRequested,
    StatusAlertRequested,
)
from msgplat.plumbing.consumer import Batched
from msgplat.plumbing.runtime import DeadLetterReactions, Subscriptions
from msgplat.send import reactions

SUBSCRIPTIONS: Subscriptions = {
    "send-reservations": {
        # A polled batch of these at once (`Batched`): a few statements for all of it.
        **dict.fromkeys(reactions.ARRIVAL, Batched(reactions.on_reservations_arriving)),
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
