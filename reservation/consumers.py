"""Events the reservation service subscribes to: consumer group -> {event: handler}."""

from __future__ import annotations

from msgplat.contracts.events import SendingFinished, SendingStarted
from msgplat.plumbing.runtime import Subscriptions
from msgplat.reservation import saga

SUBSCRIPTIONS: Subscriptions = {
    "reservation-saga": {
        SendingStarted: saga.on_sending_started,
        SendingFinished: saga.on_sending_finished,
    },
}
