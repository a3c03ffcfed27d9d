"""Events the reservation service subscribes to: consumer group -> {event: handler}.

Empty until the saga (billing) and sending report back.
"""

from __future__ import annotations

from msgplat.plumbing.runtime import Subscriptions

SUBSCRIPTIONS: Subscriptions = {}
