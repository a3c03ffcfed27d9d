"""The rules a new reservation shares with others: a message's title and content (a
template's too), and a reserved time (a rescheduled reservation's too). Each returns the
errors it found, for the caller to answer all bad fields at once. No I/O."""

from __future__ import annotations

from datetime import datetime, timedelta

from msgplat.contracts.events import Purpose
from msgplat.contracts.messages import TITLE_MAX_BYTES, ContentInvalid, carrier_bytes, message_type
from msgplat.plumbing.errors import FieldError
from msgplat.reservation import domain
from msgplat.reservation.domain import malformed, variables
from msgplat.reservation.recipients import Loc
from msgplat.reservation.settings import ReservationSettings


def message_errors(
    title: str, content: str, purpose: Purpose, *, title_loc: Loc, content_loc: Loc
) -> tuple[list[FieldError], list[str]]:
    """The errors of a title and content (a reservation's or a template's), and the
    content's variables. Content with variables is checked per recipient later."""
    errors: list[FieldError] = []
    title_variables = [f"#{{{name}}}" for name in variables(title)] + malformed(title)
    if title_variables:
        errors.append(
            FieldError(
                title_loc,
                f"cannot hold variables ({', '.join(title_variables)}): the title is the same "
                "for every recipient; put them in msgContent",
                type="title_variables",
                input=title,
            )
        )
    try:
        if carrier_bytes(title) > TITLE_MAX_BYTES:
            errors.append(
                FieldError(
                    title_loc,
                    f"is over {TITLE_MAX_BYTES} bytes in EUC-KR",
                    type="title_too_long",
                    input=title,
                    ctx={"maxBytes": TITLE_MAX_BYTES},
                )
            )
    except ContentInvalid as exc:
        errors.append(FieldError(title_loc, str(exc), input=title))
    names = variables(content)
    if bad := malformed(content):
        errors.append(
            FieldError(
                content_loc,
                f"{', '.join(bad)} is not a variable: a #{{name}} holds letters, digits, _ "
                "and Hangul only",
            )
        )
    try:
        if names:
            carrier_bytes(content)  # sendable characters; sizes are per recipient
        else:
            message_type(content)
    except ContentInvalid as exc:
        errors.append(FieldError(content_loc, str(exc)))
    if purpose == "advertising" and (problems := domain.content_problems(content)):
        errors.append(
            FieldError(
                content_loc,
                "; ".join(problems),
                type="advertising_content",
                ctx={
                    "marker": domain.MARKER,
                    "missingMarker": not domain.has_marker(content),
                    "missingOptOut": not domain.has_opt_out_number(content),
                },
            )
        )
    return errors, names


def reserve_time_errors(
    settings: ReservationSettings,
    requested: datetime | None,
    purpose: str,
    *,
    now: datetime,
    sent_now: bool,
) -> tuple[datetime | None, list[FieldError]]:
    """The due time of `requested` (None: now), or the errors of `reserveDt`: the lead
    time, the horizon, and for advertising its hours. A new reservation's rules, and a
    rescheduled one's."""
    lead = timedelta(seconds=settings.reserve_min_lead_s)
    shown = None if requested is None else str(requested)
    try:
        reserve_dt = domain.resolve_reserve_dt(
            requested,
            now=now,
            zone=settings.default_timezone,
            past_tolerance=timedelta(seconds=settings.reserve_past_tolerance_s),
            horizon=timedelta(days=settings.reserve_horizon_days),
            min_lead=lead,
        )
    except domain.ReserveTimeInvalid as exc:
        error = FieldError(
            ("body", "reserveDt"),
            str(exc),
            type=exc.code,
            input=shown,
            ctx={**exc.bounds, "leadS": settings.reserve_min_lead_s},
        )
        return None, [error]
    if purpose == "advertising":
        hours = settings.advertising_hours
        problem = domain.hours_problem(
            reserve_dt,
            sent_now=sent_now,
            earliest=now + lead,
            hours=hours,
            label=f"{settings.ad_sending_hours} {settings.ad_sending_timezone}",
        )
        if problem:
            error = FieldError(
                ("body", "reserveDt"),
                problem,
                type="advertising_hours",
                input=shown,
                ctx={
                    "hours": settings.ad_sending_hours,
                    "timeZone": settings.ad_sending_timezone,
                    "earliest": hours.next_open(max(reserve_dt, now + lead)),
                },
            )
            return None, [error]
    return reserve_dt, []
