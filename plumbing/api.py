"""Base models for HTTP bodies: camelCase on the wire (the seed's names), snake_case in code."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any, Generic, Literal, TypeVar
from zoneinfo import ZoneInfo

from fastapi import Depends, Query, Request
from fastapi.routing import APIRoute
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    field_validator,
)
from pydantic.alias_generators import to_camel
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from msgplat.plumbing.bounds import date_out_of_bounds
from msgplat.plumbing.errors import FieldError, RequestInvalid
from msgplat.plumbing.phones import PHONE_LIST_PATTERN, PHONE_PATTERN

NUL = "\x00"


def operation_id(route: APIRoute) -> str:
    """An operation's `operationId`: its function's name (`create_msg_req`), which the
    generated client (`clients/python`) names its function after. FastAPI's own adds the
    path and the method (`create_msg_req_msg_reqs_post`). An explicit `operation_id`
    (the targets of the document's links) still wins."""
    return route.name


@dataclass(frozen=True)
class Documented:
    """JSON Schema keywords the document states of a value whose rule the code checks
    itself (`Annotated[str, Documented(pattern=...)]`): the schema says it, the
    validation stays the code's, with its own errors (a 422 naming the rule)."""

    pattern: str | None = None

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        if self.pattern is not None:
            schema["pattern"] = self.pattern
        return schema


# A phone number as typed (libphonenumber decides whether it is one: `plumbing.phones`),
# and the seed's comma-separated list of them.
PhoneText = Annotated[str, Documented(pattern=PHONE_PATTERN)]
PhoneListText = Annotated[str, Documented(pattern=PHONE_LIST_PATTERN)]
# Text without the NUL character (what ApiInput refuses), where the document says so.
NoNulText = Annotated[str, Documented(pattern=r"^[^\x00]*$")]


class ApiModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class ApiInput(ApiModel):
    """A request body. Its text may not hold the NUL character: PostgreSQL cannot store
    it, so it is refused here, naming the field, rather than failing at the database."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul_character(cls, value: Any) -> Any:
        if _holds_nul(value):
            raise ValueError("must not contain the NUL character (\\u0000)")
        return value


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, list | tuple):
        return any(_holds_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_holds_nul(item) for item in value.values())
    return False


def _within_bounds(value: datetime) -> datetime:
    problem = date_out_of_bounds(value)
    if problem:
        raise ValueError(problem)
    return value


# A date-time of a request body or query: naive or with an offset, as pydantic reads it,
# between the years 1970 and 8999 (`plumbing.bounds`), so converting it to UTC never
# overflows. What a naive one means is the field's to say.
ApiDatetime = Annotated[datetime, AfterValidator(_within_bounds)]


T = TypeVar("T")


# The query parameters of a list's page: its number (from 1) and its size (at most 100).
PageNumber = Annotated[int, Query(ge=1, le=100_000)]
PageSize = Annotated[int, Query(ge=1, le=100)]


class Page(ApiModel, Generic[T]):
    items: list[T]
    page: int = Field(ge=1)
    size: int = Field(ge=1)
    total: int = Field(ge=0)

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """A page's example: the first page holding its item model's first example."""
        schema = handler(core_schema)
        (item,) = cls.__pydantic_generic_metadata__["args"] or (None,)
        extra = getattr(item, "model_config", {}).get("json_schema_extra")
        if isinstance(extra, dict) and extra.get("examples"):
            example = extra["examples"][0]
            target = handler.resolve_ref_schema(schema)
            target["examples"] = [{"items": [example], "page": 1, "size": 20, "total": 1}]
        return schema


# --- a period asked for in a list's query (`?from=&to=`) ---------------------------------

SEOUL = ZoneInfo("Asia/Seoul")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC; None on a side that was not given."""

    start: datetime | None = None
    end: datetime | None = None


def _moment(value: str, *, field: str, end: bool, zone: ZoneInfo) -> datetime:
    """A day (YYYY-MM-DD, in `zone`: its start, or the end of it for `to`) or an ISO
    8601 time (without an offset: in `zone`)."""
    try:
        if _DAY.fullmatch(value):
            day = date.fromisoformat(value)
            if end:
                day += timedelta(days=1)
            return datetime.combine(day, time(), zone).astimezone(UTC)
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise RequestInvalid(
            [
                FieldError(
                    ("query", field),
                    "must be a day (YYYY-MM-DD) or a time (ISO 8601)",
                    type="date_invalid",
                    input=value,
                )
            ]
        ) from None


def period(raw_from: str | None, raw_to: str | None, *, zone: ZoneInfo = SEOUL) -> Period:
    """The period of `?from=&to=`: days are whole days in `zone` (Seoul), `to` included;
    a `to` before `from` is a 422 naming `to`."""
    start = None if raw_from is None else _moment(raw_from, field="from", end=False, zone=zone)
    end = None if raw_to is None else _moment(raw_to, field="to", end=True, zone=zone)
    if start is not None and end is not None and end <= start:
        raise RequestInvalid(
            [
                FieldError(
                    ("query", "to"),
                    f"must be after from ({raw_from})",
                    type="period_reversed",
                    input=raw_to,
                )
            ]
        )
    return Period(start, end)


# `async def`, like every dependency here: FastAPI runs a plain `def` dependency in a
# worker thread, a thread hop and GIL handover per request.
async def _period_query(
    from_: Annotated[
        str | None,
        Query(
            alias="from",
            max_length=40,
            pattern=r"^[0-9T:.+\-Z ]+$",
            description="From this day (YYYY-MM-DD, Seoul) or time (ISO 8601)",
            examples=["2026-12-01", "2026-12-01T09:00:00+09:00"],
        ),
    ] = None,
    to: Annotated[
        str | None,
        Query(
            max_length=40,
            pattern=r"^[0-9T:.+\-Z ]+$",
            description="To this day (YYYY-MM-DD, Seoul; included) or time",
            examples=["2026-12-31", "2026-12-31T18:00:00+09:00"],
        ),
    ] = None,
) -> Period:
    return period(from_, to)


PeriodDep = Annotated[Period, Depends(_period_query)]


def app_state(name: str) -> Callable[[Request], Awaitable[Any]]:
    """A route dependency answering `request.app.state.<name>`: something the app made
    once (its settings, a long-lived client), typed where it is named, e.g.
    `SettingsDep = Annotated[MySettings, Depends(app_state("settings"))]`."""

    async def from_app_state(request: Request) -> Any:
        return getattr(request.app.state, name)

    return from_app_state


def like_pattern(text: str) -> str:
    """`text` as an ILIKE pattern matching it anywhere, its own % and _ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# Words searched for in a title: any text but the NUL character (PostgreSQL cannot
# compare it).
SEARCH_TEXT = r"^[^\x00]*$"

# The query parameters of a list of reservations (`GET /msgReqs`, `GET /monitorings`):
# the statuses (`Annotated[list[TheStatus] | None, STATUSES]`), title words, the order.
STATUSES = Query(alias="status", description="One or more statuses (repeat the parameter)")
TitleWords = Annotated[
    str | None,
    Query(min_length=1, max_length=100, pattern=SEARCH_TEXT, description="Words of the title"),
]
ReservationOrder = Annotated[
    Literal["newest", "due"],
    Query(description="newest: newest request first; due: soonest reserveDt first"),
]


def word_patterns(text: str) -> list[str]:
    """ILIKE patterns of each word of `text`: a title matches when it holds them all."""
    return [like_pattern(word) for word in text.split()[:10]]
