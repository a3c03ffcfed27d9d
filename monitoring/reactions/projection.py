"""The projection: the reservations' views, from a polled batch of events at once.

One reaction for every event type, given a polled batch of them at once (`Batched`):
lock their views (or create their placeholders), apply each event with the rules of
`domain`, write the changed rows back with their versions incremented (once per event
that changed them), and in the same transaction
- `pg_notify` the change (reservation id, user id, version) for the live streams of
  every replica (delivered by PostgreSQL once the transaction commits);
- on a status change, what it owes the customer (`status_changes`): one webhook
  delivery per registered webhook, and once the reservation is final with every result
  counted, its alert when the customer asked for one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson
from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from msgplat.monitoring import domain
from msgplat.monitoring.domain import View
from msgplat.monitoring.models import reservation_views as views
from msgplat.monitoring.queries import VIEW_FIELDS, view_of
from msgplat.monitoring.reactions.status_changes import queue_alert, queue_webhooks
from msgplat.plumbing import tracing
from msgplat.plumbing.consumer import Batched, Polled
from msgplat.plumbing.db import UnitOfWork
from msgplat.plumbing.envelope import Event

VIEWS_CHANNEL = "monitoring_views"


def projection_reactions(*, notify: bool = True) -> Mapping[type[Event], Batched]:
    """The reactions of the projection's consumer group. `notify=False` (a rebuild's
    replay) updates the views and the live streams but queues no webhook or alert."""

    async def handle(uow: UnitOfWork, polled: list[Polled]) -> None:
        await project(uow, polled, notify=notify)

    return dict.fromkeys(domain.PROJECTED_EVENTS, Batched(handle))


async def project(uow: UnitOfWork, polled: list[Polled], *, notify: bool = True) -> list[View]:
    """Apply a polled batch of events to their views, in order; the views written.

    A few statements for the whole batch, whatever its size: the views locked (and the
    missing placeholders made) together, each view changed in memory event by event (a
    webhook or alert queued at each status change, as event by event), then the changed
    views written back in one executemany and their changes notified in one statement.
    """
    owners = {_reservation_of(p.event): p.envelope.user_id for p in polled}
    views = await _lock(uow.conn, owners)
    first = dict(views)
    transitions: list[tuple[View, datetime]] = []
    changes: list[str] = []  # for the live streams: every version, in order
    for p in polled:
        before = views[_reservation_of(p.event)]
        after = domain.apply(before, p.event)
        if after == before:
            continue
        after = dataclasses.replace(after, version=before.version + 1)
        views[after.reservation_id] = after
        if not after.is_placeholder:  # placeholders are not served: nobody to tell
            changes.append(_change_of(after))
        if notify and domain.status_changed(before, after):
            transitions.append((after, p.envelope.occurred_at))
        if notify and domain.alert_due(before, after):
            with tracing.span("queue status alert", parent=p.traceparent):
                await queue_alert(uow, after)  # its StatusAlertRequested: in that trace
    changed = [view for rid, view in views.items() if view != first[rid]]
    await _save(uow.conn, changed, changes)
    await queue_webhooks(uow, transitions)
    return changed


def _reservation_of(event: Event) -> UUID:
    reservation_id: UUID = getattr(event, "reservation_id")  # noqa: B009 (every projected event)
    return reservation_id


# Built once: the compiled form of each is cached by statement.
LOCK = (
    select(views)
    .where(views.c.reservation_id == func.any(bindparam("b_rids")))
    .order_by(views.c.reservation_id)  # one order of locks for every replica: no deadlock
    .with_for_update()
)
SAVE = (
    update(views)
    .where(views.c.reservation_id == bindparam("b_rid"))
    .values({**{name: bindparam(f"b_{name}") for name in VIEW_FIELDS}, "updated_at": func.now()})
)
PLACEHOLD = insert(views).on_conflict_do_nothing(index_elements=[views.c.reservation_id])
NOTIFY = text("SELECT pg_notify(:channel, change) FROM unnest(CAST(:changes AS text[])) AS change")


async def _lock(conn: AsyncConnection, owners: Mapping[UUID, str]) -> dict[UUID, View]:
    """The views of these reservations (id -> owner), locked for this transaction; a new
    placeholder for each that has none yet."""
    wanted = sorted(owners)
    found = {
        row.reservation_id: view_of(row) for row in await conn.execute(LOCK, {"b_rids": wanted})
    }
    missing = [rid for rid in wanted if rid not in found]
    if missing:
        # Another replica may create one at the same moment (events of another topic):
        # whoever comes second waits for the first one's row, then locks it. (Made, then
        # locked: an executemany, compiled once, returns nothing.)
        await conn.execute(
            PLACEHOLD, [_columns(domain.placeholder(rid, owners[rid])) for rid in missing]
        )
        rows = await conn.execute(LOCK, {"b_rids": missing})
        found.update((row.reservation_id, view_of(row)) for row in rows)
    return found


async def _save(conn: AsyncConnection, changed: list[View], changes: list[str]) -> None:
    """Write the changed views back; tell the live streams of every replica."""
    if not changed:
        return
    rows = []
    for view in changed:
        params = {f"b_{name}": value for name, value in _columns(view).items()}
        params["b_rid"] = view.reservation_id
        rows.append(params)
    await conn.execute(SAVE, rows)
    if changes:
        await conn.execute(NOTIFY, {"channel": VIEWS_CHANNEL, "changes": changes})


def _change_of(view: View) -> str:
    return orjson.dumps(
        {"r": str(view.reservation_id), "u": view.user_id, "v": view.version}
    ).decode()


def _columns(view: View) -> dict[str, Any]:
    return {name: getattr(view, name) for name in VIEW_FIELDS}
