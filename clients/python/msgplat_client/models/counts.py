from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.counts_failuresbycode import CountsFailuresbycode


T = TypeVar("T", bound="Counts")


@_attrs_define
class Counts:
    """Messages by outcome over some scope (a period, a day, a reservation).

    Attributes:
        requested (int): Recipients of the reservations requested
        delivered (int):
        failed (int):
        cancelled (int):
        rejected (int): Recipients of reservations refused (never sent)
        opted_out (int): Advertising messages to numbers on the customer's opt-out list (never sent, never charged)
        rate (float | None): delivered / (delivered + failed), 4 decimals; null before any send. Cancelled and opted-out
            messages were never sent: they are not in the denominator
        failures_by_code (CountsFailuresbycode): Failed messages per result code
    """

    requested: int
    delivered: int
    failed: int
    cancelled: int
    rejected: int
    opted_out: int
    rate: float | None
    failures_by_code: CountsFailuresbycode
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        requested = self.requested

        delivered = self.delivered

        failed = self.failed

        cancelled = self.cancelled

        rejected = self.rejected

        opted_out = self.opted_out

        rate: float | None
        rate = self.rate

        failures_by_code = self.failures_by_code.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "requested": requested,
                "delivered": delivered,
                "failed": failed,
                "cancelled": cancelled,
                "rejected": rejected,
                "optedOut": opted_out,
                "rate": rate,
                "failuresByCode": failures_by_code,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.counts_failuresbycode import CountsFailuresbycode  # noqa: PLC0415

        d = dict(src_dict)
        requested = d.pop("requested")

        delivered = d.pop("delivered")

        failed = d.pop("failed")

        cancelled = d.pop("cancelled")

        rejected = d.pop("rejected")

        opted_out = d.pop("optedOut")

        def _parse_rate(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        rate = _parse_rate(d.pop("rate"))

        failures_by_code = CountsFailuresbycode.from_dict(d.pop("failuresByCode"))

        counts = cls(
            requested=requested,
            delivered=delivered,
            failed=failed,
            cancelled=cancelled,
            rejected=rejected,
            opted_out=opted_out,
            rate=rate,
            failures_by_code=failures_by_code,
        )

        counts.additional_properties = d
        return counts

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
