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

from msgplat.gateway.credentials import Identity, Role, hash_password, key_hash, key_prefix
from msgplat.gateway.models import api_keys, customers
from msgplat.plumbing.api import like_pattern
from msgplat.plumbing.api_keys import new_api_key
from msgplat.plumbing.db import create_engine, fetch_page
from msgplat.plumbing.errors import Conflict, NotFound


@dataclass(frozen=True)
class ApiKeyInfo:
    id: UUID
    name: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


async def _hash_password(password: str | None) -> str | None:
    """Off the event loop (about 0.2 s of CPU): creating accounts is rare, and operators'."""
    return await asyncio.to_thread(hash_password, password) if password else None


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
    password_hash = await _hash_password(password)
    async with engine.begin() as conn:
        try:
            await conn.execute(
                insert(customers).values(
                    user_id=user_id,
                    role=role,
                    password_hash=password_hash,
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
    password_hash = await _hash_password(password)
    async with engine.begin() as conn:
        values: dict[str, object] = {"user_id": user_id, "role": role}
        statement = pg_insert(customers).values(**values)
        if password_hash:
            statement = pg_insert(customers).values(**values, password_hash=password_hash)
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
                select(customers, api_keys.c.id.label("api_key_id"))
                .join(api_keys, api_keys.c.user_id == customers.c.user_id)
                .where(api_keys.c.key_hash == key_hash(key), api_keys.c.revoked_at.is_(None))
            )
        ).first()
    return None if row is None else Identity.of_customer(row, api_key_id=row.api_key_id)


async def password_login(engine: AsyncEngine, user_id: str) -> tuple[Identity | None, str | None]:
    """The account of `user_id` (None: unknown) and its password hash (None: no password),
    for the caller to verify off the event loop (passwords.py)."""
    async with engine.connect() as conn:
        row = (await conn.execute(select(customers).where(customers.c.user_id == user_id))).first()
    if row is None:
        return None, None
    return Identity.of_customer(row), row.password_hash


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


@dataclass(frozen=True)
class CustomerInfo:
    user_id: str
    role: str
    has_password: bool
    requests_per_second: int | None
    recipients_per_day: int | None
    created_at: datetime
    active_keys: int


async def list_customers(
    engine: AsyncEngine, *, text: str | None, page: int, size: int
) -> tuple[list[CustomerInfo], int]:
    """Operators' view of the accounts, newest first; `text`: part of the user id."""
    active = (
        select(func.count())
        .where(api_keys.c.user_id == customers.c.user_id, api_keys.c.revoked_at.is_(None))
        .scalar_subquery()
    )
    query = select(customers, active.label("active_keys")).order_by(
        customers.c.created_at.desc(), customers.c.user_id
    )
    if text:
        query = query.where(customers.c.user_id.ilike(like_pattern(text), escape="\\"))
    async with engine.connect() as conn:
        rows, total = await fetch_page(conn, query, page=page, size=size)
    return [_customer_info(row) for row in rows], total


async def update_limits(
    engine: AsyncEngine, user_id: str, changes: dict[str, int | None]
) -> CustomerInfo:
    """Set a customer's limits (None: the gateway's default). Cached identities keep the
    old ones for at most API_KEY_CACHE_S."""
    async with engine.begin() as conn:
        if changes:
            await conn.execute(
                update(customers).where(customers.c.user_id == user_id).values(**changes)
            )
        active = (
            select(func.count())
            .where(api_keys.c.user_id == customers.c.user_id, api_keys.c.revoked_at.is_(None))
            .scalar_subquery()
        )
        row = (
            await conn.execute(
                select(customers, active.label("active_keys")).where(customers.c.user_id == user_id)
            )
        ).first()
    if row is None:
        raise NotFound(f"customer {user_id}")
    return _customer_info(row)


def _customer_info(row: object) -> CustomerInfo:
    return CustomerInfo(
        user_id=row.user_id,  # type: ignore[attr-defined]
        role=row.role,  # type: ignore[attr-defined]
        has_password=row.password_hash is not None,  # type: ignore[attr-defined]
        requests_per_second=row.requests_per_second,  # type: ignore[attr-defined]
        recipients_per_day=row.recipients_per_day,  # type: ignore[attr-defined]
        created_at=row.created_at,  # type: ignore[attr-defined]
        active_keys=row.active_keys,  # type: ignore[attr-defined]
    )


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
