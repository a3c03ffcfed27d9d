from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="MsgReqReschedule")


@_attrs_define
class MsgReqReschedule:
    """`PATCH /msgReqs/{id}`: a new due time for a reservation not yet sending.

    Attributes:
        reserve_dt (datetime.datetime): ISO 8601; without an offset it is Asia/Seoul. The rules of a new reservation
            apply: the lead time, the horizon, the advertising hours
    """

    reserve_dt: datetime.datetime

    def to_dict(self) -> dict[str, Any]:
        reserve_dt = self.reserve_dt.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "reserveDt": reserve_dt,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        reserve_dt = datetime.datetime.fromisoformat(d.pop("reserveDt"))

        msg_req_reschedule = cls(
            reserve_dt=reserve_dt,
        )

        return msg_req_reschedule
