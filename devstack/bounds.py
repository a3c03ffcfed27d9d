"""A field's numeric bounds (pydantic's `ge`, `gt`, `le`, `lt`), which both the event
and the settings references state, each in its own words."""

from __future__ import annotations

from typing import Literal

import annotated_types
from pydantic.fields import FieldInfo

Comparison = Literal[">=", ">", "<=", "<"]


def numeric_bound(item: object) -> tuple[Comparison, object] | None:
    """One item of a field's metadata as a bound (`(">=", 1)`); None when it is none."""
    match item:
        case annotated_types.Ge(ge=bound):
            return ">=", bound
        case annotated_types.Gt(gt=bound):
            return ">", bound
        case annotated_types.Le(le=bound):
            return "<=", bound
        case annotated_types.Lt(lt=bound):
            return "<", bound
    return None


def numeric_bounds(info: FieldInfo) -> list[tuple[Comparison, object]]:
    """The field's bounds, in the order it declares them."""
    return [bound for item in info.metadata if (bound := numeric_bound(item)) is not None]
