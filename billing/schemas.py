"""Request and response bodies of the billing API. Money is integer KRW on the wire too."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import ConfigDict, Field, StrictInt

from msgplat.billing.domain import MAX_TOPUP, MIN_TOPUP
from msgplat.plumbing.api import ApiInput, ApiModel
from msgplat.plumbing.caller import ClaimedUserId


class Balance(ApiModel):
    """`GET /billings?userId=`: what the customer can spend, what is held for reservations
    not yet sent, and what was charged for delivered messages."""

    user_id: str
    currency: Literal["KRW"] = "KRW"
    available: int
    held: int
    charged: int
    topped_up: int = Field(description="Sum of every top-up = available + held + charged")
    updated_at: datetime


class TopupCreate(ApiInput):
    """`POST /billings/topups`: add credit to an account (created if new)."""

    # Only camelCase on the wire; a float or a numeric string is not an amount of won.
    model_config = ConfigDict(extra="forbid", populate_by_name=False, validate_by_name=False)

    user_id: ClaimedUserId = None
    amount: StrictInt = Field(ge=MIN_TOPUP, le=MAX_TOPUP, description="KRW, a whole number")


class Topup(ApiModel):
    ledger_entry_id: int
    user_id: str
    amount: int
    balance: Balance


class LedgerEntry(ApiModel):
    """One append-only ledger entry; the balance is the sum of them."""

    id: int
    kind: Literal["topup", "hold", "capture", "release"]
    amount: int = Field(description="KRW, >= 0; the kind says which way it moved")
    count: int | None = Field(description="Messages the entry is for")
    msg_type: str | None
    reservation_id: UUID | None
    event_id: UUID | None = Field(description="The event that caused it (none for top-ups)")
    note: str | None
    available_after: int
    held_after: int
    charged_after: int
    at: datetime


class UsageByType(ApiModel):
    msg_type: str
    messages: int = Field(description="Delivered (charged) messages")
    amount: int = Field(description="KRW charged")
    released_messages: int = Field(description="Failed or cancelled: released, not charged")


class Usage(ApiModel):
    """The month's charges by message type (Asia/Seoul months): the aggregated billing."""

    user_id: str
    month: str
    messages: int
    amount: int
    by_type: list[UsageByType]


class ReservationCharges(ApiModel):
    """What billing held, captured and released for one reservation (reconciliation)."""

    reservation_id: UUID
    user_id: str
    status: Literal["open", "closed", "refused"]
    msg_type: str
    unit_price: int
    count: int
    amount: int = Field(description="KRW for every message: held, unless refused")
    held: int = Field(description="KRW still held")
    captured_count: int
    captured_amount: int
    released_count: int
    released_amount: int
    reason: str | None = Field(description="Why it was refused")
    created_at: datetime
    closed_at: datetime | None


class Quote(ApiModel):
    """`GET /billings/quote`: what a reservation would cost and whether the available
    balance covers it now (the saga's hold decides for good)."""

    user_id: str
    msg_type: Literal["SMS", "LMS"]
    count: int
    unit_price: int
    required: int
    available: int
    sufficient: bool
