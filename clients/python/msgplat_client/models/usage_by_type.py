from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="UsageByType")


@_attrs_define
class UsageByType:
    """
    Attributes:
        msg_type (str):
        messages (int): Delivered (charged) messages
        amount (int): KRW charged
        released_messages (int): Failed, cancelled or opted out: released, not charged
    """

    msg_type: str
    messages: int
    amount: int
    released_messages: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        msg_type = self.msg_type

        messages = self.messages

        amount = self.amount

        released_messages = self.released_messages

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "msgType": msg_type,
                "messages": messages,
                "amount": amount,
                "releasedMessages": released_messages,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        msg_type = d.pop("msgType")

        messages = d.pop("messages")

        amount = d.pop("amount")

        released_messages = d.pop("releasedMessages")

        usage_by_type = cls(
            msg_type=msg_type,
            messages=messages,
            amount=amount,
            released_messages=released_messages,
        )

        usage_by_type.additional_properties = d
        return usage_by_type

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
