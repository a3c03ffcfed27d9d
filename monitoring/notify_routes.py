"""HTTP routes of a customer's notifications: webhooks, their delivery log, the alert
setting; and the carrier's delivery reports of the alerts (internal, not routed by the
gateway)."""

from __future__ import annotations

import hmac
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Header, HTTPException, Path, Query, Response

from msgplat.monitoring import webhooks
from msgplat.monitoring.dispatcher import record_alert_reports
from msgplat.monitoring.schemas import (
    AlertSettings,
    AlertSettingsUpdate,
    Webhook,
    WebhookCreate,
    WebhookCreated,
    WebhookDelivery,
)
from msgplat.monitoring.settings import MonitoringSettings
from msgplat.plumbing.api import Page
from msgplat.plumbing.caller import CallerDep, UserIdQuery
from msgplat.plumbing.runtime import RuntimeDep

router = APIRouter(prefix="/monitorings", tags=["notifications"])
carrier_router = APIRouter(tags=["internal"], include_in_schema=False)

WebhookId = Annotated[UUID, Path(alias="webhookId")]


@router.post("/webhooks", status_code=201, response_model=WebhookCreated)
async def register_webhook(
    body: WebhookCreate, runtime: RuntimeDep, caller: CallerDep
) -> WebhookCreated:
    """Every status change of the customer's reservations is POSTed to `url`, signed
    with `secret` (answered once, here)."""
    return await webhooks.register_webhook(runtime.db, caller, body)


@router.get("/webhooks", response_model=list[Webhook])
async def list_webhooks(
    runtime: RuntimeDep, caller: CallerDep, user_id: UserIdQuery = None
) -> list[Webhook]:
    return await webhooks.list_webhooks(runtime.db, caller, user_id)


@router.delete("/webhooks/{webhookId}", status_code=204)
async def delete_webhook(webhook_id: WebhookId, runtime: RuntimeDep, caller: CallerDep) -> Response:
    await webhooks.delete_webhook(runtime.db, caller, webhook_id)
    return Response(status_code=204)


@router.get("/webhooks/{webhookId}/deliveries", response_model=Page[WebhookDelivery])
async def list_deliveries(
    webhook_id: WebhookId,
    runtime: RuntimeDep,
    caller: CallerDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Page[WebhookDelivery]:
    """The webhook's delivery log, newest first."""
    items, total = await webhooks.list_deliveries(
        runtime.db, caller, webhook_id, page=page, size=size
    )
    return Page[WebhookDelivery](items=items, page=page, size=size, total=total)


@router.get("/alerts", response_model=AlertSettings)
async def get_alerts(
    runtime: RuntimeDep, caller: CallerDep, user_id: UserIdQuery = None
) -> AlertSettings:
    return await webhooks.get_alert_settings(runtime.db, caller, user_id)


@router.put("/alerts", response_model=AlertSettings)
async def put_alerts(
    body: AlertSettingsUpdate, runtime: RuntimeDep, caller: CallerDep
) -> AlertSettings:
    """A short text to `callbackNum` when a reservation completes or fails."""
    return await webhooks.put_alert_settings(runtime.db, caller, body)


@carrier_router.post("/carrier/reports")
async def carrier_reports(
    runtime: RuntimeDep,
    body: Annotated[dict[str, Any], Body()],
    authorization: Annotated[str | None, Header()] = None,
) -> dict[str, int]:
    """Delivery reports of the alerts, pushed by the carrier."""
    settings: MonitoringSettings = runtime.settings
    expected = f"Bearer {settings.carrier_callback_token}"
    if authorization is None or not hmac.compare_digest(authorization, expected):
        raise HTTPException(401, "wrong callback token", headers={"WWW-Authenticate": "Bearer"})
    reports = body.get("reports")
    if not isinstance(reports, list):
        raise HTTPException(422, "reports: a list is required")
    updated = await record_alert_reports(runtime.db, [r for r in reports if isinstance(r, dict)])
    return {"applied": updated}
