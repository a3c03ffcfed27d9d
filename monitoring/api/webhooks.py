"""`/monitorings/webhooks`: a customer's webhooks and their delivery log."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Response

from msgplat.monitoring import commands, queries
from msgplat.monitoring.api.deps import DatabaseDep, SettingsDep
from msgplat.monitoring.schemas import Webhook, WebhookCreate, WebhookCreated, WebhookDelivery
from msgplat.plumbing.api import Page, PageNumber, PageSize
from msgplat.plumbing.caller import CallerDep, UserIdQuery

router = APIRouter(prefix="/monitorings", tags=["notifications"])

WebhookId = Annotated[UUID, Path(alias="webhookId")]


@router.post("/webhooks", status_code=201, response_model=WebhookCreated)
async def register_webhook(
    body: WebhookCreate, db: DatabaseDep, caller: CallerDep, settings: SettingsDep
) -> WebhookCreated:
    """Every status change of the customer's reservations is POSTed to `url`, signed
    with `secret` (answered once, here). `url` must name a public host: a name inside a
    cluster or private network, or an address (or a name resolving to one) that is
    loopback, private, link-local or otherwise not global, is a 422."""
    return await commands.register_webhook(db, caller, body, settings=settings)


@router.get("/webhooks", response_model=list[Webhook])
async def list_webhooks(
    db: DatabaseDep, caller: CallerDep, user_id: UserIdQuery = None
) -> list[Webhook]:
    return await queries.list_webhooks(db, caller, user_id)


@router.delete("/webhooks/{webhookId}", status_code=204)
async def delete_webhook(webhook_id: WebhookId, db: DatabaseDep, caller: CallerDep) -> Response:
    await commands.delete_webhook(db, caller, webhook_id)
    return Response(status_code=204)


@router.post("/webhooks/{webhookId}/ping", status_code=202, response_model=WebhookDelivery)
async def ping_webhook(
    webhook_id: WebhookId, db: DatabaseDep, caller: CallerDep
) -> WebhookDelivery:
    """A test delivery (event `webhook.ping`), signed like the others and posted at once;
    its outcome shows in the delivery log."""
    return await commands.ping_webhook(db, caller, webhook_id)


@router.get("/webhooks/{webhookId}/deliveries", response_model=Page[WebhookDelivery])
async def list_deliveries(
    webhook_id: WebhookId,
    db: DatabaseDep,
    caller: CallerDep,
    page: PageNumber = 1,
    size: PageSize = 20,
) -> Page[WebhookDelivery]:
    """The webhook's delivery log, newest first."""
    items, total = await queries.list_deliveries(db, caller, webhook_id, page=page, size=size)
    return Page[WebhookDelivery](items=items, page=page, size=size, total=total)
