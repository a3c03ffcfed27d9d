"""Reads of the reservation API: reservations, templates and sender numbers, each
answered only to its customer (another customer's answers 404) or an operator."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from fastapi.responses import StreamingResponse
from sqlalchemy import Select, String, Table, bindparam, cast, select

from msgplat.contracts.messages import LMS_MAX_BYTES, SMS_MAX_BYTES, TITLE_MAX_BYTES
from msgplat.plumbing.caller import Caller
from msgplat.plumbing.db import Database, fetch_page, owned_row
from msgplat.plumbing.export import copy_response, inert, seoul_time
from msgplat.plumbing.listing import ReservationListFilter
from msgplat.reservation.domain import SenderStatus, variables
from msgplat.reservation.models import reservations, senders, templates
from msgplat.reservation.schemas import (
    AdvertisingRules,
    MsgReq,
    ReservationRules,
    Sender,
    Template,
)
from msgplat.reservation.settings import ReservationSettings
from msgplat.reservation.validation import StoredTemplate


async def _page(
    db: Database, table: Table, order: Sequence[Any], *, page: int, size: int, **equal: Any
) -> tuple[list[Any], int]:
    """A page of `table`'s rows in `order`, those whose columns equal the values given in
    `equal` (a None: any value), and how many there are in all."""
    conditions = [table.c[name] == value for name, value in equal.items() if value is not None]
    async with db.engine.connect() as conn:
        return await fetch_page(
            conn, select(table).where(*conditions).order_by(*order), page=page, size=size
        )


async def get_reservation(db: Database, caller: Caller, reservation_id: UUID) -> MsgReq:
    async with db.engine.connect() as conn:
        row = await owned_row(conn, caller, reservations, reservation_id, "reservation")
    return msg_req_of(row)


@dataclass(frozen=True)
class ReservationFilter(ReservationListFilter):
    """The filters of `GET /msgReqs`, and whose reservations (None: anyone's)."""

    user_id: str | None = None


def _filtered(f: ReservationFilter, query: Select[Any] | None = None) -> Select[Any]:
    """`query` (the reservations' rows by default) narrowed and ordered as `f` says."""
    r = reservations.c
    conditions = [] if f.user_id is None else [r.user_id == f.user_id]
    conditions += f.conditions(r)
    order = f.order(r, newest=r.created_at, key=r.id)
    base = select(reservations) if query is None else query
    return base.where(*conditions).order_by(*order)


async def list_reservations(
    db: Database, f: ReservationFilter, *, page: int, size: int
) -> tuple[list[MsgReq], int]:
    async with db.engine.connect() as conn:
        rows, total = await fetch_page(conn, _filtered(f), page=page, size=size)
    return [msg_req_of(row) for row in rows], total


def reservations_csv(db: Database, f: ReservationFilter) -> StreamingResponse:
    """The reservations filtered, as CSV written by PostgreSQL (times in Seoul)."""
    r = reservations.c
    columns = select(
        cast(r.id, String).label("id"),
        inert(r.title).label("title"),
        r.purpose.label("purpose"),
        r.status.label("status"),
        inert(r.status_reason).label("statusReason"),
        r.msg_type.label("msgType"),
        r.recipient_count.label("recipients"),
        r.duplicates_dropped.label("duplicatesDropped"),
        r.callback_num.label("callbackNum"),
        seoul_time(r.reserve_dt).label("reserveDt (KST)"),
        seoul_time(r.created_at).label("createdAt (KST)"),
        inert(r.content).label("content"),
    )
    query = _filtered(f, columns.select_from(reservations))
    return copy_response(db.engine, query, filename="reservations.csv")


def rules(settings: ReservationSettings, *, now: datetime) -> ReservationRules:
    return ReservationRules(
        now=now,
        time_zone=settings.default_timezone,
        min_lead_s=settings.reserve_min_lead_s,
        cancel_cutoff_s=settings.cancel_cutoff_s,
        horizon_days=settings.reserve_horizon_days,
        earliest=now + timedelta(seconds=settings.reserve_min_lead_s),
        latest=now + timedelta(days=settings.reserve_horizon_days),
        max_recipients=settings.max_recipients,
        title_max_bytes=TITLE_MAX_BYTES,
        sms_max_bytes=SMS_MAX_BYTES,
        lms_max_bytes=LMS_MAX_BYTES,
        advertising=AdvertisingRules(
            hours=settings.ad_sending_hours, time_zone=settings.ad_sending_timezone
        ),
    )


def msg_req_of(row: Any) -> MsgReq:
    counts = row.msg_counts or {row.msg_type: row.recipient_count}
    return MsgReq(
        id=row.id,
        user_id=row.user_id,
        msg_title=row.title,
        msg_content=row.content,
        msg_type=row.msg_type,
        purpose=row.purpose,
        template_id=row.template_id,
        personalised=row.personalised,
        msg_counts={"SMS": 0, "LMS": 0} | counts,
        callback_num=row.callback_num,
        reserve_dt=row.reserve_dt,
        status=row.status,
        status_reason=row.status_reason,
        recipient_count=row.recipient_count,
        duplicates_dropped=row.duplicates_dropped,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


async def get_template(db: Database, caller: Caller, template_id: UUID) -> Template:
    async with db.engine.connect() as conn:
        row = await owned_row(conn, caller, templates, template_id, "template")
    return template_of(row)


async def list_templates(
    db: Database, *, user_id: str | None, purpose: str | None, page: int, size: int
) -> tuple[list[Template], int]:
    t = templates.c
    order = (t.created_at.desc(), t.id)
    rows, total = await _page(
        db, templates, order, page=page, size=size, user_id=user_id, purpose=purpose
    )
    return [template_of(row) for row in rows], total


async def load_template(db: Database, template_id: UUID, *, user_id: str) -> StoredTemplate | None:
    """The customer's template for a new reservation; None when they have no such one."""
    async with db.engine.connect() as conn:
        row = (
            await conn.execute(
                select(templates).where(
                    templates.c.id == template_id, templates.c.user_id == user_id
                )
            )
        ).first()
    if row is None:
        return None
    return StoredTemplate(id=row.id, title=row.title, content=row.content, purpose=row.purpose)


def template_of(row: Any) -> Template:
    return Template(
        id=row.id,
        user_id=row.user_id,
        name=row.name,
        msg_title=row.title,
        msg_content=row.content,
        purpose=row.purpose,
        variables=variables(row.content),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


async def verified_numbers(db: Database, user_id: str) -> frozenset[str]:
    """The customer's verified sender numbers (national digits): the callbackNums a new
    reservation of theirs may name."""
    async with db.reading() as conn:
        numbers = await conn.scalars(VERIFIED_NUMBERS, {"b_user": user_id})
        return frozenset(numbers.all())


# Built once: every reservation asks (see reactions.LOCK).
VERIFIED_NUMBERS = select(senders.c.number).where(
    senders.c.user_id == bindparam("b_user"), senders.c.status == SenderStatus.VERIFIED
)


async def get_sender(db: Database, caller: Caller, sender_id: UUID) -> Sender:
    async with db.engine.connect() as conn:
        row = await owned_row(conn, caller, senders, sender_id, "sender")
    return sender_of(row)


async def list_senders(
    db: Database, *, user_id: str | None, status: str | None, page: int, size: int
) -> tuple[list[Sender], int]:
    order = (senders.c.created_at, senders.c.id)
    rows, total = await _page(
        db, senders, order, page=page, size=size, user_id=user_id, status=status
    )
    return [sender_of(row) for row in rows], total


def sender_of(row: Any) -> Sender:
    outstanding = row.code_hash is not None
    return Sender(
        id=row.id,
        user_id=row.user_id,
        number=row.number,
        status=row.status,
        method=row.method,
        note=row.note,
        code_expires_at=row.code_expires_at if outstanding else None,
        attempts_left=row.code_attempts_left if outstanding else 0,
        code_delivery=row.code_delivery,
        created_at=row.created_at,
        verified_at=row.verified_at,
    )
