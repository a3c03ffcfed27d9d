from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Customer")


@_attrs_define
class Customer:
    """An account as operators see it (never its password or keys).

    Attributes:
        user_id (str):
        role (str):
        has_password (bool): Can log in to the console
        requests_per_second (int | None): null: the gateway's default
        recipients_per_day (int | None): null: the gateway's default
        created_at (datetime.datetime):
        active_keys (int):
    """

    user_id: str
    role: str
    has_password: bool
    requests_per_second: int | None
    recipients_per_day: int | None
    created_at: datetime.datetime
    active_keys: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        role = self.role

        has_password = self.has_password

        requests_per_second: int | None
        requests_per_second = self.requests_per_second

        recipients_per_day: int | None
        recipients_per_day = self.recipients_per_day

        created_at = self.created_at.isoformat()

        active_keys = self.active_keys

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "userId": user_id,
                "role": role,
                "hasPassword": has_password,
                "requestsPerSecond": requests_per_second,
                "recipientsPerDay": recipients_per_day,
                "createdAt": created_at,
                "activeKeys": active_keys,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        user_id = d.pop("userId")

        role = d.pop("role")

        has_password = d.pop("hasPassword")

        def _parse_requests_per_second(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        requests_per_second = _parse_requests_per_second(d.pop("requestsPerSecond"))

        def _parse_recipients_per_day(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        recipients_per_day = _parse_recipients_per_day(d.pop("recipientsPerDay"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        active_keys = d.pop("activeKeys")

        customer = cls(
            user_id=user_id,
            role=role,
            has_password=has_password,
            requests_per_second=requests_per_second,
            recipients_per_day=recipients_per_day,
            created_at=created_at,
            active_keys=active_keys,
        )

        customer.additional_properties = d
        return customer

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
