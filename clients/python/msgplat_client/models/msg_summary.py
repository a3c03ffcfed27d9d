from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.msg_summary_pause_rule_type_0 import MsgSummaryPauseRuleType0
from ..types import UNSET, Unset

T = TypeVar("T", bound="MsgSummary")


@_attrs_define
class MsgSummary:
    """
    Attributes:
        reservation_id (UUID):
        user_id (str):
        recipient_count (int):
        pending (int): Not yet handed to a carrier
        submitted (int): With the carrier, waiting for the delivery report
        delivered (int):
        failed (int):
        cancelled (int):
        opted_out (int): Advertising not sent: the number is on the opt-out list
        finished (bool):
        pause_rule (MsgSummaryPauseRuleType0 | None): Why sending is paused (null when not paused)
        pause_reason (None | str):
        paused_until (datetime.datetime | None): When a paused send goes on (null: not paused, or no window opens)
        stuck_reason (None | str | Unset): Why sending cannot go on by itself (null: it can); the operator is alerted
            and sending goes on once they fix it
    """

    reservation_id: UUID
    user_id: str
    recipient_count: int
    pending: int
    submitted: int
    delivered: int
    failed: int
    cancelled: int
    opted_out: int
    finished: bool
    pause_rule: MsgSummaryPauseRuleType0 | None
    pause_reason: None | str
    paused_until: datetime.datetime | None
    stuck_reason: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        reservation_id = str(self.reservation_id)

        user_id = self.user_id

        recipient_count = self.recipient_count

        pending = self.pending

        submitted = self.submitted

        delivered = self.delivered

        failed = self.failed

        cancelled = self.cancelled

        opted_out = self.opted_out

        finished = self.finished

        pause_rule: None | str
        if isinstance(self.pause_rule, MsgSummaryPauseRuleType0):
            pause_rule = self.pause_rule.value
        else:
            pause_rule = self.pause_rule

        pause_reason: None | str
        pause_reason = self.pause_reason

        paused_until: None | str
        if isinstance(self.paused_until, datetime.datetime):
            paused_until = self.paused_until.isoformat()
        else:
            paused_until = self.paused_until

        stuck_reason: None | str | Unset
        if isinstance(self.stuck_reason, Unset):
            stuck_reason = UNSET
        else:
            stuck_reason = self.stuck_reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "reservationId": reservation_id,
                "userId": user_id,
                "recipientCount": recipient_count,
                "pending": pending,
                "submitted": submitted,
                "delivered": delivered,
                "failed": failed,
                "cancelled": cancelled,
                "optedOut": opted_out,
                "finished": finished,
                "pauseRule": pause_rule,
                "pauseReason": pause_reason,
                "pausedUntil": paused_until,
            }
        )
        if stuck_reason is not UNSET:
            field_dict["stuckReason"] = stuck_reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        reservation_id = UUID(d.pop("reservationId"))

        user_id = d.pop("userId")

        recipient_count = d.pop("recipientCount")

        pending = d.pop("pending")

        submitted = d.pop("submitted")

        delivered = d.pop("delivered")

        failed = d.pop("failed")

        cancelled = d.pop("cancelled")

        opted_out = d.pop("optedOut")

        finished = d.pop("finished")

        def _parse_pause_rule(data: object) -> MsgSummaryPauseRuleType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                pause_rule_type_0 = MsgSummaryPauseRuleType0(data)

                return pause_rule_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MsgSummaryPauseRuleType0 | None, data)

        pause_rule = _parse_pause_rule(d.pop("pauseRule"))

        def _parse_pause_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        pause_reason = _parse_pause_reason(d.pop("pauseReason"))

        def _parse_paused_until(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                paused_until_type_0 = datetime.datetime.fromisoformat(data)

                return paused_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        paused_until = _parse_paused_until(d.pop("pausedUntil"))

        def _parse_stuck_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        stuck_reason = _parse_stuck_reason(d.pop("stuckReason", UNSET))

        msg_summary = cls(
            reservation_id=reservation_id,
            user_id=user_id,
            recipient_count=recipient_count,
            pending=pending,
            submitted=submitted,
            delivered=delivered,
            failed=failed,
            cancelled=cancelled,
            opted_out=opted_out,
            finished=finished,
            pause_rule=pause_rule,
            pause_reason=pause_reason,
            paused_until=paused_until,
            stuck_reason=stuck_reason,
        )

        msg_summary.additional_properties = d
        return msg_summary

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
