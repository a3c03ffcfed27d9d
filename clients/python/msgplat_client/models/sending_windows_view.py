from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.sending_windows_view_purposes_item import SendingWindowsViewPurposesItem
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.sending_window import SendingWindow


T = TypeVar("T", bound="SendingWindowsView")


@_attrs_define
class SendingWindowsView:
    """A customer's sending windows; `windows` is empty (and the times null) when none
    are set: sending is not limited.

        Attributes:
            user_id (str):
            time_zone (str):
            windows (list[SendingWindow]):
            purposes (list[SendingWindowsViewPurposesItem]):
            created_at (datetime.datetime | None | Unset):
            updated_at (datetime.datetime | None | Unset):
    """

    user_id: str
    time_zone: str
    windows: list[SendingWindow]
    purposes: list[SendingWindowsViewPurposesItem]
    created_at: datetime.datetime | None | Unset = UNSET
    updated_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        time_zone = self.time_zone

        windows = []
        for windows_item_data in self.windows:
            windows_item = windows_item_data.to_dict()
            windows.append(windows_item)

        purposes = []
        for purposes_item_data in self.purposes:
            purposes_item = purposes_item_data.value
            purposes.append(purposes_item)

        created_at: None | str | Unset
        if isinstance(self.created_at, Unset):
            created_at = UNSET
        elif isinstance(self.created_at, datetime.datetime):
            created_at = self.created_at.isoformat()
        else:
            created_at = self.created_at

        updated_at: None | str | Unset
        if isinstance(self.updated_at, Unset):
            updated_at = UNSET
        elif isinstance(self.updated_at, datetime.datetime):
            updated_at = self.updated_at.isoformat()
        else:
            updated_at = self.updated_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "userId": user_id,
                "timeZone": time_zone,
                "windows": windows,
                "purposes": purposes,
            }
        )
        if created_at is not UNSET:
            field_dict["createdAt"] = created_at
        if updated_at is not UNSET:
            field_dict["updatedAt"] = updated_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.sending_window import SendingWindow  # noqa: PLC0415

        d = dict(src_dict)
        user_id = d.pop("userId")

        time_zone = d.pop("timeZone")

        windows = []
        _windows = d.pop("windows")
        for windows_item_data in _windows:
            windows_item = SendingWindow.from_dict(windows_item_data)

            windows.append(windows_item)

        purposes = []
        _purposes = d.pop("purposes")
        for purposes_item_data in _purposes:
            purposes_item = SendingWindowsViewPurposesItem(purposes_item_data)

            purposes.append(purposes_item)

        def _parse_created_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_at_type_0 = datetime.datetime.fromisoformat(data)

                return created_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        created_at = _parse_created_at(d.pop("createdAt", UNSET))

        def _parse_updated_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                updated_at_type_0 = datetime.datetime.fromisoformat(data)

                return updated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        updated_at = _parse_updated_at(d.pop("updatedAt", UNSET))

        sending_windows_view = cls(
            user_id=user_id,
            time_zone=time_zone,
            windows=windows,
            purposes=purposes,
            created_at=created_at,
            updated_at=updated_at,
        )

        sending_windows_view.additional_properties = d
        return sending_windows_view

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
