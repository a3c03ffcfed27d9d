"""The `Idempotency-Key` header: a retried POST answers its first result.

A service keeps a table keyed by (user id, key) with the hash of the request body and
the response it gave, written in the transaction that did the work. A replay with the
same body gets the stored response; the same key with another body is refused (422).
Two concurrent requests with one key race on the primary key: the loser's
transaction fails and it answers the winner's response.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from pydantic import BaseModel
from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from msgplat.plumbing.db import Database
from msgplat.plumbing.errors import FieldError, RequestInvalid


def request_hash(body: BaseModel) -> str:
    return hashlib.sha256(orjson.dumps(body.model_dump(mode="json"))).hexdigest()


async def stored_response(
    db: Database, table: Table, *, user_id: str, key: str, body_hash: str
) -> dict[str, Any] | None:
    """The response first given for this key, or None; RequestInvalid for another body."""
    async with db.engine.connect() as conn:
        row = (
            await conn.execute(
                select(table.c.request_hash, table.c.response).where(
                    table.c.user_id == user_id, table.c.key == key
                )
            )
        ).first()
    if row is None:
        return None
    if row.request_hash != body_hash:
        raise RequestInvalid(
            [
                FieldError(
                    ("header", "Idempotency-Key"),
                    "was already used with a different request body; use a new key",
                    input=key,
                )
            ]
        )
    response: dict[str, Any] = row.response
    return response


async def remember(
    conn: AsyncConnection,
    table: Table,
    *,
    user_id: str,
    key: str,
    body_hash: str,
    response: BaseModel,
    **extra: Any,
) -> None:
    """Store the response in the caller's transaction (a concurrent twin fails here)."""
    await conn.execute(
        insert(table).values(
            user_id=user_id,
            key=key,
            request_hash=body_hash,
            response=response.model_dump(mode="json", by_alias=True),
            **extra,
        )
    )
