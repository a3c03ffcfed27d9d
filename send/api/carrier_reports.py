"""`/carrier/reports`: the delivery reports a carrier pushes (internal)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from msgplat.plumbing.errors import Unauthorized
from msgplat.plumbing.runtime import RuntimeDep
from msgplat.send.api.deps import SettingsDep
from msgplat.send.results import apply_reports, reporting_carrier
from msgplat.send.schemas import CarrierReports, ReportsApplied

router = APIRouter(prefix="/carrier", tags=["carrier callback (internal)"])


@router.post(
    "/reports",
    response_model=ReportsApplied,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": CarrierReports.model_json_schema()}},
        }
    },
)
async def carrier_reports(
    request: Request,
    runtime: RuntimeDep,
    settings: SettingsDep,
    authorization: Annotated[str | None, Header()] = None,
) -> ReportsApplied:
    """Delivery reports pushed by a carrier (internal: needs one carrier's callback
    token, which says which carrier reports).

    The body is parsed by pydantic straight from its bytes: the hot path of a send.
    """
    carrier = reporting_carrier(settings, authorization)
    if carrier is None:
        raise Unauthorized("missing or wrong carrier callback token")
    try:
        body = CarrierReports.model_validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from None
    return await apply_reports(runtime.db, body.reports, carrier=carrier)
