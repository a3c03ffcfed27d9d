"""The raw limit `bench/intake.py` compares with: FastAPI taking one pydantic body and
committing it as one row through asyncpg, under uvicorn (uvloop, httptools), as the
services run. `DATABASE_URL` names the database (a plain postgresql:// URL).

    python -m uvicorn --app-dir bench one_row_app:app --port <port> --no-access-log
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from fastapi import FastAPI, status
from pydantic import BaseModel, Field

pool: Any = None


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    global pool
    pool = await asyncpg.create_pool(os.environ["DATABASE_URL"], min_size=8, max_size=16)
    await pool.execute(
        "CREATE TABLE IF NOT EXISTS bench_one_row (id bigserial PRIMARY KEY, v text)"
    )
    yield
    await pool.execute("DROP TABLE IF EXISTS bench_one_row")
    await pool.close()


app = FastAPI(lifespan=lifespan)


class Row(BaseModel):
    title: str = Field(max_length=200)
    number: str = Field(max_length=20)


@app.post("/rows", status_code=status.HTTP_201_CREATED)
async def create(row: Row) -> dict[str, Any]:
    new_id = await pool.fetchval(
        "INSERT INTO bench_one_row (v) VALUES ($1) RETURNING id", row.title + row.number
    )
    return {"id": new_id, **row.model_dump()}
