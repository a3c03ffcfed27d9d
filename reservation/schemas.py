"""Request and response bodies of the reservation API (the seed's field names)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import ConfigDict, Field

from msgplat.plumbing.api import ApiInput, ApiModel
from msgplat.plumbing.caller import ClaimedUserId


class MsgReqCreate(ApiInput):
    """`POST /msgReqs`: a reserved send to an ordered list of recipients."""

    # Only the seed's camelCase names on the wire: `user_id` is an unknown field, not a
    # second spelling of `userId` (ApiModel's populate_by_name is for responses).
    model_config = ConfigDict(extra="forbid", populate_by_name=False, validate_by_name=False)

    user_id: ClaimedUserId = None
    msg_title: str = Field(min_length=1, max_length=200, description="Up to 40 EUC-KR bytes")
    msg_content: str = Field(
        min_length=1, max_length=4000, description="SMS up to 90 EUC-KR bytes, LMS up to 2,000"
    )
    reserve_dt: datetime | None = Field(
        default=None, description="ISO 8601; without an offset it is Asia/Seoul; absent = now"
    )
    dst_num: list[str] | str = Field(
        description="Recipients: a JSON array or a comma-separated string, in sending order"
    )
    callback_num: str = Field(min_length=1, max_length=30, description="The sender number")


class MsgReq(ApiModel):
    id: UUID
    user_id: str
    msg_title: str
    msg_content: str
    msg_type: str
    callback_num: str
    reserve_dt: datetime
    status: str
    status_reason: str | None = None
    recipient_count: int
    duplicates_dropped: int
    created_at: datetime
    updated_at: datetime
