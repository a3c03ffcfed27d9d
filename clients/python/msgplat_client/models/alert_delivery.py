from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AlertDelivery")


@_attrs_define
class AlertDelivery:
    """One status alert: the text sent to the customer's number when a reservation ended,
    and what became of it.

        Attributes:
            notice_id (None | UUID): Its id at the send service (the carrier's ref is `notice:<id>`)
            reservation_id (UUID):
            status (str): The reservation's final status it announces
            to (str): The number, in E.164
            text (str):
            state (str): requested (with the send service: waiting for a carrier, or for the customer's sending windows),
                delivered, failed, or skipped (the number was no longer a verified sender)
            created_at (datetime.datetime):
            result_code (None | str | Unset):
            reason (None | str | Unset):
            finished_at (datetime.datetime | None | Unset):
    """

    notice_id: None | UUID
    reservation_id: UUID
    status: str
    to: str
    text: str
    state: str
    created_at: datetime.datetime
    result_code: None | str | Unset = UNSET
    reason: None | str | Unset = UNSET
    finished_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        notice_id: None | str
        if isinstance(self.notice_id, UUID):
            notice_id = str(self.notice_id)
        else:
            notice_id = self.notice_id

        reservation_id = str(self.reservation_id)

        status = self.status

        to = self.to

        text = self.text

        state = self.state

        created_at = self.created_at.isoformat()

        result_code: None | str | Unset
        if isinstance(self.result_code, Unset):
            result_code = UNSET
        else:
            result_code = self.result_code

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        finished_at: None | str | Unset
        if isinstance(self.finished_at, Unset):
            finished_at = UNSET
        elif isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "noticeId": notice_id,
                "reservationId": reservation_id,
                "status": status,
                "to": to,
                "text": text,
                "state": state,
                "createdAt": created_at,
            }
        )
        if result_code is not UNSET:
            field_dict["resultCode"] = result_code
        if reason is not UNSET:
            field_dict["reason"] = reason
        if finished_at is not UNSET:
            field_dict["finishedAt"] = finished_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_notice_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                notice_id_type_0 = UUID(data)

                return notice_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        notice_id = _parse_notice_id(d.pop("noticeId"))

        reservation_id = UUID(d.pop("reservationId"))

        status = d.pop("status")

        to = d.pop("to")

        text = d.pop("text")

        state = d.pop("state")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        def _parse_result_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        result_code = _parse_result_code(d.pop("resultCode", UNSET))

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        def _parse_finished_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        finished_at = _parse_finished_at(d.pop("finishedAt", UNSET))

        alert_delivery = cls(
            notice_id=notice_id,
            reservation_id=reservation_id,
            status=status,
            to=to,
            text=text,
            state=state,
            created_at=created_at,
            result_code=result_code,
            reason=reason,
            finished_at=finished_at,
        )

        alert_delivery.additional_properties = d
        return alert_delivery

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
