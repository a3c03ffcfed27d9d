"""The thinnest gateway: FastAPI passing a POST's body on to `UPSTREAM_URL` with one
pooled aiohttp session and answering what came back: no authentication, no rate limit,
no middleware. `bench/intake.py` puts it in front of `one_row_app` to measure the most
any design with a gateway hop (the platform's has one) could take on the machine.

    UPSTREAM_URL=http://127.0.0.1:<port> python -m uvicorn --app-dir bench one_hop_proxy:app
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
from fastapi import FastAPI, Request, Response

session: aiohttp.ClientSession


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    global session
    session = aiohttp.ClientSession(
        os.environ["UPSTREAM_URL"], connector=aiohttp.TCPConnector(limit=64)
    )
    yield
    await session.close()


app = FastAPI(lifespan=lifespan)


@app.post("/{path:path}")
async def forward(path: str, request: Request) -> Response:
    async with session.post(
        "/" + path,
        data=await request.body(),
        headers={"content-type": request.headers.get("content-type", "application/json")},
    ) as upstream:
        return Response(
            await upstream.read(),
            status_code=upstream.status,
            media_type=upstream.headers.get("content-type"),
        )
