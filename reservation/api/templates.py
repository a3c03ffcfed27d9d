"""HTTP routes of message templates (`/templates`): parse, call one command or query,
answer."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response, status

from msgplat.contracts.events import Purpose
from msgplat.plumbing.api import Page, PageNumber, PageSize
from msgplat.plumbing.caller import CallerDep, UserIdFilter
from msgplat.plumbing.responses import error_responses
from msgplat.plumbing.runtime import RuntimeDep
from msgplat.reservation import queries
from msgplat.reservation.commands import templates as commands
from msgplat.reservation.schemas import Template, TemplateWrite

NAME_TAKEN = error_responses(409)  # template_name_taken: names are unique per customer

router = APIRouter(prefix="/templates", tags=["templates"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=Template, responses=NAME_TAKEN)
async def create_template(
    body: TemplateWrite, runtime: RuntimeDep, caller: CallerDep, response: Response
) -> Template:
    template = await commands.create_template(runtime.db, caller, body)
    response.headers["Location"] = f"/templates/{template.id}"
    return template


@router.get("", response_model=Page[Template])
async def list_templates(
    runtime: RuntimeDep,
    caller: CallerDep,
    user_id: UserIdFilter = None,
    purpose: Purpose | None = None,
    page: PageNumber = 1,
    size: PageSize = 20,
) -> Page[Template]:
    items, total = await queries.list_templates(
        runtime.db, user_id=caller.scope(user_id), purpose=purpose, page=page, size=size
    )
    return Page[Template](items=items, page=page, size=size, total=total)


@router.get("/{template_id}", response_model=Template)
async def get_template(template_id: UUID, runtime: RuntimeDep, caller: CallerDep) -> Template:
    return await queries.get_template(runtime.db, caller, template_id)


@router.put("/{template_id}", response_model=Template, responses=NAME_TAKEN)
async def update_template(
    template_id: UUID, body: TemplateWrite, runtime: RuntimeDep, caller: CallerDep
) -> Template:
    return await commands.update_template(runtime.db, caller, template_id, body)


@router.delete("/{template_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_template(template_id: UUID, runtime: RuntimeDep, caller: CallerDep) -> Response:
    await commands.delete_template(runtime.db, caller, template_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
