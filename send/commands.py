"""What send's API commands do, each in one transaction: a customer's opt-out list and
sending windows.

The opt-out list holds numbers (E.164) that advertising is never sent to: the runner
reads it when it claims a batch of an advertising job, so a number listed at that
moment is not sent to. A change of the sending windows takes effect at the customer's
next batch: their paused jobs (and their held notices) are made due at once, so that each
is checked again against the new windows (and resumes, or pauses again until a new time).
"""

from __future__ import annotations

import csv
import io

from msgplat.plumbing.db import Database
from msgplat.plumbing.errors import FieldError, NotFound, RequestInvalid
from msgplat.plumbing.phones import normalise_recipient
from msgplat.send import repository
from msgplat.send.queries import windows_view
from msgplat.send.schemas import (
    OptoutsAdded,
    OptoutsRemoved,
    SendingWindowsInput,
    SendingWindowsView,
)

MAX_UPLOAD_NUMBERS = 100_000
MAX_UPLOAD_BYTES = 4 * 1024 * 1024
MAX_LISTED_ERRORS = 100


# -- opt-out lists -------------------------------------------------------------------------


async def add_optouts(db: Database, *, user_id: str, listed: list[str]) -> OptoutsAdded:
    """Add E.164 numbers to the customer's list (those already on it stay as they are)."""
    distinct = list(dict.fromkeys(listed))
    async with db.engine.begin() as conn:
        added = await repository.optouts.add(conn, user_id, distinct)
    return OptoutsAdded(added=added, already_listed=len(distinct) - added)


async def remove_optouts(db: Database, *, user_id: str, listed: list[str]) -> OptoutsRemoved:
    distinct = list(dict.fromkeys(listed))
    async with db.engine.begin() as conn:
        removed = await repository.optouts.remove(conn, user_id, distinct)
    return OptoutsRemoved(removed=removed, not_listed=len(distinct) - removed)


async def remove_optout(db: Database, *, user_id: str, number: str) -> None:
    """Take one number off the list; NotFound when it is not on it."""
    if not (await remove_optouts(db, user_id=user_id, listed=[number])).removed:
        raise NotFound(f"number {number} on the opt-out list")


def parse_optouts_csv(body: bytes) -> list[str]:
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


# -- sending windows -----------------------------------------------------------------------


async def put_sending_windows(
    db: Database, *, user_id: str, body: SendingWindowsInput
) -> SendingWindowsView:
    values = {
        "time_zone": body.time_zone,
        "windows": [window.model_dump() for window in body.windows],
        "purposes": body.purposes,
    }
    async with db.engine.begin() as conn:
        row = await repository.windows.put(conn, user_id, values)
        await repository.jobs.recheck_paused(conn, user_id)
        await repository.notices.recheck_paused(conn, user_id)
    return windows_view(row)


async def remove_sending_windows(db: Database, *, user_id: str) -> None:
    async with db.engine.begin() as conn:
        if not await repository.windows.remove(conn, user_id):
            raise NotFound(f"sending windows of customer {user_id}")
        await repository.jobs.recheck_paused(conn, user_id)
        await repository.notices.recheck_paused(conn, user_id)
