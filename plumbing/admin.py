"""Operator commands on a service's plumbing tables: parked outbox rows, dead letters.

    python -m msgplat.plumbing.outbox parked list|retry <id>|discard <id> [--service S]
    python -m msgplat.plumbing.consumer dead-letters list|replay <id> [--service S]

Each reads DATABASE_URL (the service's own) and works in the service's schema
(`--service`, default SERVICE_NAME). Under devstack: `DATABASE_URL=... python -m ...`.

- `parked retry <id>` puts the row back in the outbox with its own id, so it is
  published before the later events of its key that waited for it (if it is refused
  again it is parked again); `discard <id>` drops it for good, which lets its key go on.
- `dead-letters replay <id>` applies the event through the service's own handlers of
  the group that dead-lettered it (`msgplat.<service>.consumers`), in one transaction
  with its inbox row; once applied the dead letter is deleted, else its error is updated.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from aiokafka import ConsumerRecord
from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from msgplat.plumbing.consumer import IdempotentConsumer
from msgplat.plumbing.db import Database
from msgplat.plumbing.settings import ServiceSettings
from msgplat.plumbing.tables import PlumbingTables


@dataclass
class Outcome:
    ok: bool
    message: str


async def list_parked(engine: AsyncEngine, tables: PlumbingTables) -> list[str]:
    p = tables.outbox_parked
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(p.c.id, p.c.event_type, p.c.topic, p.c.key, p.c.parked_at, p.c.error).order_by(
                p.c.id
            )
        )
        return [
            f"{r.id}\t{r.event_type}\t{r.topic}\tkey={r.key}"
            f"\tparked {r.parked_at:%Y-%m-%d %H:%M:%S}\t{r.error}"
            for r in rows
        ]


async def retry_parked(engine: AsyncEngine, tables: PlumbingTables, row_id: int) -> Outcome:
    """Back to the outbox in its place (its own id): the relay publishes it next."""
    p, t = tables.outbox_parked, tables.outbox
    async with engine.begin() as conn:
        moved = await conn.execute(
            insert(t).from_select(
                ["id", "event_id", "topic", "key", "event_type", "value", "headers", "created_at"],
                select(
                    p.c.id,
                    p.c.event_id,
                    p.c.topic,
                    p.c.key,
                    p.c.event_type,
                    p.c.value,
                    p.c.headers,
                    p.c.created_at,
                ).where(p.c.id == row_id),
            )
        )
        if moved.rowcount == 0:
            return Outcome(False, f"no parked row {row_id}")
        await conn.execute(delete(p).where(p.c.id == row_id))
    return Outcome(True, f"parked row {row_id} is back in the outbox")


async def discard_parked(engine: AsyncEngine, tables: PlumbingTables, row_id: int) -> Outcome:
    p = tables.outbox_parked
    async with engine.begin() as conn:
        gone = await conn.execute(delete(p).where(p.c.id == row_id))
    if gone.rowcount == 0:
        return Outcome(False, f"no parked row {row_id}")
    return Outcome(True, f"parked row {row_id} discarded: the later events of its key go on")


async def list_dead_letters(engine: AsyncEngine, tables: PlumbingTables) -> list[str]:
    d = tables.dead_letters
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(
                d.c.id,
                d.c.consumer_group,
                d.c.topic,
                d.c.partition,
                d.c.offset,
                d.c.event_id,
                d.c.created_at,
                d.c.error,
            ).order_by(d.c.id)
        )
        return [
            f"{r.id}\t{r.consumer_group}\t{r.topic}/{r.partition}@{r.offset}\tevent {r.event_id}"
            f"\t{r.created_at:%Y-%m-%d %H:%M:%S}\t{r.error}"
            for r in rows
        ]


async def replay_dead_letter(db: Database, service: str, row_id: int) -> Outcome:
    """Apply a dead letter through the handlers of its group (once: by its inbox)."""
    d = db.tables.dead_letters
    async with db.engine.connect() as conn:
        row = (await conn.execute(select(d).where(d.c.id == row_id))).one_or_none()
    if row is None:
        return Outcome(False, f"no dead letter {row_id}")
    subscriptions = importlib.import_module(f"msgplat.{service}.consumers").SUBSCRIPTIONS
    if row.consumer_group not in subscriptions:
        return Outcome(False, f"{service} has no consumer group {row.consumer_group}")
    consumer = IdempotentConsumer(
        db, group_id=row.consumer_group, handlers=subscriptions[row.consumer_group]
    )
    record = ConsumerRecord(
        topic=row.topic,
        partition=row.partition,
        offset=row.offset,
        timestamp=0,
        timestamp_type=0,
        key=None,
        value=row.value,
        checksum=None,
        serialized_key_size=0,
        serialized_value_size=len(row.value),
        headers=[],
    )
    try:
        await consumer.apply([record])
    except Exception as exc:
        async with db.engine.begin() as conn:
            await conn.execute(update(d).where(d.c.id == row_id).values(error=repr(exc)[:4000]))
        return Outcome(False, f"dead letter {row_id} failed again: {exc!r}")
    async with db.engine.begin() as conn:
        await conn.execute(delete(d).where(d.c.id == row_id))
    how = "applied" if consumer.stats.applied else "already applied (in the inbox)"
    return Outcome(True, f"dead letter {row_id} {how}; deleted")


def _service_db(service: str) -> Database:
    tables: PlumbingTables = importlib.import_module(f"msgplat.{service}.models").tables
    settings = ServiceSettings(service_name=service, database_url=os.environ["DATABASE_URL"])
    return Database(settings, tables)


def main(command: str, argv: Sequence[str] | None = None) -> int:
    """`parked` or `dead-letters`, with the arguments that follow it on the command line."""
    actions = {"parked": ("list", "retry", "discard"), "dead-letters": ("list", "replay")}[command]
    parser = argparse.ArgumentParser(prog=command, description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=actions)
    parser.add_argument("id", type=int, nargs="?")
    parser.add_argument("--service", default=os.environ.get("SERVICE_NAME"))
    args = parser.parse_args(argv)
    if not args.service:
        parser.error("--service (or SERVICE_NAME) is required")
    if args.action != "list" and args.id is None:
        parser.error(f"{args.action} needs the id of the row")

    async def run() -> int:
        db = _service_db(args.service)
        try:
            if args.action == "list":
                lister = list_parked if command == "parked" else list_dead_letters
                for line in await lister(db.engine, db.tables):
                    print(line)
                return 0
            if args.action == "retry":
                outcome = await retry_parked(db.engine, db.tables, args.id)
            elif args.action == "discard":
                outcome = await discard_parked(db.engine, db.tables, args.id)
            else:
                outcome = await replay_dead_letter(db, args.service, args.id)
            print(outcome.message, file=sys.stdout if outcome.ok else sys.stderr)
            return 0 if outcome.ok else 1
        finally:
            await db.dispose()

    return asyncio.run(run())
