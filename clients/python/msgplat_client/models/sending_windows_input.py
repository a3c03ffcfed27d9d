from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.sending_windows_input_purposes_item import SendingWindowsInputPurposesItem
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.sending_window import SendingWindow


T = TypeVar("T", bound="SendingWindowsInput")


@_attrs_define
class SendingWindowsInput:
    """
    Attributes:
        time_zone (str):
        windows (list[SendingWindow]): Sending may go on inside any of them
        user_id (None | str | Unset): Optional: the customer comes from the credentials. If given, it must be the
            authenticated customer; an operator names the customer acted for.
        purposes (list[SendingWindowsInputPurposesItem] | Unset): The purposes held to the windows (authentication never
            is)
    """

    time_zone: str
    windows: list[SendingWindow]
    user_id: None | str | Unset = UNSET
    purposes: list[SendingWindowsInputPurposesItem] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        time_zone = self.time_zone

        windows = []
        for windows_item_data in self.windows:
            windows_item = windows_item_data.to_dict()
            windows.append(windows_item)

        user_id: None | str | Unset
        if isinstance(self.user_id, Unset):
            user_id = UNSET
        else:
            user_id = self.user_id

        purposes: list[str] | Unset = UNSET
        if not isinstance(self.purposes, Unset):
            purposes = []
            for purposes_item_data in self.purposes:
                purposes_item = purposes_item_data.value
                purposes.append(purposes_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "timeZone": time_zone,
                "windows": windows,
            }
        )
        if user_id is not UNSET:
            field_dict["userId"] = user_id
        if purposes is not UNSET:
            field_dict["purposes"] = purposes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.sending_window import SendingWindow  # noqa: PLC0415

        d = dict(src_dict)
        time_zone = d.pop("timeZone")

        windows = []
        _windows = d.pop("windows")
        for windows_item_data in _windows:
            windows_item = SendingWindow.from_dict(windows_item_data)

            windows.append(windows_item)

        def _parse_user_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        user_id = _parse_user_id(d.pop("userId", UNSET))

        _purposes = d.pop("purposes", UNSET)
        purposes: list[SendingWindowsInputPurposesItem] | Unset = UNSET
        if _purposes is not UNSET:
            purposes = []
            for purposes_item_data in _purposes:
                purposes_item = SendingWindowsInputPurposesItem(purposes_item_data)

                purposes.append(purposes_item)

        sending_windows_input = cls(
            time_zone=time_zone,
            windows=windows,
            user_id=user_id,
            purposes=purposes,
        )

        sending_windows_input.additional_properties = d
        return sending_windows_input

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
