"""One topic per producing context, keyed by reservation id (per-reservation order).

Which service produces which topic is said once, by its entry in the registry
(`contracts/services.py`, `produces`); this module names those topics for the event
catalogue and derives `PRODUCERS` and `ALL_TOPICS` (every service creates them all at
start, see `plumbing.runtime`).
"""

from __future__ import annotations

from msgplat.contracts.services import SERVICES, producers

# topic -> the one service that produces it
PRODUCERS: dict[str, str] = producers(SERVICES)

ALL_TOPICS: tuple[str, ...] = tuple(PRODUCERS)


def topic_of(service: str) -> str:
    """The one topic `service` produces."""
    (topic,) = [t for t, producer in PRODUCERS.items() if producer == service]
    return topic


RESERVATION_EVENTS = topic_of("reservation")
SEND_EVENTS = topic_of("send")
BILLING_EVENTS = topic_of("billing")
STAT_EVENTS = topic_of("stat")
MONITORING_EVENTS = topic_of("monitoring")
