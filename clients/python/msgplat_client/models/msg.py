from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.msg_msgtype import MsgMsgtype
from ..types import UNSET, Unset

T = TypeVar("T", bound="Msg")


@_attrs_define
class Msg:
    """One message of a reservation (the seed's `msgs`).

    Attributes:
        id (int):
        reservation_id (UUID):
        user_id (str):
        seq (int): Position in the recipient list, from 0
        dst_num (str):
        msg_type (MsgMsgtype):
        text (None | str): Personalised reservations: this message's text
        status (str): pending, submitted, delivered, failed, cancelled or opted_out
        attempts (int):
        carrier (None | str): The carrier that took the message
        carrier_msg_id (None | str):
        result_code (None | str):
        reason (None | str):
        submitted_at (datetime.datetime | None):
        final_at (datetime.datetime | None):
        reservation_title (None | str | Unset): In a search across reservations: its reservation's title
        reserve_dt (datetime.datetime | None | Unset): In a search across reservations: when it was due
    """

    id: int
    reservation_id: UUID
    user_id: str
    seq: int
    dst_num: str
    msg_type: MsgMsgtype
    text: None | str
    status: str
    attempts: int
    carrier: None | str
    carrier_msg_id: None | str
    result_code: None | str
    reason: None | str
    submitted_at: datetime.datetime | None
    final_at: datetime.datetime | None
    reservation_title: None | str | Unset = UNSET
    reserve_dt: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        reservation_id = str(self.reservation_id)

        user_id = self.user_id

        seq = self.seq

        dst_num = self.dst_num

        msg_type = self.msg_type.value

        text: None | str
        text = self.text

        status = self.status

        attempts = self.attempts

        carrier: None | str
        carrier = self.carrier

        carrier_msg_id: None | str
        carrier_msg_id = self.carrier_msg_id

        result_code: None | str
        result_code = self.result_code

        reason: None | str
        reason = self.reason

        submitted_at: None | str
        if isinstance(self.submitted_at, datetime.datetime):
            submitted_at = self.submitted_at.isoformat()
        else:
            submitted_at = self.submitted_at

        final_at: None | str
        if isinstance(self.final_at, datetime.datetime):
            final_at = self.final_at.isoformat()
        else:
            final_at = self.final_at

        reservation_title: None | str | Unset
        if isinstance(self.reservation_title, Unset):
            reservation_title = UNSET
        else:
            reservation_title = self.reservation_title

        reserve_dt: None | str | Unset
        if isinstance(self.reserve_dt, Unset):
            reserve_dt = UNSET
        elif isinstance(self.reserve_dt, datetime.datetime):
            reserve_dt = self.reserve_dt.isoformat()
        else:
            reserve_dt = self.reserve_dt

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "reservationId": reservation_id,
                "userId": user_id,
                "seq": seq,
                "dstNum": dst_num,
                "msgType": msg_type,
                "text": text,
                "status": status,
                "attempts": attempts,
                "carrier": carrier,
                "carrierMsgId": carrier_msg_id,
                "resultCode": result_code,
                "reason": reason,
                "submittedAt": submitted_at,
                "finalAt": final_at,
            }
        )
        if reservation_title is not UNSET:
            field_dict["reservationTitle"] = reservation_title
        if reserve_dt is not UNSET:
            field_dict["reserveDt"] = reserve_dt

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        reservation_id = UUID(d.pop("reservationId"))

        user_id = d.pop("userId")

        seq = d.pop("seq")

        dst_num = d.pop("dstNum")

        msg_type = MsgMsgtype(d.pop("msgType"))

        def _parse_text(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        text = _parse_text(d.pop("text"))

        status = d.pop("status")

        attempts = d.pop("attempts")

        def _parse_carrier(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        carrier = _parse_carrier(d.pop("carrier"))

        def _parse_carrier_msg_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        carrier_msg_id = _parse_carrier_msg_id(d.pop("carrierMsgId"))

        def _parse_result_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        result_code = _parse_result_code(d.pop("resultCode"))

        def _parse_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reason = _parse_reason(d.pop("reason"))

        def _parse_submitted_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                submitted_at_type_0 = datetime.datetime.fromisoformat(data)

                return submitted_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        submitted_at = _parse_submitted_at(d.pop("submittedAt"))

        def _parse_final_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                final_at_type_0 = datetime.datetime.fromisoformat(data)

                return final_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        final_at = _parse_final_at(d.pop("finalAt"))

        def _parse_reservation_title(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reservation_title = _parse_reservation_title(d.pop("reservationTitle", UNSET))

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

        msg = cls(
            id=id,
            reservation_id=reservation_id,
            user_id=user_id,
            seq=seq,
            dst_num=dst_num,
            msg_type=msg_type,
            text=text,
            status=status,
            attempts=attempts,
            carrier=carrier,
            carrier_msg_id=carrier_msg_id,
            result_code=result_code,
            reason=reason,
            submitted_at=submitted_at,
            final_at=final_at,
            reservation_title=reservation_title,
            reserve_dt=reserve_dt,
        )

        msg.additional_properties = d
        return msg

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
