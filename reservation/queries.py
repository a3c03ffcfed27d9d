"""Reads of the reservation API: reservations and templates, each answered only to its
customer (another customer's answers 404) or an operator."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select

from msgplat.plumbing.caller import Caller
from msgplat.plumbing.db import Database, fetch_page
from msgplat.reservation.domain import variables
from msgplat.reservation.models import reservations, templates
from msgplat.reservation.schemas import MsgReq, Template
from msgplat.reservation.validation import StoredTemplate


async def get_reservation(db: Database, caller: Caller, reservation_id: UUID) -> MsgReq:
    async with db.engine.connect() as conn:
        row = (
            await conn.execute(select(reservations).where(reservations.c.id == reservation_id))
        ).first()
    caller.check_owner(row and row.user_id, f"reservation {reservation_id}")
    return msg_req_of(row)


async def list_reservations(
    db: Database, *, user_id: str | None, status: str | None, page: int, size: int
) -> tuple[list[MsgReq], int]:
    conditions = []
    if user_id is not None:
        conditions.append(reservations.c.user_id == user_id)
    if status is not None:
        conditions.append(reservations.c.status == status)
    query = (
        select(reservations)
        .where(*conditions)
        .order_by(reservations.c.created_at.desc(), reservations.c.id)
    )
    async with db.engine.connect() as conn:
        rows, total = await fetch_page(conn, query, page=page, size=size)
    return [msg_req_of(row) for row in rows], total


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
        row = (await conn.execute(select(templates).where(templates.c.id == template_id))).first()
    caller.check_owner(row and row.user_id, f"template {template_id}")
    return template_of(row)


async def list_templates(
    db: Database, *, user_id: str | None, purpose: str | None, page: int, size: int
) -> tuple[list[Template], int]:
    conditions = []
    if user_id is not None:
        conditions.append(templates.c.user_id == user_id)
    if purpose is not None:
        conditions.append(templates.c.purpose == purpose)
    query = (
        select(templates).where(*conditions).order_by(templates.c.created_at.desc(), templates.c.id)
    )
    async with db.engine.connect() as conn:
        rows, total = await fetch_page(conn, query, page=page, size=size)
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
