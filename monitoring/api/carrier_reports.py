"""`/carrier/reports`: the carrier's delivery reports of the status alerts (internal:
not routed by the gateway, not in the API's document)."""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header

from msgplat.monitoring import commands
from msgplat.monitoring.api.deps import DatabaseDep, SettingsDep
from msgplat.plumbing.errors import FieldError, RequestInvalid, Unauthorized

router = APIRouter(tags=["internal"], include_in_schema=False)


@router.post("/carrier/reports")
async def carrier_reports(
    db: DatabaseDep,
    settings: SettingsDep,
    body: Annotated[dict[str, Any], Body()],
    authorization: Annotated[str | None, Header()] = None,
) -> dict[str, int]:
    """Delivery reports of the alerts, pushed by the carrier with its callback token."""
    expected = f"Bearer {settings.carrier_callback_token}"
    if authorization is None or not hmac.compare_digest(authorization, expected):
        raise Unauthorized("wrong callback token")
    reports = body.get("reports")
    if not isinstance(reports, list):
        raise RequestInvalid([FieldError(("body", "reports"), "a list is required")])
    updated = await commands.record_alert_reports(db, [r for r in reports if isinstance(r, dict)])
    return {"applied": updated}
