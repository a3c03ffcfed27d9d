from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.reservation_charges_status import ReservationChargesStatus

if TYPE_CHECKING:
    from ..models.charges_by_type import ChargesByType


T = TypeVar("T", bound="ReservationCharges")


@_attrs_define
class ReservationCharges:
    """What billing held, captured and released for one reservation (reconciliation).

    Attributes:
        reservation_id (UUID):
        user_id (str):
        status (ReservationChargesStatus):
        msg_type (str): The reservation's type (the largest when mixed)
        unit_price (int): KRW per message of msgType
        count (int):
        amount (int): KRW for every message: held, unless refused
        held (int): KRW still held
        captured_count (int):
        captured_amount (int):
        released_count (int):
        released_amount (int):
        reason (None | str): Why it was refused
        created_at (datetime.datetime):
        closed_at (datetime.datetime | None):
        by_type (list[ChargesByType]): Per message type (personalised reservations mix SMS and LMS)
    """

    reservation_id: UUID
    user_id: str
    status: ReservationChargesStatus
    msg_type: str
    unit_price: int
    count: int
    amount: int
    held: int
    captured_count: int
    captured_amount: int
    released_count: int
    released_amount: int
    reason: None | str
    created_at: datetime.datetime
    closed_at: datetime.datetime | None
    by_type: list[ChargesByType]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        reservation_id = str(self.reservation_id)

        user_id = self.user_id

        status = self.status.value

        msg_type = self.msg_type

        unit_price = self.unit_price

        count = self.count

        amount = self.amount

        held = self.held

        captured_count = self.captured_count

        captured_amount = self.captured_amount

        released_count = self.released_count

        released_amount = self.released_amount

        reason: None | str
        reason = self.reason

        created_at = self.created_at.isoformat()

        closed_at: None | str
        if isinstance(self.closed_at, datetime.datetime):
            closed_at = self.closed_at.isoformat()
        else:
            closed_at = self.closed_at

        by_type = []
        for by_type_item_data in self.by_type:
            by_type_item = by_type_item_data.to_dict()
            by_type.append(by_type_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "reservationId": reservation_id,
                "userId": user_id,
                "status": status,
                "msgType": msg_type,
                "unitPrice": unit_price,
                "count": count,
                "amount": amount,
                "held": held,
                "capturedCount": captured_count,
                "capturedAmount": captured_amount,
                "releasedCount": released_count,
                "releasedAmount": released_amount,
                "reason": reason,
                "createdAt": created_at,
                "closedAt": closed_at,
                "byType": by_type,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.charges_by_type import ChargesByType  # noqa: PLC0415

        d = dict(src_dict)
        reservation_id = UUID(d.pop("reservationId"))

        user_id = d.pop("userId")

        status = ReservationChargesStatus(d.pop("status"))

        msg_type = d.pop("msgType")

        unit_price = d.pop("unitPrice")

        count = d.pop("count")

        amount = d.pop("amount")

        held = d.pop("held")

        captured_count = d.pop("capturedCount")

        captured_amount = d.pop("capturedAmount")

        released_count = d.pop("releasedCount")

        released_amount = d.pop("releasedAmount")

        def _parse_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reason = _parse_reason(d.pop("reason"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        def _parse_closed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                closed_at_type_0 = datetime.datetime.fromisoformat(data)

                return closed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        closed_at = _parse_closed_at(d.pop("closedAt"))

        by_type = []
        _by_type = d.pop("byType")
        for by_type_item_data in _by_type:
            by_type_item = ChargesByType.from_dict(by_type_item_data)

            by_type.append(by_type_item)

        reservation_charges = cls(
            reservation_id=reservation_id,
            user_id=user_id,
            status=status,
            msg_type=msg_type,
            unit_price=unit_price,
            count=count,
            amount=amount,
            held=held,
            captured_count=captured_count,
            captured_amount=captured_amount,
            released_count=released_count,
            released_amount=released_amount,
            reason=reason,
            created_at=created_at,
            closed_at=closed_at,
            by_type=by_type,
        )

        reservation_charges.additional_properties = d
        return reservation_charges

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
