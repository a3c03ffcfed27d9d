"""`/carrier/reports/{carrier}`: the delivery reports a carrier pushes, each carrier on its
own path with its own token (`callback_auth.py`); not a customer's API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from msgplat.plumbing.runtime import RuntimeDep
from msgplat.send.api.deps import SettingsDep
from msgplat.send.callback_auth import authenticate, report_source
from msgplat.send.results import apply_reports
from msgplat.send.schemas import CarrierReports, ReportsApplied

router = APIRouter(prefix="/carrier", tags=["carrier callback (internal)"])


@router.post(
    "/reports/{carrier}",
    response_model=ReportsApplied,
    responses={
        401: {"description": "Not this carrier's callback token"},
        403: {"description": "Not from one of this carrier's addresses (`reportSources`)"},
        404: {"description": "No carrier of this name is configured"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": CarrierReports.model_json_schema()}},
        }
    },
)
async def carrier_reports(
    carrier: str,
    request: Request,
    runtime: RuntimeDep,
    settings: SettingsDep,
    authorization: Annotated[str | None, Header()] = None,
) -> ReportsApplied:
    """Delivery reports pushed by the carrier `carrier` (a name of `CARRIERS`) with its
    own callback token. Reports of messages another carrier holds are refused (counted
    in `refused`; the messages stay as they are).

    The body is parsed by pydantic straight from its bytes: the hot path of a send.
    """
    reporter = authenticate(settings, carrier, authorization, report_source(request))
    try:
        body = CarrierReports.model_validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from None
    return await apply_reports(runtime.db, body.reports, carrier=reporter.name)
