"""`/monitorings/alerts`: a customer's status alert, a short text to their own mobile
number (one of their verified sender numbers) when a reservation ends, sent by the send
service and charged like any SMS; and the log of those sent."""

from __future__ import annotations

from fastapi import APIRouter

from msgplat.monitoring import commands, queries
from msgplat.monitoring.api.deps import DatabaseDep
from msgplat.monitoring.schemas import AlertDelivery, AlertSettings, AlertSettingsUpdate
from msgplat.plumbing.api import Page, PageNumber, PageSize
from msgplat.plumbing.caller import CallerDep, UserIdQuery

router = APIRouter(prefix="/monitorings", tags=["notifications"])


@router.get("/alerts", response_model=AlertSettings)
async def get_alerts(
    db: DatabaseDep, caller: CallerDep, user_id: UserIdQuery = None
) -> AlertSettings:
    return await queries.get_alert_settings(db, caller, user_id)


@router.put("/alerts", response_model=AlertSettings)
async def put_alerts(
    body: AlertSettingsUpdate, db: DatabaseDep, caller: CallerDep
) -> AlertSettings:
    """A short text to `callbackNum` when a reservation completes or fails. 422 when it
    is not one of the customer's verified sender numbers (POST /senders)."""
    return await commands.put_alert_settings(db, caller, body)


@router.get("/alerts/deliveries", response_model=Page[AlertDelivery])
async def list_alert_deliveries(
    db: DatabaseDep,
    caller: CallerDep,
    user_id: UserIdQuery = None,
    page: PageNumber = 1,
    size: PageSize = 20,
) -> Page[AlertDelivery]:
    """The customer's status alerts, newest first, with what became of each."""
    items, total = await queries.list_alert_deliveries(
        db, user_id=caller.scope(user_id), page=page, size=size
    )
    return Page[AlertDelivery](items=items, page=page, size=size, total=total)
