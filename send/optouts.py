"""Each customer's opt-out list: numbers (E.164) that advertising is never sent to.

The sender reads the list when it claims a batch of an advertising job (see
`sender.ADVERTISING_BATCH_SQL`): a number listed at that moment is not sent to.
"""

from __future__ import annotations

import csv
import io

from sqlalchemy import select, text

from msgplat.plumbing.caller import Caller
from msgplat.plumbing.db import Database, fetch_page
from msgplat.plumbing.errors import FieldError, NotFound, RequestInvalid
from msgplat.plumbing.phones import normalise_recipient
from msgplat.send.models import SCHEMA, optouts
from msgplat.send.schemas import Optout, OptoutsAdded, OptoutsRemoved

MAX_UPLOAD_NUMBERS = 100_000
MAX_UPLOAD_BYTES = 4 * 1024 * 1024
MAX_LISTED_ERRORS = 100

ADD_SQL = text(
    f"""
    INSERT INTO {SCHEMA}.optouts (user_id, number)
    SELECT :uid, unnest(CAST(:numbers AS text[]))
    ON CONFLICT DO NOTHING
    RETURNING number
    """
)

REMOVE_SQL = text(
    f"""
    DELETE FROM {SCHEMA}.optouts
    WHERE user_id = :uid AND number = ANY(CAST(:numbers AS text[]))
    RETURNING number
    """
)


async def add(db: Database, *, user_id: str, listed: list[str]) -> OptoutsAdded:
    """Add E.164 numbers to the customer's list (those already on it stay as they are)."""
    distinct = list(dict.fromkeys(listed))
    async with db.engine.begin() as conn:
        added = len((await conn.execute(ADD_SQL, {"uid": user_id, "numbers": distinct})).all())
    return OptoutsAdded(added=added, already_listed=len(distinct) - added)


async def remove(db: Database, *, user_id: str, listed: list[str]) -> OptoutsRemoved:
    distinct = list(dict.fromkeys(listed))
    async with db.engine.begin() as conn:
        removed = len((await conn.execute(REMOVE_SQL, {"uid": user_id, "numbers": distinct})).all())
    return OptoutsRemoved(removed=removed, not_listed=len(distinct) - removed)


async def remove_one(db: Database, *, user_id: str, number: str) -> None:
    """Take one number off the list; NotFound when it is not on it."""
    if not (await remove(db, user_id=user_id, listed=[number])).removed:
        raise NotFound(f"number {number} on the opt-out list")


async def list_page(
    db: Database, caller: Caller, *, user_id: str | None, number: str | None, page: int, size: int
) -> tuple[list[Optout], int]:
    """A page of the list in number order (an operator naming no customer sees all)."""
    scope = caller.scope(user_id)
    where = []
    if scope is not None:
        where.append(optouts.c.user_id == scope)
    if number is not None:
        where.append(optouts.c.number == number)
    async with db.engine.connect() as conn:
        query = select(optouts).where(*where).order_by(optouts.c.user_id, optouts.c.number)
        rows, total = await fetch_page(conn, query, page=page, size=size)
        items = [
            Optout(user_id=row.user_id, number=row.number, created_at=row.created_at)
            for row in rows
        ]
    return items, total


def parse_csv(body: bytes) -> list[str]:
    """The numbers of an uploaded CSV (first column; the first row may be a header, a
    row whose first cell holds no digit), in E.164. RequestInvalid naming each bad line
    (`loc` ["body", line number]), or an empty or oversized file."""
    if len(body) > MAX_UPLOAD_BYTES:
        raise RequestInvalid(
            [FieldError(("body",), f"the file is over {MAX_UPLOAD_BYTES // 1024 // 1024} MB")]
        )
    try:
        content = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        content = body.decode("cp949", errors="replace")  # a Korean spreadsheet's export
    found: list[str] = []
    errors: list[FieldError] = []
    error_count = 0
    try:
        rows = list(csv.reader(io.StringIO(content)))
    except csv.Error as exc:
        raise RequestInvalid([FieldError(("body",), f"not a CSV file: {exc}")]) from None
    for index, row in enumerate(rows):
        line = index + 1
        cell = row[0].strip() if row else ""
        if not cell:
            continue  # blank lines and rows without a first column are skipped
        if line == 1 and not any(char.isdigit() for char in cell):
            continue  # the header
        try:
            found.append(normalise_recipient(cell))
        except ValueError as exc:
            error_count += 1
            if len(errors) < MAX_LISTED_ERRORS:
                errors.append(FieldError(("body", line), f"line {line}: {exc}", input=cell))
    if errors:
        raise RequestInvalid(errors, total=error_count)
    if not found:
        raise RequestInvalid([FieldError(("body",), "the file holds no number", "missing")])
    if len(found) > MAX_UPLOAD_NUMBERS:
        raise RequestInvalid(
            [FieldError(("body",), f"at most {MAX_UPLOAD_NUMBERS:,} numbers per file")]
        )
    return found
