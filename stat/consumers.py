"""Events the stat service subscribes to: consumer group -> {event: handler}."""

from __future__ import annotations

from msgplat.plumbing.runtime import Subscriptions

SUBSCRIPTIONS: Subscriptions = {}
