"""Template commands: create, replace and delete a customer's reusable title and content,
with #{variables}.

Tenant-scoped like reservations: a customer sees and changes only their own (another
customer's template answers 404); an operator acts for the customer named in userId.
A template's text obeys the rules of a reservation's (bytes, characters, advertising);
each reservation that uses it copies its text, so changing or deleting it later does
not touch reservations already made.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import delete, func, insert, update
from sqlalchemy.exc import IntegrityError

from msgplat.plumbing.caller import Caller
from msgplat.plumbing.db import Database, UnitOfWork, owned_row
from msgplat.plumbing.errors import Conflict, FieldError, RequestInvalid
from msgplat.reservation.models import templates
from msgplat.reservation.queries import template_of
from msgplat.reservation.rules import message_errors
from msgplat.reservation.schemas import Template, TemplateWrite


async def create_template(db: Database, caller: Caller, body: TemplateWrite) -> Template:
    user_id = caller.claim(body.user_id, ("body", "userId"))
    _check(body)
    async with _writing(db, body.name) as uow:
        row = (
            await uow.conn.execute(
                insert(templates)
                .values(id=uuid4(), user_id=user_id, **_written(body))
                .returning(*templates.c)
            )
        ).one()
    return template_of(row)


async def update_template(
    db: Database, caller: Caller, template_id: UUID, body: TemplateWrite
) -> Template:
    """Replace a template's name, title, content and purpose (its customer stays)."""
    if not caller.sees_all:
        caller.claim(body.user_id, ("body", "userId"))  # 403 for another customer's id
    _check(body)
    async with _writing(db, body.name) as uow:
        row = await owned_row(uow.conn, caller, templates, template_id, "template", lock=True)
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
                .values(**_written(body), updated_at=func.now())
                .returning(*templates.c)
            )
        ).one()
    return template_of(row)


async def delete_template(db: Database, caller: Caller, template_id: UUID) -> None:
    async with db.unit_of_work() as uow:
        await owned_row(uow.conn, caller, templates, template_id, "template", lock=True)
        await uow.conn.execute(delete(templates).where(templates.c.id == template_id))
        await uow.commit()


@asynccontextmanager
async def _writing(db: Database, name: str) -> AsyncIterator[UnitOfWork]:
    """A unit of work that writes the template `name`, committed once the block is done;
    the name already one of the customer's templates (the unique index) is a 409."""
    try:
        async with db.unit_of_work() as uow:
            yield uow
            await uow.commit()
    except IntegrityError:
        raise _name_taken(name) from None


def _written(body: TemplateWrite) -> dict[str, Any]:
    """The columns a create or an update writes from the body."""
    return {
        "name": body.name,
        "title": body.msg_title,
        "content": body.msg_content,
        "purpose": body.purpose,
    }


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
