from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.quote_msgtype import QuoteMsgtype

T = TypeVar("T", bound="Quote")


@_attrs_define
class Quote:
    """`GET /billings/quote`: what a reservation would cost and whether the available
    balance covers it now (the saga's hold decides for good).

        Attributes:
            user_id (str):
            msg_type (QuoteMsgtype): The type asked for; with smsCount/lmsCount, the largest one counted
            count (int): Messages (smsCount + lmsCount when given)
            unit_price (int): KRW per message of msgType
            required (int): KRW for every message, each at its type's price
            available (int):
            sufficient (bool):
    """

    user_id: str
    msg_type: QuoteMsgtype
    count: int
    unit_price: int
    required: int
    available: int
    sufficient: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        msg_type = self.msg_type.value

        count = self.count

        unit_price = self.unit_price

        required = self.required

        available = self.available

        sufficient = self.sufficient

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "userId": user_id,
                "msgType": msg_type,
                "count": count,
                "unitPrice": unit_price,
                "required": required,
                "available": available,
                "sufficient": sufficient,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        user_id = d.pop("userId")

        msg_type = QuoteMsgtype(d.pop("msgType"))

        count = d.pop("count")

        unit_price = d.pop("unitPrice")

        required = d.pop("required")

        available = d.pop("available")

        sufficient = d.pop("sufficient")

        quote = cls(
            user_id=user_id,
            msg_type=msg_type,
            count=count,
            unit_price=unit_price,
            required=required,
            available=available,
            sufficient=sufficient,
        )

        quote.additional_properties = d
        return quote

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
