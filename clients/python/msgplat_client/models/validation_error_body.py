from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.field_error_item import FieldErrorItem


T = TypeVar("T", bound="ValidationErrorBody")


@_attrs_define
class ValidationErrorBody:
    """422: the request is well-formed but some fields are wrong, each listed.

    Attributes:
        detail (list[FieldErrorItem]):
        code (str): request_invalid
        error_count (int | None | Unset): When more errors than listed were found
    """

    detail: list[FieldErrorItem]
    code: str
    error_count: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        detail = []
        for detail_item_data in self.detail:
            detail_item = detail_item_data.to_dict()
            detail.append(detail_item)

        code = self.code

        error_count: int | None | Unset
        if isinstance(self.error_count, Unset):
            error_count = UNSET
        else:
            error_count = self.error_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "detail": detail,
                "code": code,
            }
        )
        if error_count is not UNSET:
            field_dict["errorCount"] = error_count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.field_error_item import FieldErrorItem  # noqa: PLC0415

        d = dict(src_dict)
        detail = []
        _detail = d.pop("detail")
        for detail_item_data in _detail:
            detail_item = FieldErrorItem.from_dict(detail_item_data)

            detail.append(detail_item)

        code = d.pop("code")

        def _parse_error_count(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        error_count = _parse_error_count(d.pop("errorCount", UNSET))

        validation_error_body = cls(
            detail=detail,
            code=code,
            error_count=error_count,
        )

        validation_error_body.additional_properties = d
        return validation_error_body

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
