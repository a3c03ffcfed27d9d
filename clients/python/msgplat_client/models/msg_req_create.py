from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.msg_req_create_purpose_type_0 import MsgReqCreatePurposeType0
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.msg_req_recipient import MsgReqRecipient


T = TypeVar("T", bound="MsgReqCreate")


@_attrs_define
class MsgReqCreate:
    """`POST /msgReqs`: a reserved send to an ordered list of recipients.

    Attributes:
        callback_num (str): The sender number (a verified one)
        user_id (None | str | Unset): Optional: the customer comes from the credentials. If given, it must be the
            authenticated customer; an operator names the customer acted for.
        msg_title (None | str | Unset): Up to 40 EUC-KR bytes; required unless templateId is given
        msg_content (None | str | Unset): SMS up to 90 EUC-KR bytes, LMS up to 2,000; may hold #{name} variables filled
            in from each recipient's variables; required unless templateId is given
        template_id (None | Unset | UUID): Use this stored template's title and content
        purpose (MsgReqCreatePurposeType0 | None | Unset): normal (the default), advertising (marked (광고), with a free
            opt-out number, only in the advertising hours) or authentication; a template's by default
        reserve_dt (datetime.datetime | None | Unset): ISO 8601; without an offset it is Asia/Seoul; absent = now
        dst_num (list[str] | None | str | Unset): Recipients: a JSON array or a comma-separated string, in sending order
            (or give recipients instead)
        recipients (list[MsgReqRecipient] | None | Unset): Personalised recipients, in sending order, each with its
            variables (instead of dstNum: one of the two, not both)
        reserve_qt (int | None | Unset): The quantity of the reservation, as a check: when given, it must equal the
            number of recipients after duplicates are dropped (else a 422 naming it)
        id (None | str | Unset): Read-only: set by the server; ignored when sent
        status (None | str | Unset): Read-only: set by the server; ignored when sent
    """

    callback_num: str
    user_id: None | str | Unset = UNSET
    msg_title: None | str | Unset = UNSET
    msg_content: None | str | Unset = UNSET
    template_id: None | Unset | UUID = UNSET
    purpose: MsgReqCreatePurposeType0 | None | Unset = UNSET
    reserve_dt: datetime.datetime | None | Unset = UNSET
    dst_num: list[str] | None | str | Unset = UNSET
    recipients: list[MsgReqRecipient] | None | Unset = UNSET
    reserve_qt: int | None | Unset = UNSET
    id: None | str | Unset = UNSET
    status: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        callback_num = self.callback_num

        user_id: None | str | Unset
        if isinstance(self.user_id, Unset):
            user_id = UNSET
        else:
            user_id = self.user_id

        msg_title: None | str | Unset
        if isinstance(self.msg_title, Unset):
            msg_title = UNSET
        else:
            msg_title = self.msg_title

        msg_content: None | str | Unset
        if isinstance(self.msg_content, Unset):
            msg_content = UNSET
        else:
            msg_content = self.msg_content

        template_id: None | str | Unset
        if isinstance(self.template_id, Unset):
            template_id = UNSET
        elif isinstance(self.template_id, UUID):
            template_id = str(self.template_id)
        else:
            template_id = self.template_id

        purpose: None | str | Unset
        if isinstance(self.purpose, Unset):
            purpose = UNSET
        elif isinstance(self.purpose, MsgReqCreatePurposeType0):
            purpose = self.purpose.value
        else:
            purpose = self.purpose

        reserve_dt: None | str | Unset
        if isinstance(self.reserve_dt, Unset):
            reserve_dt = UNSET
        elif isinstance(self.reserve_dt, datetime.datetime):
            reserve_dt = self.reserve_dt.isoformat()
        else:
            reserve_dt = self.reserve_dt

        dst_num: list[str] | None | str | Unset
        if isinstance(self.dst_num, Unset):
            dst_num = UNSET
        elif isinstance(self.dst_num, list):
            dst_num = self.dst_num

        else:
            dst_num = self.dst_num

        recipients: list[dict[str, Any]] | None | Unset
        if isinstance(self.recipients, Unset):
            recipients = UNSET
        elif isinstance(self.recipients, list):
            recipients = []
            for recipients_type_0_item_data in self.recipients:
                recipients_type_0_item = recipients_type_0_item_data.to_dict()
                recipients.append(recipients_type_0_item)

        else:
            recipients = self.recipients

        reserve_qt: int | None | Unset
        if isinstance(self.reserve_qt, Unset):
            reserve_qt = UNSET
        else:
            reserve_qt = self.reserve_qt

        id: None | str | Unset
        if isinstance(self.id, Unset):
            id = UNSET
        else:
            id = self.id

        status: None | str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        else:
            status = self.status

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "callbackNum": callback_num,
            }
        )
        if user_id is not UNSET:
            field_dict["userId"] = user_id
        if msg_title is not UNSET:
            field_dict["msgTitle"] = msg_title
        if msg_content is not UNSET:
            field_dict["msgContent"] = msg_content
        if template_id is not UNSET:
            field_dict["templateId"] = template_id
        if purpose is not UNSET:
            field_dict["purpose"] = purpose
        if reserve_dt is not UNSET:
            field_dict["reserveDt"] = reserve_dt
        if dst_num is not UNSET:
            field_dict["dstNum"] = dst_num
        if recipients is not UNSET:
            field_dict["recipients"] = recipients
        if reserve_qt is not UNSET:
            field_dict["reserveQt"] = reserve_qt
        if id is not UNSET:
            field_dict["id"] = id
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.msg_req_recipient import MsgReqRecipient  # noqa: PLC0415

        d = dict(src_dict)
        callback_num = d.pop("callbackNum")

        def _parse_user_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        user_id = _parse_user_id(d.pop("userId", UNSET))

        def _parse_msg_title(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        msg_title = _parse_msg_title(d.pop("msgTitle", UNSET))

        def _parse_msg_content(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        msg_content = _parse_msg_content(d.pop("msgContent", UNSET))

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

        def _parse_purpose(data: object) -> MsgReqCreatePurposeType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                purpose_type_0 = MsgReqCreatePurposeType0(data)

                return purpose_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MsgReqCreatePurposeType0 | None | Unset, data)

        purpose = _parse_purpose(d.pop("purpose", UNSET))

        def _parse_reserve_dt(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                reserve_dt_type_0 = datetime.datetime.fromisoformat(data)

                return reserve_dt_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        reserve_dt = _parse_reserve_dt(d.pop("reserveDt", UNSET))

        def _parse_dst_num(data: object) -> list[str] | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                dst_num_type_0 = cast(list[str], data)

                return dst_num_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | str | Unset, data)

        dst_num = _parse_dst_num(d.pop("dstNum", UNSET))

        def _parse_recipients(data: object) -> list[MsgReqRecipient] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                recipients_type_0 = []
                _recipients_type_0 = data
                for recipients_type_0_item_data in _recipients_type_0:
                    recipients_type_0_item = MsgReqRecipient.from_dict(recipients_type_0_item_data)

                    recipients_type_0.append(recipients_type_0_item)

                return recipients_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[MsgReqRecipient] | None | Unset, data)

        recipients = _parse_recipients(d.pop("recipients", UNSET))

        def _parse_reserve_qt(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        reserve_qt = _parse_reserve_qt(d.pop("reserveQt", UNSET))

        def _parse_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        id = _parse_id(d.pop("id", UNSET))

        def _parse_status(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        msg_req_create = cls(
            callback_num=callback_num,
            user_id=user_id,
            msg_title=msg_title,
            msg_content=msg_content,
            template_id=template_id,
            purpose=purpose,
            reserve_dt=reserve_dt,
            dst_num=dst_num,
            recipients=recipients,
            reserve_qt=reserve_qt,
            id=id,
            status=status,
        )

        return msg_req_create
