"""HTTP routes of the monitoring service (reads only, from its own views)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from msgplat.monitoring import handlers
from msgplat.monitoring.schemas import ReservationView
from msgplat.plumbing.api import Page
from msgplat.plumbing.runtime import RuntimeDep

router = APIRouter(prefix="/monitorings", tags=["monitoring"])


@router.get("/{reservation_id}", response_model=ReservationView)
async def get_monitoring(reservation_id: UUID, runtime: RuntimeDep) -> ReservationView:
    return await handlers.get_view(runtime.db, reservation_id)


@router.get("", response_model=Page[ReservationView])
async def list_monitorings(
    runtime: RuntimeDep,
    user_id: Annotated[str | None, Query(alias="userId", max_length=64)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Page[ReservationView]:
    items, total = await handlers.list_views(runtime.db, user_id=user_id, page=page, size=size)
    return Page[ReservationView](items=items, page=page, size=size, total=total)
