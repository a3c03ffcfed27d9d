"""Lists as CSV: a list endpoint asked with `Accept: text/csv` answers every row it
matches (not a page) as a streamed file that opens cleanly in Excel.

- UTF-8 with a byte order mark, so Excel reads Korean text as Korean;
- CRLF line ends and RFC 4180 quoting (the standard library's `csv`);
- a text cell starting with `=`, `+`, `-`, `@`, a tab or a CR is prefixed with `'`, so
  that a spreadsheet never runs it as a formula (OWASP "CSV injection");
- times in Seoul (KST), as `2026-03-03 14:05:09`, which a spreadsheet reads as a time
  (their columns say "(KST)");
- rows are read from the database in batches with a server-side cursor and written as
  they come: memory stays flat whatever the number of rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import StreamingResponse
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncEngine

SEOUL = ZoneInfo("Asia/Seoul")
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


async def stream_query(
    engine: AsyncEngine,
    query: Select[Any],
    to_row: Callable[[Any], Sequence[Any]],
    *,
    batch: int = BATCH_ROWS,
) -> AsyncIterator[Sequence[Any]]:
    """The rows of `query` as CSV rows, read `batch` at a time with a server-side cursor."""
    async with engine.connect() as conn:
        result = await conn.stream(query.execution_options(yield_per=batch))
        async for partition in result.partitions(batch):
            for row in partition:
                yield to_row(row)


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
