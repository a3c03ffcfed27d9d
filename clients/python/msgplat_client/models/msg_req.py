from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.msg_req_purpose import MsgReqPurpose
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.msg_req_msgcounts import MsgReqMsgcounts


T = TypeVar("T", bound="MsgReq")


@_attrs_define
class MsgReq:
    """
    Attributes:
        id (UUID):
        user_id (str):
        msg_title (str):
        msg_content (str):
        msg_type (str): Personalised: the largest of the recipients' types
        callback_num (str):
        reserve_dt (datetime.datetime):
        status (str):
        recipient_count (int):
        duplicates_dropped (int):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        purpose (MsgReqPurpose | Unset):  Default: MsgReqPurpose.NORMAL.
        template_id (None | Unset | UUID):
        personalised (bool | Unset): Each recipient got its own text (#{variables}) Default: False.
        msg_counts (MsgReqMsgcounts | Unset): Messages per type, e.g. {"SMS": 3, "LMS": 1}
        status_reason (None | str | Unset):
    """

    id: UUID
    user_id: str
    msg_title: str
    msg_content: str
    msg_type: str
    callback_num: str
    reserve_dt: datetime.datetime
    status: str
    recipient_count: int
    duplicates_dropped: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    purpose: MsgReqPurpose | Unset = MsgReqPurpose.NORMAL
    template_id: None | Unset | UUID = UNSET
    personalised: bool | Unset = False
    msg_counts: MsgReqMsgcounts | Unset = UNSET
    status_reason: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        user_id = self.user_id

        msg_title = self.msg_title

        msg_content = self.msg_content

        msg_type = self.msg_type

        callback_num = self.callback_num

        reserve_dt = self.reserve_dt.isoformat()

        status = self.status

        recipient_count = self.recipient_count

        duplicates_dropped = self.duplicates_dropped

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        purpose: str | Unset = UNSET
        if not isinstance(self.purpose, Unset):
            purpose = self.purpose.value

        template_id: None | str | Unset
        if isinstance(self.template_id, Unset):
            template_id = UNSET
        elif isinstance(self.template_id, UUID):
            template_id = str(self.template_id)
        else:
            template_id = self.template_id

        personalised = self.personalised

        msg_counts: dict[str, Any] | Unset = UNSET
        if not isinstance(self.msg_counts, Unset):
            msg_counts = self.msg_counts.to_dict()

        status_reason: None | str | Unset
        if isinstance(self.status_reason, Unset):
            status_reason = UNSET
        else:
            status_reason = self.status_reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "userId": user_id,
                "msgTitle": msg_title,
                "msgContent": msg_content,
                "msgType": msg_type,
                "callbackNum": callback_num,
                "reserveDt": reserve_dt,
                "status": status,
                "recipientCount": recipient_count,
                "duplicatesDropped": duplicates_dropped,
                "createdAt": created_at,
                "updatedAt": updated_at,
            }
        )
        if purpose is not UNSET:
            field_dict["purpose"] = purpose
        if template_id is not UNSET:
            field_dict["templateId"] = template_id
        if personalised is not UNSET:
            field_dict["personalised"] = personalised
        if msg_counts is not UNSET:
            field_dict["msgCounts"] = msg_counts
        if status_reason is not UNSET:
            field_dict["statusReason"] = status_reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.msg_req_msgcounts import MsgReqMsgcounts  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        user_id = d.pop("userId")

        msg_title = d.pop("msgTitle")

        msg_content = d.pop("msgContent")

        msg_type = d.pop("msgType")

        callback_num = d.pop("callbackNum")

        reserve_dt = datetime.datetime.fromisoformat(d.pop("reserveDt"))

        status = d.pop("status")

        recipient_count = d.pop("recipientCount")

        duplicates_dropped = d.pop("duplicatesDropped")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        _purpose = d.pop("purpose", UNSET)
        purpose: MsgReqPurpose | Unset
        if isinstance(_purpose, Unset):
            purpose = UNSET
        else:
            purpose = MsgReqPurpose(_purpose)

        def _parse_template_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                template_id_type_0 = UUID(data)

                return template_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        template_id = _parse_template_id(d.pop("templateId", UNSET))

        personalised = d.pop("personalised", UNSET)

        _msg_counts = d.pop("msgCounts", UNSET)
        msg_counts: MsgReqMsgcounts | Unset
        if isinstance(_msg_counts, Unset):
            msg_counts = UNSET
        else:
            msg_counts = MsgReqMsgcounts.from_dict(_msg_counts)

        def _parse_status_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        status_reason = _parse_status_reason(d.pop("statusReason", UNSET))

        msg_req = cls(
            id=id,
            user_id=user_id,
            msg_title=msg_title,
            msg_content=msg_content,
            msg_type=msg_type,
            callback_num=callback_num,
            reserve_dt=reserve_dt,
            status=status,
            recipient_count=recipient_count,
            duplicates_dropped=duplicates_dropped,
            created_at=created_at,
            updated_at=updated_at,
            purpose=purpose,
            template_id=template_id,
            personalised=personalised,
            msg_counts=msg_counts,
            status_reason=status_reason,
        )

        msg_req.additional_properties = d
        return msg_req

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
