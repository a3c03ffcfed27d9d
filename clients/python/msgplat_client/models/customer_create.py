from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.customer_create_role import CustomerCreateRole
from ..types import UNSET, Unset

T = TypeVar("T", bound="CustomerCreate")


@_attrs_define
class CustomerCreate:
    """
    Attributes:
        user_id (str):
        role (CustomerCreateRole | Unset):  Default: CustomerCreateRole.CUSTOMER.
        password (None | str | Unset): For the dashboard's login
        requests_per_second (int | None | Unset):
        recipients_per_day (int | None | Unset):
    """

    user_id: str
    role: CustomerCreateRole | Unset = CustomerCreateRole.CUSTOMER
    password: None | str | Unset = UNSET
    requests_per_second: int | None | Unset = UNSET
    recipients_per_day: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        role: str | Unset = UNSET
        if not isinstance(self.role, Unset):
            role = self.role.value

        password: None | str | Unset
        if isinstance(self.password, Unset):
            password = UNSET
        else:
            password = self.password

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

        field_dict.update(
            {
                "userId": user_id,
            }
        )
        if role is not UNSET:
            field_dict["role"] = role
        if password is not UNSET:
            field_dict["password"] = password
        if requests_per_second is not UNSET:
            field_dict["requestsPerSecond"] = requests_per_second
        if recipients_per_day is not UNSET:
            field_dict["recipientsPerDay"] = recipients_per_day

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        user_id = d.pop("userId")

        _role = d.pop("role", UNSET)
        role: CustomerCreateRole | Unset
        if isinstance(_role, Unset):
            role = UNSET
        else:
            role = CustomerCreateRole(_role)

        def _parse_password(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        password = _parse_password(d.pop("password", UNSET))

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

        customer_create = cls(
            user_id=user_id,
            role=role,
            password=password,
            requests_per_second=requests_per_second,
            recipients_per_day=recipients_per_day,
        )

        return customer_create
