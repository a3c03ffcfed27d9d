"""`/openapi.json` and `/docs`: one document for the whole public API (the gateway's
own routes and every service's public ones, see `openapi.py`) and its Swagger UI;
`/asyncapi.yaml`: the events' contract (generated from the catalogue, as
docs/asyncapi.yaml is: `devstack/asyncapi.py`).

Swagger UI's files come with the dashboard (`frontend/dist/swagger-ui`, copied from the
swagger-ui-dist package by its build), never from a CDN: the page works offline.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response

from msgplat.gateway.api.deps import OpenApiMergerDep, ProxyDep

router = APIRouter(include_in_schema=False)

SWAGGER_UI = "/swagger-ui"


@router.get("/openapi.json")
async def openapi(merger: OpenApiMergerDep, proxy: ProxyDep) -> dict[str, Any]:
    return await merger.document(proxy)


@router.get("/docs")
async def docs() -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="Message platform API",
        swagger_js_url=f"{SWAGGER_UI}/swagger-ui-bundle.js",
        swagger_css_url=f"{SWAGGER_UI}/swagger-ui.css",
        swagger_favicon_url=f"{SWAGGER_UI}/favicon-32x32.png",
    )


@cache
def _asyncapi() -> str:
    # Imported when first asked: it reads every service's subscriptions.
    from msgplat.devstack import asyncapi

    return asyncapi.render()


@router.get("/asyncapi.yaml")
async def asyncapi_document() -> Response:
    return Response(_asyncapi(), media_type="application/yaml")
