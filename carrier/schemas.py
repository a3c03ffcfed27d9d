"""The carrier API's bodies (camelCase on the wire) and its result codes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_MESSAGES_PER_REQUEST = 1000

# Result codes. 1xxx: rejected at submit (no report follows). 0000 and 3xxx: the outcome
# a delivery report carries.
DELIVERED = "0000"
INVALID_NUMBER = "1001"
BLOCKED = "1002"
ROUTE_UNAVAILABLE = "1003"  # this carrier cannot reach the number now: another one may
UNREACHABLE = "3001"
DELIVERY_FAILED = "3002"

REASONS: dict[str, str] = {
    DELIVERED: "delivered",
    INVALID_NUMBER: "invalid number",
    BLOCKED: "blocked",
    ROUTE_UNAVAILABLE: "route unavailable",
    UNREACHABLE: "unreachable handset",
    DELIVERY_FAILED: "delivery failed",
}


def reason_of(code: str) -> str:
    """The reason sent with a code; a code set by a knob and not listed: by its class."""
    known = REASONS.get(code)
    if known is not None:
        return known
    return "rejected" if code.startswith("1") else "delivery failed"


class _Wire(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")


class OutgoingMessage(_Wire):
    ref: str = Field(
        min_length=1, max_length=100, description="The client's reference, unique per message"
    )
    to: str = Field(min_length=1, max_length=32, description="Recipient, E.164 (+8 to 15 digits)")
    from_: str = Field(alias="from", min_length=1, max_length=32, description="Sender number")
    type: Literal["SMS", "LMS"]
    subject: str | None = Field(default=None, max_length=200)
    text: str = Field(max_length=4000)


class SubmitRequest(_Wire):
    report_url: str = Field(
        alias="reportUrl",
        min_length=8,
        max_length=2000,
        pattern=r"^https?://[^\s/]+(/\S*)?$",
        description="Where the delivery reports of these messages are POSTed",
    )
    messages: list[OutgoingMessage] = Field(
        min_length=1, description=f"1 to {MAX_MESSAGES_PER_REQUEST} messages (more: 413)"
    )


class Accepted(_Wire):
    ref: str
    accepted: Literal[True] = True
    message_id: str = Field(alias="messageId")
    duplicate: bool = Field(description="This ref was received before: not sent again")


class Rejected(_Wire):
    ref: str
    accepted: Literal[False] = False
    code: str
    reason: str


class SubmitResponse(_Wire):
    results: list[Accepted | Rejected] = Field(description="One per message, in request order")


class Report(_Wire):
    """One delivery report, as POSTed to a message's `reportUrl` (`{"reports": [...]}`)."""

    message_id: str = Field(alias="messageId")
    ref: str
    status: Literal["DELIVERED", "FAILED"]
    code: str
    reason: str
    done_at: str = Field(alias="doneAt", description="ISO 8601, UTC")


class ReceivedItem(_Wire):
    ref: str
    to: str
    from_: str = Field(alias="from")
    type: str
    subject: str | None
    text: str
    message_id: str | None = Field(alias="messageId", description="None when rejected")
    order: int = Field(description="Global arrival index, from 0")
    submit_count: int = Field(alias="submitCount", description="Times this ref was submitted")
    status: Literal["DELIVERED", "FAILED", "REJECTED"] = Field(
        description="The outcome the carrier decided (a report carries it when due)"
    )
    code: str


class ReceivedPage(_Wire):
    total: int
    items: list[ReceivedItem]


class Stats(_Wire):
    requests: int = Field(description="Submit requests processed (not refused)")
    received: int = Field(description="Messages received, duplicates and rejected included")
    unique: int = Field(description="Distinct refs")
    accepted: int = Field(description="Distinct refs accepted")
    duplicates: int = Field(
        description="Submits of a ref already accepted (sent again when not deduplicating)"
    )
    duplicate_refs: list[str] = Field(
        alias="duplicateRefs",
        description="The refs of those submits, in arrival order (the first 1,000)",
    )
    rejected: int = Field(description="Messages rejected at submit (1xxx)")
    throttled: int = Field(description="Submit requests answered 429")
    unavailable: int = Field(description="Submit requests refused by a simulated outage")
    reports_scheduled: int = Field(alias="reportsScheduled", description="Duplicates included")
    reports_sent: int = Field(alias="reportsSent", description="Acknowledged by a 2xx")
    reports_pending: int = Field(alias="reportsPending", description="Not due, queued, or retrying")
    reports_failed: int = Field(alias="reportsFailed", description="Dropped: 4xx or retries over")
    report_posts: int = Field(alias="reportPosts", description="Report POSTs answered 2xx")
    report_retries: int = Field(alias="reportRetries", description="Report POSTs to retry")
