"""Lists as CSV: a list endpoint asked with `Accept: text/csv` answers every row it
matches (not a page) as a streamed file that opens cleanly in Excel.

- UTF-8 with a byte order mark, so Excel reads Korean text as Korean;
- CRLF line ends and RFC 4180 quoting (the standard library's `csv`);
- a text cell starting with `=`, `+`, `-`, `@`, a tab or a CR is prefixed with `'`, so
  that a spreadsheet never runs it as a formula (OWASP "CSV injection");
- times in Seoul (KST), as `2026-03-03 14:05:09`, which a spreadsheet reads as a time
  (their columns say "(KST)");
- the rows stream as they come: memory stays flat whatever their number.

A list from the database (a reservation's 100,000 messages, the ledger) is written by
PostgreSQL itself (`COPY (SELECT ...) TO STDOUT WITH CSV`, `copy_response`): the query
formats its cells (`seoul_time`, `inert`) and the bytes stream through a small queue,
never a Python object per cell. A short list made in Python (a period's statistics)
goes through `csv_response`, which formats the same way (`cell`).
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import StreamingResponse
from sqlalchemy import Select, case, func, literal
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.elements import ColumnElement

SEOUL_NAME = "Asia/Seoul"
SEOUL = ZoneInfo(SEOUL_NAME)
CSV_MEDIA_TYPE = "text/csv"
BOM = "\ufeff"
BATCH_ROWS = 2000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# The OpenAPI `responses=` of a list route that can answer CSV too.
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            "text/csv": {
                "schema": {"type": "string"},
                "example": "\ufeffid,status\r\n1,delivered\r\n",
            }
        },
        "description": "With `Accept: text/csv`: every row matched (not a page), streamed "
        "as UTF-8 CSV with a byte order mark",
    }
}


def wants_csv(request: Request) -> bool:
    """The caller asked for CSV (`Accept: text/csv`, before any JSON type it lists)."""
    accept = request.headers.get("accept", "").lower()
    if CSV_MEDIA_TYPE not in accept:
        return False
    json_at = accept.find("application/json")
    return json_at < 0 or accept.find(CSV_MEDIA_TYPE) < json_at


def cell(value: Any) -> Any:
    """A value as a spreadsheet should read it: times in ISO 8601, None empty, text that
    a spreadsheet would run as a formula made inert."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(SEOUL).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def encode_rows(rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


async def _body(header: Sequence[str], rows: AsyncIterator[Sequence[Any]]) -> AsyncIterator[bytes]:
    yield (BOM.encode("utf-8") + encode_rows([header]))
    pending: list[Sequence[Any]] = []
    async for row in rows:
        pending.append(row)
        if len(pending) >= BATCH_ROWS:
            yield encode_rows(pending)
            pending = []
    if pending:
        yield encode_rows(pending)


def csv_response(
    header: Sequence[str], rows: AsyncIterator[Sequence[Any]], *, filename: str
) -> StreamingResponse:
    """A streamed CSV download of `rows` under `header`, named `filename`."""
    disposition = f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
    return StreamingResponse(
        _body(header, rows),
        media_type=f"{CSV_MEDIA_TYPE}; charset=utf-8",
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )


# --- written by PostgreSQL ---------------------------------------------------------------

COPY_QUEUE_CHUNKS = 16  # chunks in flight between the COPY and the response (~1 MB)


def seoul_time(column: Any) -> ColumnElement[str]:
    """A timestamptz column as Seoul wall time, `2026-03-03 14:05:09` (what `cell` writes)."""
    return func.to_char(func.timezone(SEOUL_NAME, column), "YYYY-MM-DD HH24:MI:SS")


def inert(column: Any) -> ColumnElement[str]:
    """A text column that a spreadsheet will not run as a formula (what `cell` does)."""
    return case(
        (func.left(column, 1).in_(list(FORMULA_STARTS)), literal("'") + column),
        else_=column,
    )


async def copy_csv(engine: AsyncEngine, query: Select[Any]) -> AsyncIterator[bytes]:
    """The rows of `query` as CSV (a header of its column labels, then one line a row),
    written by PostgreSQL's COPY and streamed as it comes, at most COPY_QUEUE_CHUNKS
    chunks held: the COPY waits while the client reads."""
    compiled = query.compile(dialect=engine.dialect, compile_kwargs={"render_postcompile": True})
    args = [compiled.params[name] for name in compiled.positiontup or ()]
    queue: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=COPY_QUEUE_CHUNKS)

    async def put(chunk: bytes | bytearray | memoryview) -> None:
        await queue.put(bytes(chunk))  # asyncpg hands buffers; a response sends bytes

    async def produce() -> None:
        async with engine.connect() as conn:
            raw = await conn.get_raw_connection()
            driver = raw.driver_connection
            assert driver is not None
            await driver.copy_from_query(
                str(compiled), *args, output=put, format="csv", header=True
            )
        await queue.put(None)

    task = asyncio.create_task(produce())
    try:
        while True:
            chunk = await queue.get()
            if chunk is None:
                break
            yield chunk
        await task  # its errors, if any
    finally:
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def copy_response(engine: AsyncEngine, query: Select[Any], *, filename: str) -> StreamingResponse:
    """A streamed CSV download of `query`'s rows, written by PostgreSQL (`copy_csv`)."""

    async def body() -> AsyncIterator[bytes]:
        yield BOM.encode("utf-8")
        async for chunk in copy_csv(engine, query):
            yield chunk

    disposition = f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
    return StreamingResponse(
        body(),
        media_type=f"{CSV_MEDIA_TYPE}; charset=utf-8",
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )
