"""Request and response bodies of the billing API. Money is integer KRW on the wire too."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import ConfigDict, Field, StrictInt
from pydantic.config import JsonDict

from msgplat.billing.domain import MAX_TOPUP, MIN_TOPUP
from msgplat.plumbing.api import ApiInput, ApiModel
from msgplat.plumbing.caller import ClaimedUserId


class Balance(ApiModel):
    """`GET /billings?userId=`: what the customer can spend, what is held for reservations
    not yet sent, and what was charged for delivered messages."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "userId": "acme",
                    "currency": "KRW",
                    "available": 99960,
                    "held": 20,
                    "charged": 20,
                    "toppedUp": 100000,
                    "updatedAt": "2027-03-02T00:30:04.900Z",
                }
            ]
        }
    )

    user_id: str
    currency: Literal["KRW"] = "KRW"
    available: int
    held: int
    charged: int
    topped_up: int = Field(description="Sum of every top-up = available + held + charged")
    updated_at: datetime


class TopupCreate(ApiInput):
    """`POST /billings/topups`: an operator adds credit to a customer's account (created
    if new)."""

    # Only camelCase on the wire; a float or a numeric string is not an amount of won.
    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=False,
        validate_by_name=False,
        json_schema_extra={
            "examples": [{"userId": "acme", "amount": 100000, "note": "Invoice 2027-02-0042"}]
        },
    )

    user_id: ClaimedUserId = None
    amount: StrictInt = Field(ge=MIN_TOPUP, le=MAX_TOPUP, description="KRW, a whole number")
    note: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="What the credit is for (an invoice, a payment), shown in the ledger",
    )


class Topup(ApiModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ledgerEntryId": 311,
                    "userId": "acme",
                    "amount": 100000,
                    "balance": {
                        "userId": "acme",
                        "currency": "KRW",
                        "available": 199960,
                        "held": 20,
                        "charged": 20,
                        "toppedUp": 200000,
                        "updatedAt": "2027-03-02T01:00:00Z",
                    },
                }
            ]
        }
    )

    ledger_entry_id: int
    user_id: str
    amount: int
    balance: Balance


class LedgerEntry(ApiModel):
    """One append-only ledger entry; the balance is the sum of them."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 312,
                    "kind": "capture",
                    "amount": 20,
                    "count": 1,
                    "msgType": "SMS",
                    "reservationId": "3f2b8c1e-7a4d-4e5b-9c6f-1d2e3f4a5b6c",
                    "eventId": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
                    "note": None,
                    "actor": None,
                    "availableAfter": 99960,
                    "heldAfter": 20,
                    "chargedAfter": 20,
                    "at": "2027-03-02T00:30:04.900Z",
                }
            ]
        }
    )

    id: int
    kind: Literal["topup", "hold", "capture", "release"]
    amount: int = Field(description="KRW, >= 0; the kind says which way it moved")
    count: int | None = Field(description="Messages the entry is for")
    msg_type: str | None
    reservation_id: UUID | None
    event_id: UUID | None = Field(description="The event that caused it (none for top-ups)")
    note: str | None
    actor: str | None = Field(
        description="Who made a top-up: the operator's user id, `cli:<name>` (the command "
        "line), `DEMO_ACCOUNTS` (start-up); none for the saga's entries"
    )
    available_after: int
    held_after: int
    charged_after: int
    at: datetime


class ReservationLedger(ApiModel):
    """A reservation's ledger entries summed up: what was held for it, charged for its
    delivered messages and released for the others."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "reservationId": "3f2b8c1e-7a4d-4e5b-9c6f-1d2e3f4a5b6c",
                    "msgType": "SMS",
                    "held": 40,
                    "charged": 20,
                    "released": 0,
                    "stillHeld": 20,
                    "heldMessages": 2,
                    "chargedMessages": 1,
                    "releasedMessages": 0,
                    "firstAt": "2027-03-01T06:12:45.600Z",
                    "lastAt": "2027-03-02T00:30:04.900Z",
                    "entries": 2,
                }
            ]
        }
    )

    reservation_id: UUID
    msg_type: str | None
    held: int = Field(description="KRW taken from the available balance and held")
    charged: int = Field(description="KRW of the held charged for delivered messages")
    released: int = Field(description="KRW of the held given back to the available balance")
    still_held: int = Field(description="held - charged - released")
    held_messages: int
    charged_messages: int
    released_messages: int
    first_at: datetime
    last_at: datetime
    entries: int


class UsageByType(ApiModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"msgType": "SMS", "messages": 1200, "amount": 24000, "releasedMessages": 14}
            ]
        }
    )

    msg_type: str
    messages: int = Field(description="Delivered (charged) messages")
    amount: int = Field(description="KRW charged")
    released_messages: int = Field(
        description="Failed, cancelled or opted out: released, not charged"
    )


class UsageByCarrier(ApiModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"carrier": "carrier-a", "msgType": "SMS", "count": 1200, "amount": 24000}]
        }
    )

    carrier: str = Field(description="The carrier that took the messages")
    msg_type: str
    count: int = Field(description="Delivered (charged) messages")
    amount: int = Field(description="KRW charged")


class Usage(ApiModel):
    """The month's charges by message type and by carrier (Asia/Seoul months): the
    aggregated billing."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "userId": "acme",
                    "month": "2027-02",
                    "messages": 1300,
                    "amount": 30500,
                    "byType": [
                        {
                            "msgType": "SMS",
                            "messages": 1200,
                            "amount": 24000,
                            "releasedMessages": 14,
                        },
                        {"msgType": "LMS", "messages": 100, "amount": 6500, "releasedMessages": 0},
                    ],
                    "byCarrier": [
                        {"carrier": "carrier-a", "msgType": "SMS", "count": 1200, "amount": 24000},
                        {"carrier": "carrier-a", "msgType": "LMS", "count": 100, "amount": 6500},
                    ],
                }
            ]
        }
    )

    user_id: str
    month: str
    messages: int
    amount: int
    by_type: list[UsageByType]
    by_carrier: list[UsageByCarrier] = Field(
        description="Charged messages per carrier and type (those settled since the usage "
        "by carrier is kept)"
    )


_SMS_CHARGES_EXAMPLE: JsonDict = {
    "msgType": "SMS",
    "unitPrice": 20,
    "count": 2,
    "capturedCount": 1,
    "capturedAmount": 20,
    "releasedCount": 0,
    "releasedAmount": 0,
}


class ChargesByType(ApiModel):
    """One message type of a reservation's hold, at its price when held."""

    model_config = ConfigDict(json_schema_extra={"examples": [_SMS_CHARGES_EXAMPLE]})

    msg_type: str
    unit_price: int
    count: int = Field(description="Messages of this type held for")
    captured_count: int
    captured_amount: int
    released_count: int
    released_amount: int


class ReservationCharges(ApiModel):
    """What billing held, captured and released for one reservation (reconciliation)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "reservationId": "3f2b8c1e-7a4d-4e5b-9c6f-1d2e3f4a5b6c",
                    "userId": "acme",
                    "status": "open",
                    "msgType": "SMS",
                    "unitPrice": 20,
                    "count": 2,
                    "amount": 40,
                    "held": 20,
                    "capturedCount": 1,
                    "capturedAmount": 20,
                    "releasedCount": 0,
                    "releasedAmount": 0,
                    "reason": None,
                    "createdAt": "2027-03-01T06:12:45.600Z",
                    "closedAt": None,
                    "byType": [_SMS_CHARGES_EXAMPLE],
                }
            ]
        }
    )

    reservation_id: UUID
    user_id: str
    status: Literal["open", "closed", "refused"]
    msg_type: str = Field(description="The reservation's type (the largest when mixed)")
    unit_price: int = Field(description="KRW per message of msgType")
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
    by_type: list[ChargesByType] = Field(
        description="Per message type (personalised reservations mix SMS and LMS)"
    )


class Quote(ApiModel):
    """`GET /billings/quote`: what a reservation would cost and whether the available
    balance covers it now (the saga's hold decides for good)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "userId": "acme",
                    "msgType": "SMS",
                    "count": 2,
                    "unitPrice": 20,
                    "required": 40,
                    "available": 99960,
                    "sufficient": True,
                }
            ]
        }
    )

    user_id: str
    msg_type: Literal["SMS", "LMS"] = Field(
        description="The type asked for; with smsCount/lmsCount, the largest one counted"
    )
    count: int = Field(description="Messages (smsCount + lmsCount when given)")
    unit_price: int = Field(description="KRW per message of msgType")
    required: int = Field(description="KRW for every message, each at its type's price")
    available: int
    sufficient: bool
