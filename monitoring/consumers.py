"""Events the monitoring service projects: consumer group -> {event: reaction}.

- `monitoring-projection` reads reservation, send and billing events into the views
  (stat's events carry nothing the views need: its counters are the same results,
  counted again);
- `monitoring-notifications` keeps the customers' verified sender numbers (where a
  status alert may go) and each alert's delivery, as the send service reports it. A
  group of its own: a rebuild of the views replays only the projection's.
"""

from __future__ import annotations

from msgplat.monitoring.reactions.notifications import notification_reactions
from msgplat.monitoring.reactions.projection import projection_reactions
from msgplat.plumbing.runtime import Subscriptions

PROJECTION_GROUP = "monitoring-projection"
NOTIFICATIONS_GROUP = "monitoring-notifications"

SUBSCRIPTIONS: Subscriptions = {
    PROJECTION_GROUP: projection_reactions(),
    NOTIFICATIONS_GROUP: notification_reactions(),
}
