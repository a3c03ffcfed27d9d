"""`/monitorings/alerts`: a customer's status alert, a short text to their own mobile
number when a reservation ends."""

from __future__ import annotations

from fastapi import APIRouter

from msgplat.monitoring import commands, queries
from msgplat.monitoring.api.deps import DatabaseDep
from msgplat.monitoring.schemas import AlertSettings, AlertSettingsUpdate
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
    """A short text to `callbackNum` when a reservation completes or fails."""
    return await commands.put_alert_settings(db, caller, body)
