"""Request and response bodies of the send API, and the carrier's report callback."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from msgplat.plumbing.api import ApiModel


class Msg(ApiModel):
    """One message of a reservation (the seed's `msgs`)."""

    id: int
    reservation_id: UUID
    user_id: str
    seq: int = Field(description="Position in the recipient list, from 0")
    dst_num: str
    status: str
    attempts: int
    carrier: str | None
    carrier_msg_id: str | None
    result_code: str | None
    reason: str | None
    submitted_at: datetime | None
    final_at: datetime | None


class MsgSummary(ApiModel):
    reservation_id: UUID
    user_id: str
    recipient_count: int
    pending: int = Field(description="Not yet handed to a carrier")
    submitted: int = Field(description="With the carrier, waiting for the delivery report")
    delivered: int
    failed: int
    cancelled: int
    finished: bool


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
    received: int
    applied: int
    ignored: int = Field(description="Already final: duplicates or late reports")
