from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Token")


@_attrs_define
class Token:
    """
    Attributes:
        access_token (str):
        expires_in (int): Seconds until the token expires
        user_id (str):
        role (str):
        token_type (Literal['bearer'] | Unset):  Default: 'bearer'.
    """

    access_token: str
    expires_in: int
    user_id: str
    role: str
    token_type: Literal["bearer"] | Unset = "bearer"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        access_token = self.access_token

        expires_in = self.expires_in

        user_id = self.user_id

        role = self.role

        token_type = self.token_type

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accessToken": access_token,
                "expiresIn": expires_in,
                "userId": user_id,
                "role": role,
            }
        )
        if token_type is not UNSET:
            field_dict["tokenType"] = token_type

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        access_token = d.pop("accessToken")

        expires_in = d.pop("expiresIn")

        user_id = d.pop("userId")

        role = d.pop("role")

        token_type = cast(Literal["bearer"] | Unset, d.pop("tokenType", UNSET))
        if token_type != "bearer" and not isinstance(token_type, Unset):
            raise ValueError(f"tokenType must match const 'bearer', got '{token_type}'")

        token = cls(
            access_token=access_token,
            expires_in=expires_in,
            user_id=user_id,
            role=role,
            token_type=token_type,
        )

        token.additional_properties = d
        return token

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
