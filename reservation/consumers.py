"""Events the reservation service subscribes to: consumer group -> {event: reaction}."""

from __future__ import annotations

from msgplat.contracts.events import (
    CreditHeld,
    CreditRefused,
    NoticeResultReported,
    SendingFinished,
    SendingStarted,
)
from msgplat.plumbing.runtime import Subscriptions
from msgplat.reservation import reactions

SUBSCRIPTIONS: Subscriptions = {
    "reservation-saga": {
        CreditHeld: reactions.on_credit_held,
        CreditRefused: reactions.on_credit_refused,
        SendingStarted: reactions.on_sending_started,
        SendingFinished: reactions.on_sending_finished,
        # Whether a sender's verification code reached its number.
        NoticeResultReported: reactions.on_notice_result,
    },
}
