from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.template_write_purpose import TemplateWritePurpose
from ..types import UNSET, Unset

T = TypeVar("T", bound="TemplateWrite")


@_attrs_define
class TemplateWrite:
    """`POST /templates`, `PUT /templates/{id}`: a reusable title and content.

    Attributes:
        name (str): Unique per customer
        msg_title (str): Up to 40 EUC-KR bytes
        msg_content (str): Up to 2,000 EUC-KR bytes; may hold #{name} variables (letters, digits, _ and Hangul)
        user_id (None | str | Unset): Optional: the customer comes from the credentials. If given, it must be the
            authenticated customer; an operator names the customer acted for.
        purpose (TemplateWritePurpose | Unset):  Default: TemplateWritePurpose.NORMAL.
    """

    name: str
    msg_title: str
    msg_content: str
    user_id: None | str | Unset = UNSET
    purpose: TemplateWritePurpose | Unset = TemplateWritePurpose.NORMAL

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        msg_title = self.msg_title

        msg_content = self.msg_content

        user_id: None | str | Unset
        if isinstance(self.user_id, Unset):
            user_id = UNSET
        else:
            user_id = self.user_id

        purpose: str | Unset = UNSET
        if not isinstance(self.purpose, Unset):
            purpose = self.purpose.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "msgTitle": msg_title,
                "msgContent": msg_content,
            }
        )
        if user_id is not UNSET:
            field_dict["userId"] = user_id
        if purpose is not UNSET:
            field_dict["purpose"] = purpose

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        msg_title = d.pop("msgTitle")

        msg_content = d.pop("msgContent")

        def _parse_user_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        user_id = _parse_user_id(d.pop("userId", UNSET))

        _purpose = d.pop("purpose", UNSET)
        purpose: TemplateWritePurpose | Unset
        if isinstance(_purpose, Unset):
            purpose = UNSET
        else:
            purpose = TemplateWritePurpose(_purpose)

        template_write = cls(
            name=name,
            msg_title=msg_title,
            msg_content=msg_content,
            user_id=user_id,
            purpose=purpose,
        )

        return template_write
