from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.template_purpose import TemplatePurpose

T = TypeVar("T", bound="Template")


@_attrs_define
class Template:
    """
    Attributes:
        id (UUID):
        user_id (str):
        name (str):
        msg_title (str):
        msg_content (str):
        purpose (TemplatePurpose):
        variables (list[str]): The content's #{name} variables, in order
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: UUID
    user_id: str
    name: str
    msg_title: str
    msg_content: str
    purpose: TemplatePurpose
    variables: list[str]
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        user_id = self.user_id

        name = self.name

        msg_title = self.msg_title

        msg_content = self.msg_content

        purpose = self.purpose.value

        variables = self.variables

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "userId": user_id,
                "name": name,
                "msgTitle": msg_title,
                "msgContent": msg_content,
                "purpose": purpose,
                "variables": variables,
                "createdAt": created_at,
                "updatedAt": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        user_id = d.pop("userId")

        name = d.pop("name")

        msg_title = d.pop("msgTitle")

        msg_content = d.pop("msgContent")

        purpose = TemplatePurpose(d.pop("purpose"))

        variables = cast(list[str], d.pop("variables"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        template = cls(
            id=id,
            user_id=user_id,
            name=name,
            msg_title=msg_title,
            msg_content=msg_content,
            purpose=purpose,
            variables=variables,
            created_at=created_at,
            updated_at=updated_at,
        )

        template.additional_properties = d
        return template

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
