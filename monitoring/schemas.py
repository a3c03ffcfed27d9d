"""Response bodies of the monitoring API."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from msgplat.plumbing.api import ApiModel


class ReservationView(ApiModel):
    reservation_id: UUID
    user_id: str
    msg_title: str
    msg_type: str
    status: str
    status_reason: str | None = None
    recipient_count: int
    recipients_received: int
    reserve_dt: datetime
    requested_at: datetime
    scheduled_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    cancelled_at: datetime | None
    updated_at: datetime
