"""Message templates: a customer's reusable title and content, with #{variables}.

Tenant-scoped like reservations: a customer sees and changes only their own (another
customer's template answers 404); an operator acts for the customer named in userId.
A template's text obeys the rules of a reservation's (bytes, characters, advertising);
each reservation that uses it copies its text, so changing or deleting it later does
not touch reservations already made.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from msgplat.plumbing.caller import Caller
from msgplat.plumbing.db import Database, fetch_page
from msgplat.plumbing.errors import Conflict, FieldError, RequestInvalid
from msgplat.reservation.models import templates
from msgplat.reservation.personalise import variables
from msgplat.reservation.schemas import Template, TemplateWrite
from msgplat.reservation.validation import StoredTemplate, message_errors


async def create_template(db: Database, caller: Caller, body: TemplateWrite) -> Template:
    user_id = caller.claim(body.user_id, ("body", "userId"))
    _check(body)
    try:
        async with db.unit_of_work() as uow:
            row = (
                await uow.conn.execute(
                    insert(templates)
                    .values(
                        id=uuid4(),
                        user_id=user_id,
                        name=body.name,
                        title=body.msg_title,
                        content=body.msg_content,
                        purpose=body.purpose,
                    )
                    .returning(*templates.c)
                )
            ).one()
            await uow.commit()
    except IntegrityError:
        raise _name_taken(body.name) from None
    return to_api(row)


async def get_template(db: Database, caller: Caller, template_id: UUID) -> Template:
    async with db.engine.connect() as conn:
        row = (await conn.execute(select(templates).where(templates.c.id == template_id))).first()
    caller.check_owner(row and row.user_id, f"template {template_id}")
    return to_api(row)


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
    return [to_api(row) for row in rows], total


async def update_template(
    db: Database, caller: Caller, template_id: UUID, body: TemplateWrite
) -> Template:
    """Replace a template's name, title, content and purpose (its customer stays)."""
    if not caller.sees_all:
        caller.claim(body.user_id, ("body", "userId"))  # 403 for another customer's id
    _check(body)
    try:
        async with db.unit_of_work() as uow:
            row = (
                await uow.conn.execute(
                    select(templates).where(templates.c.id == template_id).with_for_update()
                )
            ).first()
            caller.check_owner(row and row.user_id, f"template {template_id}")
            if body.user_id is not None and body.user_id != row.user_id:
                raise RequestInvalid(
                    [
                        FieldError(
                            ("body", "userId"),
                            f"the template belongs to {row.user_id}: it cannot change customer",
                            input=body.user_id,
                        )
                    ]
                )
            row = (
                await uow.conn.execute(
                    update(templates)
                    .where(templates.c.id == template_id)
                    .values(
                        name=body.name,
                        title=body.msg_title,
                        content=body.msg_content,
                        purpose=body.purpose,
                        updated_at=func.now(),
                    )
                    .returning(*templates.c)
                )
            ).one()
            await uow.commit()
    except IntegrityError:
        raise _name_taken(body.name) from None
    return to_api(row)


async def delete_template(db: Database, caller: Caller, template_id: UUID) -> None:
    async with db.unit_of_work() as uow:
        owner = await uow.conn.scalar(
            select(templates.c.user_id).where(templates.c.id == template_id).with_for_update()
        )
        caller.check_owner(owner, f"template {template_id}")
        await uow.conn.execute(delete(templates).where(templates.c.id == template_id))
        await uow.commit()


async def load_for_reservation(
    db: Database, template_id: UUID, *, user_id: str
) -> StoredTemplate | None:
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


def _check(body: TemplateWrite) -> None:
    errors, _ = message_errors(
        body.msg_title,
        body.msg_content,
        body.purpose,
        title_loc=("body", "msgTitle"),
        content_loc=("body", "msgContent"),
    )
    if errors:
        raise RequestInvalid(errors)


def _name_taken(name: str) -> Conflict:
    return Conflict(
        f"this customer already has a template named {name!r}: choose another name",
        code="template_name_taken",
        extra={"name": name},
    )


def to_api(row: Any) -> Template:
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
