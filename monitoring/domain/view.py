"""A reservation as the monitoring views hold it, and its statuses. No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

# A view never moves back from a final status, and never from one final status to
# another: the first final status that arrives is kept.
FINAL_STATUSES = frozenset({"completed", "partially_failed", "failed", "rejected", "cancelled"})
RANK = {"requested": 0, "scheduled": 1, "sending": 2, **dict.fromkeys(FINAL_STATUSES, 3)}
# A pause with no end (no window ever opens again) sorts after any with one.
FOREVER = datetime.max.replace(tzinfo=UTC)
# Final statuses that send the customer a KakaoTalk-style alert, when they asked for one.
ALERTED_STATUSES = frozenset({"completed", "partially_failed", "failed", "rejected"})


@dataclass(frozen=True)
class View:
    """One reservation as the monitoring views store it (a row of reservation_views)."""

    reservation_id: UUID
    user_id: str
    status: str = "requested"
    title: str | None = None
    msg_type: str | None = None
    purpose: str = "normal"
    status_reason: str | None = None
    recipient_count: int = 0
    recipients_received: int = 0
    accepted_count: int = 0
    reported_after_submit: int = 0
    delivered_count: int = 0
    failed_count: int = 0
    cancelled_count: int = 0
    opted_out_count: int = 0
    amount_held_total: int = 0
    amount_charged: int = 0
    amount_released: int = 0
    reserve_dt: datetime | None = None
    requested_at: datetime | None = None
    scheduled_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    cancelled_at: datetime | None = None
    # The latest SendingPaused (by its paused_at) and the latest SendingResumed.
    last_pause_at: datetime | None = None
    last_pause_until: datetime | None = None
    last_pause_reason: str | None = None
    last_resume_at: datetime | None = None
    version: int = 0

    @property
    def is_placeholder(self) -> bool:
        """Events came before the request: not served until the request arrives."""
        return self.requested_at is None

    @property
    def finished(self) -> int:
        return (
            self.delivered_count + self.failed_count + self.cancelled_count + self.opted_out_count
        )

    @property
    def paused(self) -> bool:
        """Sending stopped outside the allowed hours and not gone on yet (never once final)."""
        if self.status in FINAL_STATUSES or self.last_pause_at is None:
            return False
        return self.last_resume_at is None or self.last_resume_at < self.last_pause_at

    @property
    def paused_until(self) -> datetime | None:
        return self.last_pause_until if self.paused else None

    @property
    def pause_reason(self) -> str | None:
        return self.last_pause_reason if self.paused else None

    @property
    def submitted(self) -> int:
        """Messages at the carrier, waiting for their delivery report."""
        if self.status in FINAL_STATUSES:
            return 0
        return max(0, self.accepted_count - self.reported_after_submit)

    @property
    def pending(self) -> int:
        """Messages not handed to the carrier yet."""
        if self.status in FINAL_STATUSES:
            return 0
        return max(0, self.recipient_count - self.submitted - self.finished)

    @property
    def progress(self) -> float:
        """Finished messages / recipients, 0..1 (1 once the reservation is final)."""
        if self.status in FINAL_STATUSES and self.status != "rejected":
            return 1.0
        if self.recipient_count <= 0:
            return 0.0
        return min(1.0, self.finished / self.recipient_count)

    @property
    def amount_held(self) -> int:
        """KRW still held: neither charged nor released yet."""
        return max(0, self.amount_held_total - self.amount_charged - self.amount_released)
