"""Customers and their API keys in the gateway's tables; also a command line:

    python -m msgplat.gateway.accounts create-customer --user-id acme [--password ...]
    python -m msgplat.gateway.accounts create-customer --user-id ops --role operator

prints the new customer's API key (shown once: only its hash is stored).
"""

from __future__ import annotations

import argparse
import asyncio
import os
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from msgplat.gateway.credentials import (
    Identity,
    Role,
    hash_password,
    key_hash,
    key_prefix,
    password_matches,
)
from msgplat.gateway.models import api_keys, customers
from msgplat.plumbing.api_keys import new_api_key
from msgplat.plumbing.db import create_engine
from msgplat.plumbing.errors import Conflict, NotFound


@dataclass(frozen=True)
class ApiKeyInfo:
    id: UUID
    name: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


def _identity(row: object) -> Identity:
    return Identity(
        user_id=row.user_id,  # type: ignore[attr-defined]
        role=row.role,  # type: ignore[attr-defined]
        requests_per_second=row.requests_per_second,  # type: ignore[attr-defined]
        recipients_per_day=row.recipients_per_day,  # type: ignore[attr-defined]
    )


async def create_customer(
    engine: AsyncEngine,
    *,
    user_id: str,
    role: Role = "customer",
    password: str | None = None,
    requests_per_second: int | None = None,
    recipients_per_day: int | None = None,
) -> str:
    """A new customer with a first API key, which is returned (and never stored)."""
    key = new_api_key()
    async with engine.begin() as conn:
        try:
            await conn.execute(
                insert(customers).values(
                    user_id=user_id,
                    role=role,
                    password_hash=hash_password(password) if password else None,
                    requests_per_second=requests_per_second,
                    recipients_per_day=recipients_per_day,
                )
            )
        except IntegrityError:
            raise Conflict(f"customer {user_id!r} exists already", code="customer_exists") from None
        await _insert_key(conn, user_id, key, name="first key")
    return key


async def ensure_account(
    engine: AsyncEngine, *, user_id: str, role: Role, api_key: str, password: str | None = None
) -> None:
    """Bootstrap (the demo customer, the first operator): the account exists and accepts
    `api_key` (and `password`, if given). Safe to run at every start of every replica."""
    async with engine.begin() as conn:
        values: dict[str, object] = {"user_id": user_id, "role": role}
        statement = pg_insert(customers).values(**values)
        if password:
            statement = pg_insert(customers).values(**values, password_hash=hash_password(password))
            statement = statement.on_conflict_do_update(
                index_elements=[customers.c.user_id],
                set_={"password_hash": statement.excluded.password_hash},
                where=customers.c.password_hash.is_(None),
            )
        else:
            statement = statement.on_conflict_do_nothing()
        await conn.execute(statement)
        await conn.execute(
            pg_insert(api_keys)
            .values(
                id=uuid4(),
                user_id=user_id,
                name="bootstrap key",
                prefix=key_prefix(api_key),
                key_hash=key_hash(api_key),
            )
            .on_conflict_do_nothing(index_elements=[api_keys.c.key_hash])
        )


async def identity_for_key(engine: AsyncEngine, key: str) -> Identity | None:
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                select(customers)
                .join(api_keys, api_keys.c.user_id == customers.c.user_id)
                .where(api_keys.c.key_hash == key_hash(key), api_keys.c.revoked_at.is_(None))
            )
        ).first()
    return None if row is None else _identity(row)


async def identity_for_login(engine: AsyncEngine, user_id: str, password: str) -> Identity | None:
    async with engine.connect() as conn:
        row = (await conn.execute(select(customers).where(customers.c.user_id == user_id))).first()
    # Verify even for an unknown user, so that the answer's timing tells nothing.
    matches = password_matches(row.password_hash if row else _UNKNOWN_USER_HASH, password)
    return _identity(row) if row is not None and matches else None


async def identity_for_user(engine: AsyncEngine, user_id: str) -> Identity | None:
    async with engine.connect() as conn:
        row = (await conn.execute(select(customers).where(customers.c.user_id == user_id))).first()
    return None if row is None else _identity(row)


async def create_key(engine: AsyncEngine, user_id: str, name: str) -> tuple[ApiKeyInfo, str]:
    key = new_api_key()
    async with engine.begin() as conn:
        info = await _insert_key(conn, user_id, key, name=name)
    return info, key


async def list_keys(engine: AsyncEngine, user_id: str) -> list[ApiKeyInfo]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(api_keys).where(api_keys.c.user_id == user_id).order_by(api_keys.c.created_at)
        )
        return [_key_info(row) for row in rows]


async def revoke_key(engine: AsyncEngine, user_id: str, key_id: UUID) -> ApiKeyInfo:
    async with engine.begin() as conn:
        row = (
            await conn.execute(
                update(api_keys)
                .where(api_keys.c.id == key_id, api_keys.c.user_id == user_id)
                .values(revoked_at=func.coalesce(api_keys.c.revoked_at, func.now()))
                .returning(api_keys)
            )
        ).first()
    if row is None:
        raise NotFound(f"API key {key_id}")
    return _key_info(row)


async def _insert_key(conn: object, user_id: str, key: str, *, name: str) -> ApiKeyInfo:
    row = (
        await conn.execute(  # type: ignore[attr-defined]
            insert(api_keys)
            .values(
                id=uuid4(),
                user_id=user_id,
                name=name,
                prefix=key_prefix(key),
                key_hash=key_hash(key),
            )
            .returning(api_keys)
        )
    ).one()
    return _key_info(row)


def _key_info(row: object) -> ApiKeyInfo:
    return ApiKeyInfo(
        id=row.id,  # type: ignore[attr-defined]
        name=row.name,  # type: ignore[attr-defined]
        prefix=row.prefix,  # type: ignore[attr-defined]
        created_at=row.created_at,  # type: ignore[attr-defined]
        revoked_at=row.revoked_at,  # type: ignore[attr-defined]
    )


_UNKNOWN_USER_HASH = hash_password("not a real password: equalises the login's timing")


def main() -> None:
    parser = argparse.ArgumentParser(description="Manage the gateway's customers")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-customer", help="create a customer; prints its API key")
    create.add_argument("--user-id", required=True)
    create.add_argument("--role", choices=["customer", "operator"], default="customer")
    create.add_argument("--password", default=None, help="for the dashboard login")
    create.add_argument("--requests-per-second", type=int, default=None)
    create.add_argument("--recipients-per-day", type=int, default=None)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("DATABASE_URL is not set: export the gateway's PostgreSQL URL")

    async def run() -> str:
        engine = create_engine(url, application_name="gateway-accounts")
        try:
            return await create_customer(
                engine,
                user_id=args.user_id,
                role=args.role,
                password=args.password,
                requests_per_second=args.requests_per_second,
                recipients_per_day=args.recipients_per_day,
            )
        finally:
            await engine.dispose()

    try:
        key = asyncio.run(run())
    except Conflict as exc:
        raise SystemExit(exc.msg) from None
    print(f"customer {args.user_id} ({args.role}) created; API key (shown once): {key}")


if __name__ == "__main__":
    main()
