"""Request and response bodies of the reservation API (the seed's field names)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Self
from uuid import UUID

from pydantic import (
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    ValidationError,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from msgplat.contracts.events import MsgType, Purpose
from msgplat.plumbing.api import ApiInput, ApiModel
from msgplat.plumbing.caller import ClaimedUserId

# Only the seed's camelCase names on the wire: `user_id` is an unknown field, not a
# second spelling of `userId` (ApiModel's populate_by_name is for responses).
_STRICT_NAMES = ConfigDict(extra="forbid", populate_by_name=False, validate_by_name=False)

VariableName = Annotated[str, Field(min_length=1, max_length=50)]
VariableValue = Annotated[str, Field(max_length=2000)]


class MsgReqRecipient(ApiInput):
    """One recipient of a personalised reservation, with the values of its variables."""

    model_config = ConfigDict(**_STRICT_NAMES, coerce_numbers_to_str=True)

    dst_num: str = Field(min_length=1, max_length=30, description="The recipient's number")
    variables: dict[VariableName, VariableValue] = Field(
        default_factory=dict,
        max_length=100,
        description="Values of the message's #{name} variables for this recipient",
    )


class MsgReqCreate(ApiInput):
    """`POST /msgReqs`: a reserved send to an ordered list of recipients."""

    model_config = _STRICT_NAMES

    user_id: ClaimedUserId = None
    msg_title: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Up to 40 EUC-KR bytes; required unless templateId is given",
    )
    msg_content: str | None = Field(
        default=None,
        min_length=1,
        max_length=4000,
        description="SMS up to 90 EUC-KR bytes, LMS up to 2,000; may hold #{name} variables "
        "filled in from each recipient's variables; required unless templateId is given",
    )
    template_id: UUID | None = Field(
        default=None, description="Use this stored template's title and content"
    )
    purpose: Purpose | None = Field(
        default=None,
        description="normal (the default), advertising (marked (광고), with a free opt-out "
        "number, only in the advertising hours) or authentication; a template's by default",
    )
    reserve_dt: datetime | None = Field(
        default=None, description="ISO 8601; without an offset it is Asia/Seoul; absent = now"
    )
    dst_num: list[str] | str | None = Field(
        default=None,
        description="Recipients: a JSON array or a comma-separated string, in sending order "
        "(or give recipients instead)",
    )
    recipients: list[MsgReqRecipient] | None = Field(
        default=None,
        description="Personalised recipients, in sending order, each with its variables "
        "(instead of dstNum)",
    )
    callback_num: str = Field(min_length=1, max_length=30, description="The sender number")

    @model_validator(mode="wrap")
    @classmethod
    def _required_unless_replaced(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        """msgTitle and msgContent are required without a templateId, dstNum without
        recipients: reported as missing together with any other field's error."""
        missing: list[InitErrorDetails] = []
        if isinstance(data, dict):
            if data.get("templateId") is None:
                missing += [
                    _missing(name, "Field required (or give templateId)")
                    for name in ("msgTitle", "msgContent")
                    if name not in data
                ]
            if "dstNum" not in data and "recipients" not in data:
                missing.append(_missing("dstNum", "Field required (or give recipients)"))
        try:
            model = handler(data)
        except ValidationError as exc:
            if not missing:
                raise
            raise ValidationError.from_exception_data(
                cls.__name__, [*_details(exc), *missing]
            ) from None
        if missing:
            raise ValidationError.from_exception_data(cls.__name__, missing)
        return model


def _missing(name: str, message: str) -> InitErrorDetails:
    return {"type": PydanticCustomError("missing", message), "loc": (name,), "input": None}


def _details(exc: ValidationError) -> list[InitErrorDetails]:
    details: list[InitErrorDetails] = []
    for error in exc.errors(include_url=False):
        detail: InitErrorDetails = {
            "type": error["type"],
            "loc": error["loc"],
            "input": error["input"],
        }
        if "ctx" in error:
            detail["ctx"] = error["ctx"]
        details.append(detail)
    return details


class MsgReq(ApiModel):
    id: UUID
    user_id: str
    msg_title: str
    msg_content: str
    msg_type: str = Field(description="Personalised: the largest of the recipients' types")
    purpose: Purpose = "normal"
    template_id: UUID | None = None
    personalised: bool = Field(
        default=False, description="Each recipient got its own text (#{variables})"
    )
    msg_counts: dict[MsgType, int] = Field(
        default_factory=dict, description='Messages per type, e.g. {"SMS": 3, "LMS": 1}'
    )
    callback_num: str
    reserve_dt: datetime
    status: str
    status_reason: str | None = None
    recipient_count: int
    duplicates_dropped: int
    created_at: datetime
    updated_at: datetime


class TemplateWrite(ApiInput):
    """`POST /templates`, `PUT /templates/{id}`: a reusable title and content."""

    model_config = _STRICT_NAMES

    user_id: ClaimedUserId = None
    name: str = Field(min_length=1, max_length=100, description="Unique per customer")
    msg_title: str = Field(min_length=1, max_length=200, description="Up to 40 EUC-KR bytes")
    msg_content: str = Field(
        min_length=1,
        max_length=4000,
        description="Up to 2,000 EUC-KR bytes; may hold #{name} variables (letters, digits, "
        "_ and Hangul)",
    )
    purpose: Purpose = "normal"


class Template(ApiModel):
    id: UUID
    user_id: str
    name: str
    msg_title: str
    msg_content: str
    purpose: Purpose
    variables: list[str] = Field(description="The content's #{name} variables, in order")
    created_at: datetime
    updated_at: datetime
