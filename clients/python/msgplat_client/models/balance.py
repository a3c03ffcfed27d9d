from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Balance")


@_attrs_define
class Balance:
    """`GET /billings?userId=`: what the customer can spend, what is held for reservations
    not yet sent, and what was charged for delivered messages.

        Attributes:
            user_id (str):
            available (int):
            held (int):
            charged (int):
            topped_up (int): Sum of every top-up = available + held + charged
            updated_at (datetime.datetime):
            currency (Literal['KRW'] | Unset):  Default: 'KRW'.
    """

    user_id: str
    available: int
    held: int
    charged: int
    topped_up: int
    updated_at: datetime.datetime
    currency: Literal["KRW"] | Unset = "KRW"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        available = self.available

        held = self.held

        charged = self.charged

        topped_up = self.topped_up

        updated_at = self.updated_at.isoformat()

        currency = self.currency

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "userId": user_id,
                "available": available,
                "held": held,
                "charged": charged,
                "toppedUp": topped_up,
                "updatedAt": updated_at,
            }
        )
        if currency is not UNSET:
            field_dict["currency"] = currency

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        user_id = d.pop("userId")

        available = d.pop("available")

        held = d.pop("held")

        charged = d.pop("charged")

        topped_up = d.pop("toppedUp")

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        currency = cast(Literal["KRW"] | Unset, d.pop("currency", UNSET))
        if currency != "KRW" and not isinstance(currency, Unset):
            raise ValueError(f"currency must match const 'KRW', got '{currency}'")

        balance = cls(
            user_id=user_id,
            available=available,
            held=held,
            charged=charged,
            topped_up=topped_up,
            updated_at=updated_at,
            currency=currency,
        )

        balance.additional_properties = d
        return balance

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
