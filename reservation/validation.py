"""Every rule of a new reservation (and of a template's text), checked at once so that
the caller sees all bad fields in one answer: the callback here (a verified sender number
of the customer's); the message and the reserved time in `rules`; the recipients and
their personalised texts in `recipients`. No I/O: the command loads the template and the
customer's verified sender numbers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from msgplat.contracts.events import Purpose
from msgplat.contracts.messages import (
    MsgType,
    message_type,
)
from msgplat.plumbing.errors import FieldError, RequestInvalid
from msgplat.plumbing.phones import NumberInvalid, normalise_callback
from msgplat.reservation.recipients import Loc, RecipientList, check_recipients, render_each
from msgplat.reservation.rules import message_errors, reserve_time_errors
from msgplat.reservation.schemas import MsgReqCreate
from msgplat.reservation.settings import ReservationSettings


@dataclass(frozen=True)
class StoredTemplate:
    id: UUID
    title: str
    content: str
    purpose: Purpose


@dataclass(frozen=True)
class Validated:
    """A create command that passed every rule, in normalised form."""

    title: str
    content: str
    purpose: Purpose
    template_id: UUID | None
    msg_type: MsgType  # personalised: the largest of the recipients' types
    msg_counts: dict[MsgType, int]
    reserve_dt: datetime
    callback: str
    recipients: RecipientList
    # Personalised only: each recipient's rendered content and type, parallel to numbers
    texts: list[str] | None = None
    msg_types: list[MsgType] | None = None

    @property
    def personalised(self) -> bool:
        return self.texts is not None


SENDER_NOT_VERIFIED = (
    "is not a verified sender number of this customer: register it at POST /senders, then "
    "enter the code sent to it at POST /senders/{id}/verify (or have an operator approve "
    "it); a callback number must be registered before use (발신번호 사전등록)"
)


def validate(
    settings: ReservationSettings,
    cmd: MsgReqCreate,
    *,
    now: datetime,
    senders: Collection[str],
    template: StoredTemplate | None = None,
) -> Validated:
    """RequestInvalid listing every broken rule; `senders` are the customer's verified
    sender numbers (national digits), `template` is cmd.template_id's, loaded for the
    customer (None: there is no such template of theirs)."""
    errors: list[FieldError] = []
    title, content, purpose, title_loc, content_loc = _message_source(cmd, template, errors)
    names: list[str] = []
    if title is not None and content is not None:
        found, names = message_errors(
            title, content, purpose, title_loc=title_loc, content_loc=content_loc
        )
        errors += found

    reserve_dt = _reserve_dt(settings, cmd, purpose, now=now, errors=errors)
    callback = None
    try:
        callback = normalise_callback(cmd.callback_num, settings.phone_default_region)
    except NumberInvalid as exc:
        errors.append(
            FieldError(
                ("body", "callbackNum"), str(exc), type="callback_number", input=cmd.callback_num
            )
        )
    if callback is not None and callback not in senders:
        errors.append(
            FieldError(
                ("body", "callbackNum"),
                SENDER_NOT_VERIFIED,
                type="sender_not_verified",
                input=cmd.callback_num,
            )
        )

    total = len(errors)
    recipient_list, extra = check_recipients(settings, cmd, errors)
    total += extra
    if recipient_list is not None and not extra and (qt := quantity_error(cmd, recipient_list)):
        errors.append(qt)
        total += 1
    texts: list[str] | None = None
    msg_types: list[MsgType] | None = None
    if recipient_list is not None and names and content is not None:
        if cmd.recipients is None:
            errors.append(
                FieldError(
                    ("body", "dstNum"),
                    f"the message uses variables ({', '.join(names)}): give recipients, each "
                    "with its variables, instead of dstNum",
                )
            )
            total += 1
        else:
            texts, msg_types, render_errors, count = render_each(cmd, content, recipient_list)
            errors += render_errors
            total += count
    if errors:
        raise RequestInvalid(errors, total=total)
    assert recipient_list and reserve_dt and callback and title and content
    if msg_types is not None:
        counts = Counter(msg_types)
    else:
        counts = Counter({message_type(content): len(recipient_list.numbers)})
    msg_counts: dict[MsgType, int] = {"SMS": counts["SMS"], "LMS": counts["LMS"]}
    return Validated(
        title=title,
        content=content,
        purpose=purpose,
        template_id=template.id if template else None,
        msg_type="LMS" if msg_counts["LMS"] else "SMS",
        msg_counts=msg_counts,
        reserve_dt=reserve_dt,
        callback=callback,
        recipients=recipient_list,
        texts=texts,
        msg_types=msg_types,
    )


def quantity_error(cmd: MsgReqCreate, recipients: RecipientList) -> FieldError | None:
    """`reserveQt`, the seed's quantity of a reservation, is a check: when given, it must
    be the number of recipients that will be sent to (each duplicate dropped)."""
    count = len(recipients.numbers)
    if cmd.reserve_qt is None or cmd.reserve_qt == count:
        return None
    dropped = recipients.duplicates_dropped
    return FieldError(
        ("body", "reserveQt"),
        f"must equal the number of recipients, {count}"
        + (f" ({dropped} duplicate numbers dropped)" if dropped else ""),
        type="reserve_qt_mismatch",
        input=cmd.reserve_qt,
        ctx={"recipientCount": count, "duplicatesDropped": dropped},
    )


def _message_source(
    cmd: MsgReqCreate, template: StoredTemplate | None, errors: list[FieldError]
) -> tuple[str | None, str | None, Purpose, Loc, Loc]:
    """(title, content, purpose, where the title's and the content's errors go): the
    body's, or the template's when templateId is given."""
    if cmd.template_id is None:
        purpose = cmd.purpose or "normal"
        return cmd.msg_title, cmd.msg_content, purpose, ("body", "msgTitle"), ("body", "msgContent")
    for name, given in (("msgTitle", cmd.msg_title), ("msgContent", cmd.msg_content)):
        if given is not None:
            errors.append(
                FieldError(
                    ("body", name),
                    f"give either templateId or {name}, not both (the template's is used)",
                )
            )
    if template is None:
        errors.append(
            FieldError(
                ("body", "templateId"),
                "no such template for this customer (see GET /templates)",
                input=str(cmd.template_id),
            )
        )
        return None, None, cmd.purpose or "normal", ("body", "templateId"), ("body", "templateId")
    if cmd.purpose is not None and cmd.purpose != template.purpose:
        errors.append(
            FieldError(
                ("body", "purpose"),
                f"the template is for {template.purpose} messages: leave purpose out or give "
                f"{template.purpose}",
                input=cmd.purpose,
            )
        )
    loc: Loc = ("body", "templateId")
    return template.title, template.content, template.purpose, loc, loc


def _reserve_dt(
    settings: ReservationSettings,
    cmd: MsgReqCreate,
    purpose: Purpose,
    *,
    now: datetime,
    errors: list[FieldError],
) -> datetime | None:
    reserve_dt, found = reserve_time_errors(
        settings, cmd.reserve_dt, purpose, now=now, sent_now=cmd.reserve_dt is None
    )
    errors += found
    return reserve_dt
