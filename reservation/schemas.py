"""Request and response bodies of the reservation API (the seed's field names)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, Self
from uuid import UUID

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    ValidationError,
    model_validator,
)
from pydantic.config import JsonDict
from pydantic_core import InitErrorDetails, PydanticCustomError

from msgplat.contracts.events import MsgType, Purpose
from msgplat.plumbing.api import ApiDatetime, ApiInput, ApiModel, PhoneListText, PhoneText
from msgplat.plumbing.caller import ClaimedUserId

# Only the seed's camelCase names on the wire: `user_id` is an unknown field, not a
# second spelling of `userId` (ApiModel's populate_by_name is for responses).
_STRICT_NAMES = ConfigDict(extra="forbid", populate_by_name=False, validate_by_name=False)

READ_ONLY = "Read-only: set by the server; ignored when sent"
# The seed's id was a number (`id:=1`) or text (`id=1`): either is taken, as text.
ReadOnlyText = Annotated[
    str | None, BeforeValidator(lambda v: str(v) if isinstance(v, int | float) else v)
]
VariableName = Annotated[str, Field(min_length=1, max_length=50)]
VariableValue = Annotated[str, Field(max_length=2000)]

# The examples' reservation, customer and times (one story across the bodies).
RESERVATION_ID = "3f2b8c1e-7a4d-4e5b-9c6f-1d2e3f4a5b6c"
TEMPLATE_ID = "8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a"
SENDER_ID = "5e4d3c2b-1a09-4f8e-8d7c-6b5a49382716"
NULL: JsonDict = {"type": "null"}


class MsgReqRecipient(ApiInput):
    """One recipient of a personalised reservation, with the values of its variables."""

    model_config = ConfigDict(**_STRICT_NAMES, coerce_numbers_to_str=True)

    dst_num: PhoneText = Field(min_length=1, max_length=30, description="The recipient's number")
    variables: dict[VariableName, VariableValue] = Field(
        default_factory=dict,
        max_length=100,
        description="Values of the message's #{name} variables for this recipient",
    )


class MsgReqCreate(ApiInput):
    """`POST /msgReqs`: a reserved send to an ordered list of recipients."""

    model_config = ConfigDict(
        **_STRICT_NAMES,
        json_schema_extra={
            "examples": [
                {
                    "msgTitle": "Delivery notice",
                    "msgContent": "Your parcel arrives today between 2 and 4 pm.",
                    "reserveDt": "2027-03-02T09:30:00+09:00",
                    "dstNum": ["010-1234-5678", "010-2345-6789"],
                    "callbackNum": "02-1234-5678",
                },
                {
                    "templateId": TEMPLATE_ID,
                    "recipients": [
                        {"dstNum": "010-1234-5678", "variables": {"name": "Kim"}},
                        {"dstNum": "+82 10 2345 6789", "variables": {"name": "Lee"}},
                    ],
                    "callbackNum": "02-1234-5678",
                    "reserveQt": 2,
                },
            ],
            # dstNum or recipients, not both (`check_recipients`; null is as absent).
            # In an allOf of its own: openapi-python-client reads a model whose schema
            # has a oneOf at its top as a union of the branches alone, and the client's
            # MsgReqCreate would lose every other field (msgTitle, callbackNum...).
            "allOf": [
                {
                    "oneOf": [
                        {"required": ["dstNum"], "properties": {"dstNum": {"not": NULL}}},
                        {"required": ["recipients"], "properties": {"recipients": {"not": NULL}}},
                    ]
                }
            ],
        },
    )

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
    reserve_dt: ApiDatetime | None = Field(
        default=None, description="ISO 8601; without an offset it is Asia/Seoul; absent = now"
    )
    dst_num: list[PhoneText] | PhoneListText | None = Field(
        default=None,
        description="Recipients: a JSON array or a comma-separated string, in sending order "
        "(or give recipients instead)",
    )
    recipients: list[MsgReqRecipient] | None = Field(
        default=None,
        description="Personalised recipients, in sending order, each with its variables "
        "(instead of dstNum: one of the two, not both)",
    )
    callback_num: PhoneText = Field(
        min_length=1, max_length=30, description="The sender number (a verified one)"
    )
    reserve_qt: int | None = Field(
        default=None,
        ge=1,
        le=1_000_000,
        description="The quantity of the reservation, as a check: when given, it must equal "
        "the number of recipients after duplicates are dropped (else a 422 naming it)",
    )
    # The seed's run book sends the reservation as its entity was, `id` and `status` too.
    # They are the server's to set, so they are read-only: accepted and ignored (what
    # OpenAPI's readOnly asks of a server), never stored, never part of the idempotency
    # key's body; refusing them would break the run book for no safety gained.
    id: ReadOnlyText = Field(
        default=None, exclude=True, json_schema_extra={"readOnly": True}, description=READ_ONLY
    )
    status: str | None = Field(
        default=None, exclude=True, json_schema_extra={"readOnly": True}, description=READ_ONLY
    )

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


class MsgReqReschedule(ApiInput):
    """`PATCH /msgReqs/{id}`: a new due time for a reservation not yet sending."""

    model_config = ConfigDict(
        **_STRICT_NAMES,
        json_schema_extra={"examples": [{"reserveDt": "2027-03-02T14:00:00+09:00"}]},
    )

    reserve_dt: ApiDatetime = Field(
        description="ISO 8601; without an offset it is Asia/Seoul. The rules of a new "
        "reservation apply: the lead time, the horizon, the advertising hours"
    )


class MsgReq(ApiModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": RESERVATION_ID,
                    "userId": "acme",
                    "msgTitle": "Delivery notice",
                    "msgContent": "Your parcel arrives today between 2 and 4 pm.",
                    "msgType": "SMS",
                    "purpose": "normal",
                    "templateId": None,
                    "personalised": False,
                    "msgCounts": {"SMS": 2},
                    "callbackNum": "0212345678",
                    "reserveDt": "2027-03-02T00:30:00Z",
                    "status": "scheduled",
                    "statusReason": None,
                    "recipientCount": 2,
                    "duplicatesDropped": 0,
                    "createdAt": "2027-03-01T06:12:45.120Z",
                    "updatedAt": "2027-03-01T06:12:45.480Z",
                }
            ]
        }
    )

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

    model_config = ConfigDict(
        **_STRICT_NAMES,
        json_schema_extra={
            "examples": [
                {
                    "name": "order-shipped",
                    "msgTitle": "Order shipped",
                    "msgContent": "Hello #{name}, your order #{order} is on its way.",
                    "purpose": "normal",
                }
            ]
        },
    )

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
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": TEMPLATE_ID,
                    "userId": "acme",
                    "name": "order-shipped",
                    "msgTitle": "Order shipped",
                    "msgContent": "Hello #{name}, your order #{order} is on its way.",
                    "purpose": "normal",
                    "variables": ["name", "order"],
                    "createdAt": "2027-02-20T01:00:00Z",
                    "updatedAt": "2027-02-20T01:00:00Z",
                }
            ]
        }
    )

    id: UUID
    user_id: str
    name: str
    msg_title: str
    msg_content: str
    purpose: Purpose
    variables: list[str] = Field(description="The content's #{name} variables, in order")
    created_at: datetime
    updated_at: datetime


# --- sender numbers (발신번호 사전등록) -----------------------------------------------------


class SenderCreate(ApiInput):
    """`POST /senders`: register a callback number."""

    model_config = ConfigDict(
        **_STRICT_NAMES,
        json_schema_extra={"examples": [{"number": "010-1234-5678", "verifyBy": "code"}]},
    )

    user_id: ClaimedUserId = None
    number: PhoneText = Field(
        min_length=1,
        max_length=30,
        description="The callback number, e.g. 02-1234-5678, 010-1234-5678 or 1588-1234",
    )
    verify_by: Literal["code", "operator"] = Field(
        default="code",
        description="code: a code is sent to the number, to enter at "
        "POST /senders/{id}/verify; operator: it waits for an operator's approval (a number "
        "that cannot receive texts, with its proof of subscription)",
    )


class SenderVerify(ApiInput):
    """`POST /senders/{id}/verify`: the code the number received."""

    model_config = ConfigDict(**_STRICT_NAMES, json_schema_extra={"examples": [{"code": "482913"}]})

    code: str = Field(pattern=r"^[0-9]{6}$", description="The six digits sent to the number")


class SenderApprove(ApiInput):
    """`POST /senders/{id}/approve` (operators): approve a number without a code."""

    model_config = ConfigDict(
        **_STRICT_NAMES,
        json_schema_extra={
            "examples": [{"note": "Subscription certificate checked (ticket OPS-1234)"}]
        },
    )

    note: str = Field(
        min_length=1, max_length=500, description="What was checked (kept with the sender)"
    )


class Sender(ApiModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": SENDER_ID,
                    "userId": "acme",
                    "number": "01012345678",
                    "status": "pending",
                    "method": None,
                    "note": None,
                    "codeExpiresAt": "2027-02-20T01:10:00Z",
                    "attemptsLeft": 5,
                    "codeDelivery": "delivered",
                    "createdAt": "2027-02-20T01:00:00Z",
                    "verifiedAt": None,
                }
            ]
        }
    )

    id: UUID
    user_id: str
    number: str = Field(description="National digits, as callbackNum is kept")
    status: Literal["pending", "verified"] = Field(
        description="pending: not usable as a callbackNum until verified"
    )
    method: Literal["code", "operator"] | None = Field(
        default=None, description="How it was verified"
    )
    note: str | None = Field(default=None, description="The approving operator's note")
    code_expires_at: datetime | None = Field(
        default=None, description="While a code is outstanding: until when it is good"
    )
    attempts_left: int = Field(description="Wrong codes the outstanding code still allows")
    code_delivery: Literal["sending", "delivered", "failed"] | None = Field(
        default=None, description="Whether the last code reached the number"
    )
    created_at: datetime
    verified_at: datetime | None = None


class AdvertisingRules(ApiModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"hours": "08:00-21:00", "timeZone": "Asia/Seoul"}]}
    )

    hours: str = Field(description="When advertising may be sent, every day: HH:MM-HH:MM")
    time_zone: str = Field(description="The time zone of `hours`")


class ReservationRules(ApiModel):
    """`GET /msgReqs/rules`: the public rules a reservation is held to, for a client to
    show and check before it asks (the server checks them again)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "now": "2027-03-01T06:12:45Z",
                    "timeZone": "Asia/Seoul",
                    "minLeadS": 60,
                    "cancelCutoffS": 60,
                    "horizonDays": 90,
                    "earliest": "2027-03-01T06:13:45Z",
                    "latest": "2027-05-30T06:12:45Z",
                    "maxRecipients": 100000,
                    "titleMaxBytes": 40,
                    "smsMaxBytes": 90,
                    "lmsMaxBytes": 2000,
                    "advertising": {"hours": "08:00-21:00", "timeZone": "Asia/Seoul"},
                }
            ]
        }
    )

    now: datetime = Field(description="The server's time, to count from")
    time_zone: str = Field(description="The zone of a reserveDt given without an offset")
    min_lead_s: int = Field(description="A given reserveDt is at least this far ahead")
    cancel_cutoff_s: int = Field(
        description="No cancel nor reschedule in this last stretch before the due time"
    )
    horizon_days: int = Field(description="A reserveDt is at most this many days ahead")
    earliest: datetime = Field(description="now + minLeadS: the earliest reserveDt accepted")
    latest: datetime = Field(description="now + horizonDays: the latest reserveDt accepted")
    max_recipients: int
    title_max_bytes: int
    sms_max_bytes: int
    lms_max_bytes: int
    advertising: AdvertisingRules
