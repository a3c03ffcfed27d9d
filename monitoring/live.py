"""The live view: changes of the views pushed to SSE clients of every replica.

The projection `pg_notify`s each change (reservation id, user id, version) in its
transaction, so PostgreSQL delivers it after the commit to every replica listening. Each
replica holds one `LISTEN` connection (`LiveHub.run`) and fans the changes out to its
in-process subscribers (one per open stream):

- a change nobody here watches is dropped at once (no read);
- the changes that arrive while a read is under way, or within `live_coalesce_ms` after
  one, are read together in one query: a view changed 50 times in 100 ms is read and
  sent once, in its latest state;
- each subscriber keeps only the latest state per reservation until its stream sends
  it, so a slow client costs memory per reservation, not per change.

After the LISTEN connection was lost, notifications may have been missed: every open
stream sends its snapshot again once the hub listens anew.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from uuid import UUID

import orjson

from msgplat.monitoring import queries
from msgplat.monitoring.reactions.projection import VIEWS_CHANNEL
from msgplat.monitoring.reactions.status_changes import DELIVERIES_CHANNEL
from msgplat.monitoring.schemas import ReservationView
from msgplat.monitoring.settings import MonitoringSettings
from msgplat.plumbing.db import Database
from msgplat.plumbing.listen import listen_forever
from msgplat.plumbing.logging import get_logger

log = get_logger(__name__)


@dataclass(eq=False)
class Subscription:
    """One open stream: what it watches, and the latest states not sent yet."""

    user_id: str | None  # None: every customer's (an operator or internal caller)
    reservation_id: UUID | None = None
    changes: dict[UUID, ReservationView] = field(default_factory=dict)
    resync: bool = False
    ready: asyncio.Event = field(default_factory=asyncio.Event)

    def wants(self, reservation_id: UUID, user_id: str) -> bool:
        if self.reservation_id is not None and reservation_id != self.reservation_id:
            return False
        return self.user_id is None or self.user_id == user_id

    def offer(self, view: ReservationView) -> None:
        queued = self.changes.get(view.reservation_id)
        if queued is None or queued.version < view.version:
            self.changes[view.reservation_id] = view
            self.ready.set()

    def take(self) -> list[ReservationView]:
        self.ready.clear()
        taken = sorted(self.changes.values(), key=lambda v: v.updated_at)
        self.changes = {}
        return taken


class LiveHub:
    def __init__(self, settings: MonitoringSettings) -> None:
        self.settings = settings
        self.subscriptions: set[Subscription] = set()
        self.listening = asyncio.Event()
        # Set when new webhook deliveries or alerts were committed (any replica).
        self.deliveries_queued = asyncio.Event()
        self._dirty: dict[UUID, int] = {}
        self._wake = asyncio.Event()

    @contextlib.contextmanager
    def subscribe(self, subscription: Subscription) -> Iterator[Subscription]:
        self.subscriptions.add(subscription)
        try:
            yield subscription
        finally:
            self.subscriptions.discard(subscription)

    async def run(self, db: Database) -> None:
        """Listen and fan out until cancelled; reconnects after a lost connection."""
        async with asyncio.TaskGroup() as tasks:
            tasks.create_task(self._listen())
            tasks.create_task(self._fan_out(db))

    def notified(self, channel: str, payload: str) -> None:
        if channel == DELIVERIES_CHANNEL:
            self.deliveries_queued.set()
            return
        try:
            change = orjson.loads(payload)
            reservation_id, user_id, version = UUID(change["r"]), change["u"], change["v"]
        except (ValueError, KeyError, TypeError):
            log.warning("live_bad_notification", payload=payload[:200])
            return
        if any(s.wants(reservation_id, user_id) for s in self.subscriptions):
            self._dirty[reservation_id] = max(version, self._dirty.get(reservation_id, 0))
            self._wake.set()

    async def _fan_out(self, db: Database) -> None:
        pause_s = self.settings.live_coalesce_ms / 1000
        while True:
            await self._wake.wait()
            self._wake.clear()
            dirty, self._dirty = self._dirty, {}
            try:
                fresh = await queries.views_by_id(db, list(dirty))
            except Exception as exc:  # the database is away: the streams resync later
                log.warning("live_read_failed", error=repr(exc))
                self._resync_all()
                await asyncio.sleep(1)
                continue
            for view in fresh:
                for subscription in self.subscriptions:
                    if subscription.wants(view.reservation_id, view.user_id):
                        subscription.offer(view)
            await asyncio.sleep(pause_s)  # what changes meanwhile goes in the next read

    async def _listen(self) -> None:
        await listen_forever(
            self.settings.database_url,
            [VIEWS_CHANNEL, DELIVERIES_CHANNEL],
            self.notified,
            name="live",
            on_listening=self._listening,
            on_lost=self.listening.clear,
        )

    def _listening(self, first: bool) -> None:
        self.listening.set()
        if not first:  # changes may have been missed while away
            self._resync_all()
            self.deliveries_queued.set()

    def _resync_all(self) -> None:
        for subscription in self.subscriptions:
            subscription.resync = True
            subscription.ready.set()
