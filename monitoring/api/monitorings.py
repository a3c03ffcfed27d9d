"""`/monitorings`: the reservations' views, read and streamed live (from the service's own
views)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from sse_starlette import EventSourceResponse, ServerSentEvent

from msgplat.contracts.events import Purpose
from msgplat.monitoring import queries
from msgplat.monitoring.api.deps import DatabaseDep, LiveDep, SettingsDep
from msgplat.monitoring.live import LiveHub, Subscription
from msgplat.monitoring.schemas import ReservationView
from msgplat.plumbing.api import (
    STATUSES,
    Page,
    PageNumber,
    PageSize,
    PeriodDep,
    ReservationOrder,
    TitleWords,
)
from msgplat.plumbing.caller import CallerDep, UserIdFilter, UserIdQuery
from msgplat.plumbing.db import Database
from msgplat.plumbing.listing import ReservationListFilter

router = APIRouter(prefix="/monitorings", tags=["monitoring"])

ViewStatus = Literal[
    "requested",
    "scheduled",
    "sending",
    "completed",
    "partially_failed",
    "failed",
    "rejected",
    "cancelled",
]


@router.get(
    "/stream",
    response_class=EventSourceResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def stream_monitorings(
    db: DatabaseDep,
    settings: SettingsDep,
    live: LiveDep,
    caller: CallerDep,
    reservation_id: Annotated[UUID | None, Query(alias="reservationId")] = None,
    user_id: UserIdQuery = None,
) -> EventSourceResponse:
    """Server-Sent Events: `event: reservation`, `data:` a ReservationView, `id:`
    `<reservationId>:<version>`. First the current state (one reservation, or the
    caller's newest ones), then every change as it is projected; a ping when idle."""
    if reservation_id is not None:
        view = await queries.get_view(db, reservation_id)
        caller.check_owner(view.user_id, f"reservation {reservation_id}")
        subscription = Subscription(user_id=view.user_id, reservation_id=reservation_id)
    else:
        subscription = Subscription(user_id=caller.scope(user_id))
    return EventSourceResponse(
        _events(live, db, subscription, settings.live_snapshot_size),
        ping=settings.live_ping_s,
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _events(
    hub: LiveHub, db: Database, subscription: Subscription, snapshot_size: int
) -> AsyncIterator[ServerSentEvent]:
    sent: dict[UUID, int] = {}
    first = True
    # Subscribed before the snapshot is read: a change committed meanwhile is queued.
    with hub.subscribe(subscription):
        while True:
            if first or subscription.resync:
                first = subscription.resync = False
                views = await _snapshot(db, subscription, snapshot_size)
            else:
                await subscription.ready.wait()
                if subscription.resync:
                    continue
                views = subscription.take()
            for view in views:
                if view.version > sent.get(view.reservation_id, 0):
                    sent[view.reservation_id] = view.version
                    yield to_event(view)


async def _snapshot(db: Database, subscription: Subscription, size: int) -> list[ReservationView]:
    if subscription.reservation_id is not None:
        return await queries.views_by_id(db, [subscription.reservation_id])
    newest, _ = await queries.list_views(db, user_id=subscription.user_id, page=1, size=size)
    return list(reversed(newest))  # oldest first: the newest ends on top of a client's list


def to_event(view: ReservationView) -> ServerSentEvent:
    return ServerSentEvent(
        event="reservation",
        id=f"{view.reservation_id}:{view.version}",
        data=view.model_dump_json(by_alias=True),
    )


@router.get("/{reservation_id}", response_model=ReservationView, operation_id="getMonitoring")
async def get_monitoring(
    reservation_id: UUID, db: DatabaseDep, caller: CallerDep
) -> ReservationView:
    view = await queries.get_view(db, reservation_id)
    caller.check_owner(view.user_id, f"reservation {reservation_id}")
    return view


@router.get("", response_model=Page[ReservationView])
async def list_monitorings(
    db: DatabaseDep,
    caller: CallerDep,
    period: PeriodDep,
    user_id: UserIdFilter = None,
    status_: Annotated[list[ViewStatus] | None, STATUSES] = None,
    purpose: Annotated[Purpose | None, Query()] = None,
    q: TitleWords = None,
    sort: ReservationOrder = "newest",
    page: PageNumber = 1,
    size: PageSize = 20,
) -> Page[ReservationView]:
    """A customer's reservations, newest first (an operator: anyone's, or all), narrowed
    as `GET /msgReqs` is: by status, purpose, reserveDt period (`from`, `to`) and title
    words (`q`)."""
    narrowed = ReservationListFilter(
        statuses=tuple(status_ or ()), purpose=purpose, period=period, text=q, sort=sort
    )
    items, total = await queries.list_views(
        db, user_id=caller.scope(user_id), page=page, size=size, narrowed=narrowed
    )
    return Page[ReservationView](items=items, page=page, size=size, total=total)
