from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Me")


@_attrs_define
class Me:
    """
    Attributes:
        user_id (str):
        role (str):
        requests_per_second (int):
        recipients_per_day (int):
    """

    user_id: str
    role: str
    requests_per_second: int
    recipients_per_day: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        role = self.role

        requests_per_second = self.requests_per_second

        recipients_per_day = self.recipients_per_day

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "userId": user_id,
                "role": role,
                "requestsPerSecond": requests_per_second,
                "recipientsPerDay": recipients_per_day,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        user_id = d.pop("userId")

        role = d.pop("role")

        requests_per_second = d.pop("requestsPerSecond")

        recipients_per_day = d.pop("recipientsPerDay")

        me = cls(
            user_id=user_id,
            role=role,
            requests_per_second=requests_per_second,
            recipients_per_day=recipients_per_day,
        )

        me.additional_properties = d
        return me

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
