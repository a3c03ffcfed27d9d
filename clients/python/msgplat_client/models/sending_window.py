from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.sending_window_days_item import SendingWindowDaysItem

T = TypeVar("T", bound="SendingWindow")


@_attrs_define
class SendingWindow:
    """
    Attributes:
        days (list[SendingWindowDaysItem]):
        start (str): HH:MM or HH:MM:SS, local time
        end (str): HH:MM or HH:MM:SS; 24:00 is midnight at the end of the day, and an end before the start runs past
            midnight
    """

    days: list[SendingWindowDaysItem]
    start: str
    end: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        days = []
        for days_item_data in self.days:
            days_item = days_item_data.value
            days.append(days_item)

        start = self.start

        end = self.end

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "days": days,
                "start": start,
                "end": end,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        days = []
        _days = d.pop("days")
        for days_item_data in _days:
            days_item = SendingWindowDaysItem(days_item_data)

            days.append(days_item)

        start = d.pop("start")

        end = d.pop("end")

        sending_window = cls(
            days=days,
            start=start,
            end=end,
        )

        sending_window.additional_properties = d
        return sending_window

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
