"""Events the reservation service subscribes to: consumer group -> {event: handler}."""

from __future__ import annotations

from msgplat.contracts.events import CreditHeld, CreditRefused, SendingFinished, SendingStarted
from msgplat.plumbing.runtime import Subscriptions
from msgplat.reservation import saga

SUBSCRIPTIONS: Subscriptions = {
    "reservation-saga": {
        CreditHeld: saga.on_credit_held,
        CreditRefused: saga.on_credit_refused,
        SendingStarted: saga.on_sending_started,
        SendingFinished: saga.on_sending_finished,
    },
}
