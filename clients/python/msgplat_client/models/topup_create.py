from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="TopupCreate")


@_attrs_define
class TopupCreate:
    """`POST /billings/topups`: an operator adds credit to a customer's account (created
    if new).

        Attributes:
            amount (int): KRW, a whole number
            user_id (None | str | Unset): Optional: the customer comes from the credentials. If given, it must be the
                authenticated customer; an operator names the customer acted for.
            note (None | str | Unset): What the credit is for (an invoice, a payment), shown in the ledger
    """

    amount: int
    user_id: None | str | Unset = UNSET
    note: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        user_id: None | str | Unset
        if isinstance(self.user_id, Unset):
            user_id = UNSET
        else:
            user_id = self.user_id

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "amount": amount,
            }
        )
        if user_id is not UNSET:
            field_dict["userId"] = user_id
        if note is not UNSET:
            field_dict["note"] = note

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        def _parse_user_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        user_id = _parse_user_id(d.pop("userId", UNSET))

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        topup_create = cls(
            amount=amount,
            user_id=user_id,
            note=note,
        )

        return topup_create
