from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CustomerLimits")


@_attrs_define
class CustomerLimits:
    """`PATCH /auth/customers/{userId}`: the limits given are set (null: the default).

    Attributes:
        requests_per_second (int | None | Unset):
        recipients_per_day (int | None | Unset):
    """

    requests_per_second: int | None | Unset = UNSET
    recipients_per_day: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        requests_per_second: int | None | Unset
        if isinstance(self.requests_per_second, Unset):
            requests_per_second = UNSET
        else:
            requests_per_second = self.requests_per_second

        recipients_per_day: int | None | Unset
        if isinstance(self.recipients_per_day, Unset):
            recipients_per_day = UNSET
        else:
            recipients_per_day = self.recipients_per_day

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if requests_per_second is not UNSET:
            field_dict["requestsPerSecond"] = requests_per_second
        if recipients_per_day is not UNSET:
            field_dict["recipientsPerDay"] = recipients_per_day

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_requests_per_second(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        requests_per_second = _parse_requests_per_second(d.pop("requestsPerSecond", UNSET))

        def _parse_recipients_per_day(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        recipients_per_day = _parse_recipients_per_day(d.pop("recipientsPerDay", UNSET))

        customer_limits = cls(
            requests_per_second=requests_per_second,
            recipients_per_day=recipients_per_day,
        )

        return customer_limits
