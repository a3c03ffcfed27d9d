"""Request and response bodies of the send API, and the carrier's report callback."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, Self
from uuid import UUID

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic.config import JsonDict
from pydantic_core import PydanticCustomError

from msgplat.contracts.events import MsgType, Purpose
from msgplat.plumbing.api import ApiInput, ApiModel, Documented
from msgplat.plumbing.caller import ClaimedUserId
from msgplat.plumbing.phones import PHONE_PATTERN, NumberInvalid, normalise_recipient
from msgplat.plumbing.windows import ZoneName, parse_clock

MAX_OPTOUTS_PER_REQUEST = 1000


class Msg(ApiModel):
    """One message of a reservation (the seed's `msgs`)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 1042,
                    "reservationId": "3f2b8c1e-7a4d-4e5b-9c6f-1d2e3f4a5b6c",
                    "userId": "acme",
                    "seq": 0,
                    "dstNum": "+821012345678",
                    "msgType": "SMS",
                    "text": None,
                    "status": "delivered",
                    "attempts": 1,
                    "carrier": "carrier-a",
                    "carrierMsgId": "A-20270302-000187",
                    "resultCode": "0000",
                    "reason": None,
                    "submittedAt": "2027-03-02T00:30:01.204Z",
                    "finalAt": "2027-03-02T00:30:04.870Z",
                }
            ]
        }
    )

    id: int
    reservation_id: UUID
    user_id: str
    seq: int = Field(description="Position in the recipient list, from 0")
    dst_num: str
    msg_type: MsgType
    text: str | None = Field(description="Personalised reservations: this message's text")
    status: str = Field(description="pending, submitted, delivered, failed, cancelled or opted_out")
    attempts: int
    carrier: str | None = Field(description="The carrier that took the message")
    carrier_msg_id: str | None
    result_code: str | None
    reason: str | None
    submitted_at: datetime | None
    final_at: datetime | None
    reservation_title: str | None = Field(
        default=None, description="In a search across reservations: its reservation's title"
    )
    reserve_dt: datetime | None = Field(
        default=None, description="In a search across reservations: when it was due"
    )


class MsgSummary(ApiModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "reservationId": "3f2b8c1e-7a4d-4e5b-9c6f-1d2e3f4a5b6c",
                    "userId": "acme",
                    "recipientCount": 2,
                    "pending": 0,
                    "submitted": 1,
                    "delivered": 1,
                    "failed": 0,
                    "cancelled": 0,
                    "optedOut": 0,
                    "finished": False,
                    "pauseRule": None,
                    "pauseReason": None,
                    "pausedUntil": None,
                    "stuckReason": None,
                }
            ]
        }
    )

    reservation_id: UUID
    user_id: str
    recipient_count: int
    pending: int = Field(description="Not yet handed to a carrier")
    submitted: int = Field(description="With the carrier, waiting for the delivery report")
    delivered: int
    failed: int
    cancelled: int
    opted_out: int = Field(description="Advertising not sent: the number is on the opt-out list")
    finished: bool
    pause_rule: Literal["advertising_hours", "sending_windows"] | None = Field(
        description="Why sending is paused (null when not paused)"
    )
    pause_reason: str | None
    paused_until: datetime | None = Field(
        description="When a paused send goes on (null: not paused, or no window opens)"
    )
    stuck_reason: str | None = Field(
        default=None,
        description="Why sending cannot go on by itself (null: it can); the operator is "
        "alerted and sending goes on once they fix it",
    )


class CarrierReport(BaseModel):
    """One delivery report as the carrier pushes it."""

    model_config = ConfigDict(extra="ignore")

    message_id: str = Field(alias="messageId", min_length=1, max_length=64)
    ref: str = Field(min_length=3, max_length=100)
    status: Literal["DELIVERED", "FAILED"]
    code: str = Field(min_length=1, max_length=16)
    reason: str | None = Field(default=None, max_length=500)
    done_at: AwareDatetime = Field(alias="doneAt")


class CarrierReports(BaseModel):
    model_config = ConfigDict(extra="ignore")

    reports: list[CarrierReport] = Field(min_length=1, max_length=5000)


class ReportsApplied(ApiModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"received": 3, "applied": 2, "ignored": 1, "refused": 0}]}
    )

    received: int
    applied: int
    ignored: int = Field(description="Already final (duplicates or late reports)")
    refused: int = Field(
        description="Of messages another carrier holds (or none yet): refused, the "
        "messages left as they were"
    )


def _e164(value: str) -> str:
    """E.164, or a 422 saying why not (without pydantic's "Value error," prefix)."""
    try:
        return normalise_recipient(value)
    except NumberInvalid as exc:
        raise PydanticCustomError("phone_number", str(exc)) from None


OptoutNumber = Annotated[
    str,
    Field(min_length=1, max_length=40),
    Documented(pattern=PHONE_PATTERN),
    AfterValidator(_e164),
]


class OptoutNumbers(ApiInput):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"numbers": ["010-1234-5678", "+82 10 2345 6789"]}]}
    )

    user_id: ClaimedUserId = None
    numbers: list[OptoutNumber] = Field(
        min_length=1,
        max_length=MAX_OPTOUTS_PER_REQUEST,
        description="Phone numbers in any usual form; each is stored in E.164",
    )


class OptoutsAdded(ApiModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"added": 2, "alreadyListed": 0}]})

    added: int
    already_listed: int = Field(
        description="Already on the list (a number given twice counts once)"
    )


class OptoutsRemoved(ApiModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"removed": 1, "notListed": 1}]})

    removed: int
    not_listed: int = Field(description="Not on the list (a number given twice counts once)")


class Optout(ApiModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"userId": "acme", "number": "+821012345678", "createdAt": "2027-02-20T01:00:00Z"}
            ]
        }
    )

    user_id: str
    number: str = Field(description="E.164")
    created_at: datetime


Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class SendingWindow(ApiInput):
    days: list[Day] = Field(min_length=1, max_length=7)
    start: str = Field(description="HH:MM or HH:MM:SS, local time", examples=["09:00"])
    end: str = Field(
        description="HH:MM or HH:MM:SS; 24:00 is midnight at the end of the day, and an end "
        "before the start runs past midnight",
        examples=["18:00"],
    )

    @field_validator("start")
    @classmethod
    def _start(cls, value: str) -> str:
        parse_clock(value)
        return value

    @field_validator("end")
    @classmethod
    def _end(cls, value: str) -> str:
        parse_clock(value, end=True)
        return value

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        start = parse_clock(self.start)
        end = parse_clock(self.end, end=True)  # None: 24:00, never a start
        if start == end:
            raise ValueError("start and end are the same time: the window would be empty")
        return self


# Office hours on weekdays: the windows both the request and the answer show.
_WINDOWS_EXAMPLE: JsonDict = {
    "timeZone": "Asia/Seoul",
    "windows": [{"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "18:00"}],
    "purposes": ["normal", "advertising"],
}


class SendingWindowsInput(ApiInput):
    model_config = ConfigDict(json_schema_extra={"examples": [_WINDOWS_EXAMPLE]})

    user_id: ClaimedUserId = None
    time_zone: ZoneName = Field(max_length=64, examples=["Asia/Seoul"])
    windows: list[SendingWindow] = Field(
        min_length=1, max_length=50, description="Sending may go on inside any of them"
    )
    purposes: list[Purpose] = Field(
        default=["normal", "advertising"],
        min_length=1,
        description="The purposes held to the windows (authentication never is)",
    )

    @field_validator("purposes")
    @classmethod
    def _purposes(cls, value: list[Purpose]) -> list[Purpose]:
        if "authentication" in value:
            raise ValueError("authentication messages are never paused by sending windows")
        return list(dict.fromkeys(value))


class SendingWindowsView(ApiModel):
    """A customer's sending windows; `windows` is empty (and the times null) when none
    are set: sending is not limited."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "userId": "acme",
                    **_WINDOWS_EXAMPLE,
                    "createdAt": "2027-02-20T01:00:00Z",
                    "updatedAt": "2027-02-20T01:00:00Z",
                }
            ]
        }
    )

    user_id: str
    time_zone: str
    windows: list[SendingWindow]
    purposes: list[Purpose]
    created_at: datetime | None = None
    updated_at: datetime | None = None
