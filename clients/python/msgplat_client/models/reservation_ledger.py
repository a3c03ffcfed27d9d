from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ReservationLedger")


@_attrs_define
class ReservationLedger:
    """A reservation's ledger entries summed up: what was held for it, charged for its
    delivered messages and released for the others.

        Attributes:
            reservation_id (UUID):
            msg_type (None | str):
            held (int): KRW taken from the available balance and held
            charged (int): KRW of the held charged for delivered messages
            released (int): KRW of the held given back to the available balance
            still_held (int): held - charged - released
            held_messages (int):
            charged_messages (int):
            released_messages (int):
            first_at (datetime.datetime):
            last_at (datetime.datetime):
            entries (int):
    """

    reservation_id: UUID
    msg_type: None | str
    held: int
    charged: int
    released: int
    still_held: int
    held_messages: int
    charged_messages: int
    released_messages: int
    first_at: datetime.datetime
    last_at: datetime.datetime
    entries: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        reservation_id = str(self.reservation_id)

        msg_type: None | str
        msg_type = self.msg_type

        held = self.held

        charged = self.charged

        released = self.released

        still_held = self.still_held

        held_messages = self.held_messages

        charged_messages = self.charged_messages

        released_messages = self.released_messages

        first_at = self.first_at.isoformat()

        last_at = self.last_at.isoformat()

        entries = self.entries

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "reservationId": reservation_id,
                "msgType": msg_type,
                "held": held,
                "charged": charged,
                "released": released,
                "stillHeld": still_held,
                "heldMessages": held_messages,
                "chargedMessages": charged_messages,
                "releasedMessages": released_messages,
                "firstAt": first_at,
                "lastAt": last_at,
                "entries": entries,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        reservation_id = UUID(d.pop("reservationId"))

        def _parse_msg_type(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        msg_type = _parse_msg_type(d.pop("msgType"))

        held = d.pop("held")

        charged = d.pop("charged")

        released = d.pop("released")

        still_held = d.pop("stillHeld")

        held_messages = d.pop("heldMessages")

        charged_messages = d.pop("chargedMessages")

        released_messages = d.pop("releasedMessages")

        first_at = datetime.datetime.fromisoformat(d.pop("firstAt"))

        last_at = datetime.datetime.fromisoformat(d.pop("lastAt"))

        entries = d.pop("entries")

        reservation_ledger = cls(
            reservation_id=reservation_id,
            msg_type=msg_type,
            held=held,
            charged=charged,
            released=released,
            still_held=still_held,
            held_messages=held_messages,
            charged_messages=charged_messages,
            released_messages=released_messages,
            first_at=first_at,
            last_at=last_at,
            entries=entries,
        )

        reservation_ledger.additional_properties = d
        return reservation_ledger

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
