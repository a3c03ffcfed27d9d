from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ChargesByType")


@_attrs_define
class ChargesByType:
    """One message type of a reservation's hold, at its price when held.

    Attributes:
        msg_type (str):
        unit_price (int):
        count (int): Messages of this type held for
        captured_count (int):
        captured_amount (int):
        released_count (int):
        released_amount (int):
    """

    msg_type: str
    unit_price: int
    count: int
    captured_count: int
    captured_amount: int
    released_count: int
    released_amount: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        msg_type = self.msg_type

        unit_price = self.unit_price

        count = self.count

        captured_count = self.captured_count

        captured_amount = self.captured_amount

        released_count = self.released_count

        released_amount = self.released_amount

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "msgType": msg_type,
                "unitPrice": unit_price,
                "count": count,
                "capturedCount": captured_count,
                "capturedAmount": captured_amount,
                "releasedCount": released_count,
                "releasedAmount": released_amount,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        msg_type = d.pop("msgType")

        unit_price = d.pop("unitPrice")

        count = d.pop("count")

        captured_count = d.pop("capturedCount")

        captured_amount = d.pop("capturedAmount")

        released_count = d.pop("releasedCount")

        released_amount = d.pop("releasedAmount")

        charges_by_type = cls(
            msg_type=msg_type,
            unit_price=unit_price,
            count=count,
            captured_count=captured_count,
            captured_amount=captured_amount,
            released_count=released_count,
            released_amount=released_amount,
        )

        charges_by_type.additional_properties = d
        return charges_by_type

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
