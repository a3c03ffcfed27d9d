from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.carrier_stat import CarrierStat


T = TypeVar("T", bound="CarrierStats")


@_attrs_define
class CarrierStats:
    """`GET /stats/carriers`: a customer's delivered and failed messages per carrier over
    a period (messages no carrier took are in no carrier's counts).

        Attributes:
            user_id (str):
            from_ (datetime.date):
            to (datetime.date):
            items (list[CarrierStat]): One per carrier with data, by name
    """

    user_id: str
    from_: datetime.date
    to: datetime.date
    items: list[CarrierStat]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        from_ = self.from_.isoformat()

        to = self.to.isoformat()

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "userId": user_id,
                "from": from_,
                "to": to,
                "items": items,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.carrier_stat import CarrierStat  # noqa: PLC0415

        d = dict(src_dict)
        user_id = d.pop("userId")

        from_ = datetime.date.fromisoformat(d.pop("from"))

        to = datetime.date.fromisoformat(d.pop("to"))

        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = CarrierStat.from_dict(items_item_data)

            items.append(items_item)

        carrier_stats = cls(
            user_id=user_id,
            from_=from_,
            to=to,
            items=items,
        )

        carrier_stats.additional_properties = d
        return carrier_stats

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
