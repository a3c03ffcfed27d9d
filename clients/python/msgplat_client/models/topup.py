from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.balance import Balance


T = TypeVar("T", bound="Topup")


@_attrs_define
class Topup:
    """
    Attributes:
        ledger_entry_id (int):
        user_id (str):
        amount (int):
        balance (Balance): `GET /billings?userId=`: what the customer can spend, what is held for reservations
            not yet sent, and what was charged for delivered messages.
    """

    ledger_entry_id: int
    user_id: str
    amount: int
    balance: Balance
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ledger_entry_id = self.ledger_entry_id

        user_id = self.user_id

        amount = self.amount

        balance = self.balance.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ledgerEntryId": ledger_entry_id,
                "userId": user_id,
                "amount": amount,
                "balance": balance,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.balance import Balance  # noqa: PLC0415

        d = dict(src_dict)
        ledger_entry_id = d.pop("ledgerEntryId")

        user_id = d.pop("userId")

        amount = d.pop("amount")

        balance = Balance.from_dict(d.pop("balance"))

        topup = cls(
            ledger_entry_id=ledger_entry_id,
            user_id=user_id,
            amount=amount,
            balance=balance,
        )

        topup.additional_properties = d
        return topup

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
