"""Events the monitoring service projects: consumer group -> {event: reaction}.

One group reads reservation, send and billing events into the views (stat's events
carry nothing the views need: its counters are the same results, counted again).
"""

from __future__ import annotations

from msgplat.monitoring.reactions import projection_reactions
from msgplat.plumbing.runtime import Subscriptions

PROJECTION_GROUP = "monitoring-projection"

SUBSCRIPTIONS: Subscriptions = {PROJECTION_GROUP: projection_reactions()}
