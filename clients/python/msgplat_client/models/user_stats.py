from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.counts import Counts
    from ..models.day_stat import DayStat


T = TypeVar("T", bound="UserStats")


@_attrs_define
class UserStats:
    """A customer's statistics over a period (the seed's `stats`).

    Attributes:
        user_id (str):
        from_ (datetime.date):
        to (datetime.date):
        stat (Counts): Messages by outcome over some scope (a period, a day, a reservation).
        history (list[DayStat]): One per day with data, oldest first
    """

    user_id: str
    from_: datetime.date
    to: datetime.date
    stat: Counts
    history: list[DayStat]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        from_ = self.from_.isoformat()

        to = self.to.isoformat()

        stat = self.stat.to_dict()

        history = []
        for history_item_data in self.history:
            history_item = history_item_data.to_dict()
            history.append(history_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "userId": user_id,
                "from": from_,
                "to": to,
                "stat": stat,
                "history": history,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.counts import Counts  # noqa: PLC0415
        from ..models.day_stat import DayStat  # noqa: PLC0415

        d = dict(src_dict)
        user_id = d.pop("userId")

        from_ = datetime.date.fromisoformat(d.pop("from"))

        to = datetime.date.fromisoformat(d.pop("to"))

        stat = Counts.from_dict(d.pop("stat"))

        history = []
        _history = d.pop("history")
        for history_item_data in _history:
            history_item = DayStat.from_dict(history_item_data)

            history.append(history_item)

        user_stats = cls(
            user_id=user_id,
            from_=from_,
            to=to,
            stat=stat,
            history=history,
        )

        user_stats.additional_properties = d
        return user_stats

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
