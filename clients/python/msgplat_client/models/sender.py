from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.sender_code_delivery_type_0 import SenderCodeDeliveryType0
from ..models.sender_method_type_0 import SenderMethodType0
from ..models.sender_status import SenderStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="Sender")


@_attrs_define
class Sender:
    """
    Attributes:
        id (UUID):
        user_id (str):
        number (str): National digits, as callbackNum is kept
        status (SenderStatus): pending: not usable as a callbackNum until verified
        attempts_left (int): Wrong codes the outstanding code still allows
        created_at (datetime.datetime):
        method (None | SenderMethodType0 | Unset): How it was verified
        note (None | str | Unset): The approving operator's note
        code_expires_at (datetime.datetime | None | Unset): While a code is outstanding: until when it is good
        code_delivery (None | SenderCodeDeliveryType0 | Unset): Whether the last code reached the number
        verified_at (datetime.datetime | None | Unset):
    """

    id: UUID
    user_id: str
    number: str
    status: SenderStatus
    attempts_left: int
    created_at: datetime.datetime
    method: None | SenderMethodType0 | Unset = UNSET
    note: None | str | Unset = UNSET
    code_expires_at: datetime.datetime | None | Unset = UNSET
    code_delivery: None | SenderCodeDeliveryType0 | Unset = UNSET
    verified_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        user_id = self.user_id

        number = self.number

        status = self.status.value

        attempts_left = self.attempts_left

        created_at = self.created_at.isoformat()

        method: None | str | Unset
        if isinstance(self.method, Unset):
            method = UNSET
        elif isinstance(self.method, SenderMethodType0):
            method = self.method.value
        else:
            method = self.method

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        code_expires_at: None | str | Unset
        if isinstance(self.code_expires_at, Unset):
            code_expires_at = UNSET
        elif isinstance(self.code_expires_at, datetime.datetime):
            code_expires_at = self.code_expires_at.isoformat()
        else:
            code_expires_at = self.code_expires_at

        code_delivery: None | str | Unset
        if isinstance(self.code_delivery, Unset):
            code_delivery = UNSET
        elif isinstance(self.code_delivery, SenderCodeDeliveryType0):
            code_delivery = self.code_delivery.value
        else:
            code_delivery = self.code_delivery

        verified_at: None | str | Unset
        if isinstance(self.verified_at, Unset):
            verified_at = UNSET
        elif isinstance(self.verified_at, datetime.datetime):
            verified_at = self.verified_at.isoformat()
        else:
            verified_at = self.verified_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "userId": user_id,
                "number": number,
                "status": status,
                "attemptsLeft": attempts_left,
                "createdAt": created_at,
            }
        )
        if method is not UNSET:
            field_dict["method"] = method
        if note is not UNSET:
            field_dict["note"] = note
        if code_expires_at is not UNSET:
            field_dict["codeExpiresAt"] = code_expires_at
        if code_delivery is not UNSET:
            field_dict["codeDelivery"] = code_delivery
        if verified_at is not UNSET:
            field_dict["verifiedAt"] = verified_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        user_id = d.pop("userId")

        number = d.pop("number")

        status = SenderStatus(d.pop("status"))

        attempts_left = d.pop("attemptsLeft")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        def _parse_method(data: object) -> None | SenderMethodType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                method_type_0 = SenderMethodType0(data)

                return method_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SenderMethodType0 | Unset, data)

        method = _parse_method(d.pop("method", UNSET))

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        def _parse_code_expires_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                code_expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return code_expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        code_expires_at = _parse_code_expires_at(d.pop("codeExpiresAt", UNSET))

        def _parse_code_delivery(data: object) -> None | SenderCodeDeliveryType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                code_delivery_type_0 = SenderCodeDeliveryType0(data)

                return code_delivery_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SenderCodeDeliveryType0 | Unset, data)

        code_delivery = _parse_code_delivery(d.pop("codeDelivery", UNSET))

        def _parse_verified_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                verified_at_type_0 = datetime.datetime.fromisoformat(data)

                return verified_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        verified_at = _parse_verified_at(d.pop("verifiedAt", UNSET))

        sender = cls(
            id=id,
            user_id=user_id,
            number=number,
            status=status,
            attempts_left=attempts_left,
            created_at=created_at,
            method=method,
            note=note,
            code_expires_at=code_expires_at,
            code_delivery=code_delivery,
            verified_at=verified_at,
        )

        sender.additional_properties = d
        return sender

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
