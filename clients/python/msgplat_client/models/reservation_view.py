from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ReservationView")


@_attrs_define
class ReservationView:
    """One reservation as the dashboard shows it; also the `data` of an SSE event and the
    `reservation` of a webhook body.

        Attributes:
            reservation_id (UUID):
            user_id (str):
            msg_title (str):
            msg_type (str):
            purpose (str): normal, advertising or authentication
            status (str): requested, scheduled, sending, completed, partially_failed, failed, rejected or cancelled
            recipient_count (int):
            recipients_received (int): Recipients stored so far (they come in chunks)
            pending_count (int): Messages not handed to the carrier yet
            submitted_count (int): Messages at the carrier, waiting for a report
            delivered_count (int):
            failed_count (int):
            cancelled_count (int):
            opted_out_count (int): Advertising messages to numbers on the opt-out list: not sent, not charged
            progress (float): Finished messages (delivered, failed, cancelled or opted out) / recipientCount
            amount_held (int): KRW still held (neither charged nor released)
            amount_charged (int): KRW charged for delivered messages
            amount_released (int): KRW released for failed, cancelled or opted-out messages
            reserve_dt (datetime.datetime):
            requested_at (datetime.datetime):
            updated_at (datetime.datetime):
            version (int): Incremented on every change of the view
            status_reason (None | str | Unset):
            paused_until (datetime.datetime | None | Unset): While sending is paused outside the allowed hours: when it goes
                on (null also when no window ever opens again: see pauseReason)
            pause_reason (None | str | Unset): Why sending is paused; null when it is not paused
            scheduled_at (datetime.datetime | None | Unset):
            started_at (datetime.datetime | None | Unset):
            finished_at (datetime.datetime | None | Unset):
            cancelled_at (datetime.datetime | None | Unset):
    """

    reservation_id: UUID
    user_id: str
    msg_title: str
    msg_type: str
    purpose: str
    status: str
    recipient_count: int
    recipients_received: int
    pending_count: int
    submitted_count: int
    delivered_count: int
    failed_count: int
    cancelled_count: int
    opted_out_count: int
    progress: float
    amount_held: int
    amount_charged: int
    amount_released: int
    reserve_dt: datetime.datetime
    requested_at: datetime.datetime
    updated_at: datetime.datetime
    version: int
    status_reason: None | str | Unset = UNSET
    paused_until: datetime.datetime | None | Unset = UNSET
    pause_reason: None | str | Unset = UNSET
    scheduled_at: datetime.datetime | None | Unset = UNSET
    started_at: datetime.datetime | None | Unset = UNSET
    finished_at: datetime.datetime | None | Unset = UNSET
    cancelled_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        reservation_id = str(self.reservation_id)

        user_id = self.user_id

        msg_title = self.msg_title

        msg_type = self.msg_type

        purpose = self.purpose

        status = self.status

        recipient_count = self.recipient_count

        recipients_received = self.recipients_received

        pending_count = self.pending_count

        submitted_count = self.submitted_count

        delivered_count = self.delivered_count

        failed_count = self.failed_count

        cancelled_count = self.cancelled_count

        opted_out_count = self.opted_out_count

        progress = self.progress

        amount_held = self.amount_held

        amount_charged = self.amount_charged

        amount_released = self.amount_released

        reserve_dt = self.reserve_dt.isoformat()

        requested_at = self.requested_at.isoformat()

        updated_at = self.updated_at.isoformat()

        version = self.version

        status_reason: None | str | Unset
        if isinstance(self.status_reason, Unset):
            status_reason = UNSET
        else:
            status_reason = self.status_reason

        paused_until: None | str | Unset
        if isinstance(self.paused_until, Unset):
            paused_until = UNSET
        elif isinstance(self.paused_until, datetime.datetime):
            paused_until = self.paused_until.isoformat()
        else:
            paused_until = self.paused_until

        pause_reason: None | str | Unset
        if isinstance(self.pause_reason, Unset):
            pause_reason = UNSET
        else:
            pause_reason = self.pause_reason

        scheduled_at: None | str | Unset
        if isinstance(self.scheduled_at, Unset):
            scheduled_at = UNSET
        elif isinstance(self.scheduled_at, datetime.datetime):
            scheduled_at = self.scheduled_at.isoformat()
        else:
            scheduled_at = self.scheduled_at

        started_at: None | str | Unset
        if isinstance(self.started_at, Unset):
            started_at = UNSET
        elif isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        finished_at: None | str | Unset
        if isinstance(self.finished_at, Unset):
            finished_at = UNSET
        elif isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        cancelled_at: None | str | Unset
        if isinstance(self.cancelled_at, Unset):
            cancelled_at = UNSET
        elif isinstance(self.cancelled_at, datetime.datetime):
            cancelled_at = self.cancelled_at.isoformat()
        else:
            cancelled_at = self.cancelled_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "reservationId": reservation_id,
                "userId": user_id,
                "msgTitle": msg_title,
                "msgType": msg_type,
                "purpose": purpose,
                "status": status,
                "recipientCount": recipient_count,
                "recipientsReceived": recipients_received,
                "pendingCount": pending_count,
                "submittedCount": submitted_count,
                "deliveredCount": delivered_count,
                "failedCount": failed_count,
                "cancelledCount": cancelled_count,
                "optedOutCount": opted_out_count,
                "progress": progress,
                "amountHeld": amount_held,
                "amountCharged": amount_charged,
                "amountReleased": amount_released,
                "reserveDt": reserve_dt,
                "requestedAt": requested_at,
                "updatedAt": updated_at,
                "version": version,
            }
        )
        if status_reason is not UNSET:
            field_dict["statusReason"] = status_reason
        if paused_until is not UNSET:
            field_dict["pausedUntil"] = paused_until
        if pause_reason is not UNSET:
            field_dict["pauseReason"] = pause_reason
        if scheduled_at is not UNSET:
            field_dict["scheduledAt"] = scheduled_at
        if started_at is not UNSET:
            field_dict["startedAt"] = started_at
        if finished_at is not UNSET:
            field_dict["finishedAt"] = finished_at
        if cancelled_at is not UNSET:
            field_dict["cancelledAt"] = cancelled_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        reservation_id = UUID(d.pop("reservationId"))

        user_id = d.pop("userId")

        msg_title = d.pop("msgTitle")

        msg_type = d.pop("msgType")

        purpose = d.pop("purpose")

        status = d.pop("status")

        recipient_count = d.pop("recipientCount")

        recipients_received = d.pop("recipientsReceived")

        pending_count = d.pop("pendingCount")

        submitted_count = d.pop("submittedCount")

        delivered_count = d.pop("deliveredCount")

        failed_count = d.pop("failedCount")

        cancelled_count = d.pop("cancelledCount")

        opted_out_count = d.pop("optedOutCount")

        progress = d.pop("progress")

        amount_held = d.pop("amountHeld")

        amount_charged = d.pop("amountCharged")

        amount_released = d.pop("amountReleased")

        reserve_dt = datetime.datetime.fromisoformat(d.pop("reserveDt"))

        requested_at = datetime.datetime.fromisoformat(d.pop("requestedAt"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        version = d.pop("version")

        def _parse_status_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        status_reason = _parse_status_reason(d.pop("statusReason", UNSET))

        def _parse_paused_until(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                paused_until_type_0 = datetime.datetime.fromisoformat(data)

                return paused_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        paused_until = _parse_paused_until(d.pop("pausedUntil", UNSET))

        def _parse_pause_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        pause_reason = _parse_pause_reason(d.pop("pauseReason", UNSET))

        def _parse_scheduled_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                scheduled_at_type_0 = datetime.datetime.fromisoformat(data)

                return scheduled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        scheduled_at = _parse_scheduled_at(d.pop("scheduledAt", UNSET))

        def _parse_started_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        started_at = _parse_started_at(d.pop("startedAt", UNSET))

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

        def _parse_cancelled_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                cancelled_at_type_0 = datetime.datetime.fromisoformat(data)

                return cancelled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        cancelled_at = _parse_cancelled_at(d.pop("cancelledAt", UNSET))

        reservation_view = cls(
            reservation_id=reservation_id,
            user_id=user_id,
            msg_title=msg_title,
            msg_type=msg_type,
            purpose=purpose,
            status=status,
            recipient_count=recipient_count,
            recipients_received=recipients_received,
            pending_count=pending_count,
            submitted_count=submitted_count,
            delivered_count=delivered_count,
            failed_count=failed_count,
            cancelled_count=cancelled_count,
            opted_out_count=opted_out_count,
            progress=progress,
            amount_held=amount_held,
            amount_charged=amount_charged,
            amount_released=amount_released,
            reserve_dt=reserve_dt,
            requested_at=requested_at,
            updated_at=updated_at,
            version=version,
            status_reason=status_reason,
            paused_until=paused_until,
            pause_reason=pause_reason,
            scheduled_at=scheduled_at,
            started_at=started_at,
            finished_at=finished_at,
            cancelled_at=cancelled_at,
        )

        reservation_view.additional_properties = d
        return reservation_view

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
