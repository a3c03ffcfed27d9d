"""The filters of a list of reservations (`GET /msgReqs`, `GET /monitorings`): the
reservation service answers them from its own rows, monitoring from its views, and
both narrow and order them alike. Either table has the columns `status`, `purpose`,
`reserve_dt` and `title`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import ColumnElement
from sqlalchemy.sql.base import ReadOnlyColumnCollection

from msgplat.plumbing.api import Period, word_patterns

Columns = ReadOnlyColumnCollection[str, Any]


@dataclass(frozen=True)
class ReservationListFilter:
    """What a list of reservations is narrowed to (None or empty: not narrowed)."""

    statuses: tuple[str, ...] = ()
    purpose: str | None = None
    period: Period = field(default_factory=Period)  # of reserve_dt
    text: str | None = None  # words of the title, anywhere, any case
    sort: Literal["newest", "due"] = "newest"

    def conditions(self, c: Columns) -> list[ColumnElement[bool]]:
        """What the rows of the table of columns `c` must meet."""
        conditions: list[ColumnElement[bool]] = []
        if self.statuses:
            conditions.append(c.status.in_(self.statuses))
        if self.purpose is not None:
            conditions.append(c.purpose == self.purpose)
        if self.period.start is not None:
            conditions.append(c.reserve_dt >= self.period.start)
        if self.period.end is not None:
            conditions.append(c.reserve_dt < self.period.end)
        if self.text:
            conditions += [c.title.ilike(p, escape="\\") for p in word_patterns(self.text)]
        return conditions

    def order(
        self, c: Columns, *, newest: ColumnElement[Any], key: ColumnElement[Any]
    ) -> tuple[ColumnElement[Any], ...]:
        """Soonest reserve_dt first ("due"), else the `newest` time first; `key` breaks ties."""
        return (c.reserve_dt, key) if self.sort == "due" else (newest.desc(), key)
