from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="UsageByCarrier")


@_attrs_define
class UsageByCarrier:
    """
    Attributes:
        carrier (str): The carrier that took the messages
        msg_type (str):
        count (int): Delivered (charged) messages
        amount (int): KRW charged
    """

    carrier: str
    msg_type: str
    count: int
    amount: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        carrier = self.carrier

        msg_type = self.msg_type

        count = self.count

        amount = self.amount

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "carrier": carrier,
                "msgType": msg_type,
                "count": count,
                "amount": amount,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        carrier = d.pop("carrier")

        msg_type = d.pop("msgType")

        count = d.pop("count")

        amount = d.pop("amount")

        usage_by_carrier = cls(
            carrier=carrier,
            msg_type=msg_type,
            count=count,
            amount=amount,
        )

        usage_by_carrier.additional_properties = d
        return usage_by_carrier

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
