"""One topic per producing context, keyed by reservation id (per-reservation order)."""

from __future__ import annotations

RESERVATION_EVENTS = "reservation.events"
SEND_EVENTS = "send.events"
BILLING_EVENTS = "billing.events"
STAT_EVENTS = "stat.events"

# topic -> the one service that produces it
PRODUCERS: dict[str, str] = {
    RESERVATION_EVENTS: "reservation",
    SEND_EVENTS: "send",
    BILLING_EVENTS: "billing",
    STAT_EVENTS: "stat",
}

ALL_TOPICS: tuple[str, ...] = tuple(PRODUCERS)
