from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.usage_by_carrier import UsageByCarrier
    from ..models.usage_by_type import UsageByType


T = TypeVar("T", bound="Usage")


@_attrs_define
class Usage:
    """The month's charges by message type and by carrier (Asia/Seoul months): the
    aggregated billing.

        Attributes:
            user_id (str):
            month (str):
            messages (int):
            amount (int):
            by_type (list[UsageByType]):
            by_carrier (list[UsageByCarrier]): Charged messages per carrier and type (those settled since the usage by
                carrier is kept)
    """

    user_id: str
    month: str
    messages: int
    amount: int
    by_type: list[UsageByType]
    by_carrier: list[UsageByCarrier]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        month = self.month

        messages = self.messages

        amount = self.amount

        by_type = []
        for by_type_item_data in self.by_type:
            by_type_item = by_type_item_data.to_dict()
            by_type.append(by_type_item)

        by_carrier = []
        for by_carrier_item_data in self.by_carrier:
            by_carrier_item = by_carrier_item_data.to_dict()
            by_carrier.append(by_carrier_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "userId": user_id,
                "month": month,
                "messages": messages,
                "amount": amount,
                "byType": by_type,
                "byCarrier": by_carrier,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.usage_by_carrier import UsageByCarrier  # noqa: PLC0415
        from ..models.usage_by_type import UsageByType  # noqa: PLC0415

        d = dict(src_dict)
        user_id = d.pop("userId")

        month = d.pop("month")

        messages = d.pop("messages")

        amount = d.pop("amount")

        by_type = []
        _by_type = d.pop("byType")
        for by_type_item_data in _by_type:
            by_type_item = UsageByType.from_dict(by_type_item_data)

            by_type.append(by_type_item)

        by_carrier = []
        _by_carrier = d.pop("byCarrier")
        for by_carrier_item_data in _by_carrier:
            by_carrier_item = UsageByCarrier.from_dict(by_carrier_item_data)

            by_carrier.append(by_carrier_item)

        usage = cls(
            user_id=user_id,
            month=month,
            messages=messages,
            amount=amount,
            by_type=by_type,
            by_carrier=by_carrier,
        )

        usage.additional_properties = d
        return usage

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
