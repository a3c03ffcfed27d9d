from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.sender_create_verifyby import SenderCreateVerifyby
from ..types import UNSET, Unset

T = TypeVar("T", bound="SenderCreate")


@_attrs_define
class SenderCreate:
    """`POST /senders`: register a callback number.

    Attributes:
        number (str): The callback number, e.g. 02-1234-5678, 010-1234-5678 or 1588-1234
        user_id (None | str | Unset): Optional: the customer comes from the credentials. If given, it must be the
            authenticated customer; an operator names the customer acted for.
        verify_by (SenderCreateVerifyby | Unset): code: a code is sent to the number, to enter at POST
            /senders/{id}/verify; operator: it waits for an operator's approval (a number that cannot receive texts, with
            its proof of subscription) Default: SenderCreateVerifyby.CODE.
    """

    number: str
    user_id: None | str | Unset = UNSET
    verify_by: SenderCreateVerifyby | Unset = SenderCreateVerifyby.CODE

    def to_dict(self) -> dict[str, Any]:
        number = self.number

        user_id: None | str | Unset
        if isinstance(self.user_id, Unset):
            user_id = UNSET
        else:
            user_id = self.user_id

        verify_by: str | Unset = UNSET
        if not isinstance(self.verify_by, Unset):
            verify_by = self.verify_by.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "number": number,
            }
        )
        if user_id is not UNSET:
            field_dict["userId"] = user_id
        if verify_by is not UNSET:
            field_dict["verifyBy"] = verify_by

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        number = d.pop("number")

        def _parse_user_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        user_id = _parse_user_id(d.pop("userId", UNSET))

        _verify_by = d.pop("verifyBy", UNSET)
        verify_by: SenderCreateVerifyby | Unset
        if isinstance(_verify_by, Unset):
            verify_by = UNSET
        else:
            verify_by = SenderCreateVerifyby(_verify_by)

        sender_create = cls(
            number=number,
            user_id=user_id,
            verify_by=verify_by,
        )

        return sender_create
