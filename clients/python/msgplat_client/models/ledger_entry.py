from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.ledger_entry_kind import LedgerEntryKind

T = TypeVar("T", bound="LedgerEntry")


@_attrs_define
class LedgerEntry:
    """One append-only ledger entry; the balance is the sum of them.

    Attributes:
        id (int):
        kind (LedgerEntryKind):
        amount (int): KRW, >= 0; the kind says which way it moved
        count (int | None): Messages the entry is for
        msg_type (None | str):
        reservation_id (None | UUID):
        event_id (None | UUID): The event that caused it (none for top-ups)
        note (None | str):
        actor (None | str): Who made a top-up: the operator's user id, `cli:<name>` (the command line), `DEMO_ACCOUNTS`
            (start-up); none for the saga's entries
        available_after (int):
        held_after (int):
        charged_after (int):
        at (datetime.datetime):
    """

    id: int
    kind: LedgerEntryKind
    amount: int
    count: int | None
    msg_type: None | str
    reservation_id: None | UUID
    event_id: None | UUID
    note: None | str
    actor: None | str
    available_after: int
    held_after: int
    charged_after: int
    at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        kind = self.kind.value

        amount = self.amount

        count: int | None
        count = self.count

        msg_type: None | str
        msg_type = self.msg_type

        reservation_id: None | str
        if isinstance(self.reservation_id, UUID):
            reservation_id = str(self.reservation_id)
        else:
            reservation_id = self.reservation_id

        event_id: None | str
        if isinstance(self.event_id, UUID):
            event_id = str(self.event_id)
        else:
            event_id = self.event_id

        note: None | str
        note = self.note

        actor: None | str
        actor = self.actor

        available_after = self.available_after

        held_after = self.held_after

        charged_after = self.charged_after

        at = self.at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "kind": kind,
                "amount": amount,
                "count": count,
                "msgType": msg_type,
                "reservationId": reservation_id,
                "eventId": event_id,
                "note": note,
                "actor": actor,
                "availableAfter": available_after,
                "heldAfter": held_after,
                "chargedAfter": charged_after,
                "at": at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        kind = LedgerEntryKind(d.pop("kind"))

        amount = d.pop("amount")

        def _parse_count(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        count = _parse_count(d.pop("count"))

        def _parse_msg_type(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        msg_type = _parse_msg_type(d.pop("msgType"))

        def _parse_reservation_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                reservation_id_type_0 = UUID(data)

                return reservation_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        reservation_id = _parse_reservation_id(d.pop("reservationId"))

        def _parse_event_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                event_id_type_0 = UUID(data)

                return event_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        event_id = _parse_event_id(d.pop("eventId"))

        def _parse_note(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        note = _parse_note(d.pop("note"))

        def _parse_actor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        actor = _parse_actor(d.pop("actor"))

        available_after = d.pop("availableAfter")

        held_after = d.pop("heldAfter")

        charged_after = d.pop("chargedAfter")

        at = datetime.datetime.fromisoformat(d.pop("at"))

        ledger_entry = cls(
            id=id,
            kind=kind,
            amount=amount,
            count=count,
            msg_type=msg_type,
            reservation_id=reservation_id,
            event_id=event_id,
            note=note,
            actor=actor,
            available_after=available_after,
            held_after=held_after,
            charged_after=charged_after,
            at=at,
        )

        ledger_entry.additional_properties = d
        return ledger_entry

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
