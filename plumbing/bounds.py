"""The extremes a request's dates and times may take (standard library only).

A date or time outside datetime's years 1 to 9999 cannot even be converted to UTC
(`OverflowError`, a 500), nor can one at 9999-12-31 in a zone west of UTC. Inputs are
refused with a 422 well inside those limits, so that any arithmetic on an accepted value
(a zone, a day or a year added) stays representable. (Integers are bounded where they
are declared, with `le=`/`ge=` inside PostgreSQL's `integer` or `bigint`.)
"""

from __future__ import annotations

from datetime import date

EARLIEST_YEAR = 1970
LATEST_YEAR = 8999

OUT_OF_BOUNDS = f"must be between {EARLIEST_YEAR}-01-01 and {LATEST_YEAR}-12-31"


def date_out_of_bounds(value: date) -> str | None:
    """Why a date or a time (as written, in its own zone) is refused, or None."""
    return None if EARLIEST_YEAR <= value.year <= LATEST_YEAR else OUT_OF_BOUNDS
