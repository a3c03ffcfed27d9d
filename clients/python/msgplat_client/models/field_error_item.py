from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.field_error_item_ctx_type_0 import FieldErrorItemCtxType0


T = TypeVar("T", bound="FieldErrorItem")


@_attrs_define
class FieldErrorItem:
    """One problem of a request: where (`loc`), what (`msg`), its kind (`type`).

    Attributes:
        loc (list[int | str]): Where: e.g. ["body", "dstNum", 3]
        msg (str):
        type_ (str): The kind of problem, stable: e.g. missing, phone_invalid
        input_ (Any | Unset): The value refused (long text cut)
        ctx (FieldErrorItemCtxType0 | None | Unset): Values to word it with
    """

    loc: list[int | str]
    msg: str
    type_: str
    input_: Any | Unset = UNSET
    ctx: FieldErrorItemCtxType0 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.field_error_item_ctx_type_0 import FieldErrorItemCtxType0  # noqa: PLC0415

        loc = []
        for loc_item_data in self.loc:
            loc_item: int | str
            loc_item = loc_item_data
            loc.append(loc_item)

        msg = self.msg

        type_ = self.type_

        input_ = self.input_

        ctx: dict[str, Any] | None | Unset
        if isinstance(self.ctx, Unset):
            ctx = UNSET
        elif isinstance(self.ctx, FieldErrorItemCtxType0):
            ctx = self.ctx.to_dict()
        else:
            ctx = self.ctx

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "loc": loc,
                "msg": msg,
                "type": type_,
            }
        )
        if input_ is not UNSET:
            field_dict["input"] = input_
        if ctx is not UNSET:
            field_dict["ctx"] = ctx

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.field_error_item_ctx_type_0 import FieldErrorItemCtxType0  # noqa: PLC0415

        d = dict(src_dict)
        loc = []
        _loc = d.pop("loc")
        for loc_item_data in _loc:

            def _parse_loc_item(data: object) -> int | str:
                return cast(int | str, data)

            loc_item = _parse_loc_item(loc_item_data)

            loc.append(loc_item)

        msg = d.pop("msg")

        type_ = d.pop("type")

        input_ = d.pop("input", UNSET)

        def _parse_ctx(data: object) -> FieldErrorItemCtxType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                ctx_type_0 = FieldErrorItemCtxType0.from_dict(data)

                return ctx_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FieldErrorItemCtxType0 | None | Unset, data)

        ctx = _parse_ctx(d.pop("ctx", UNSET))

        field_error_item = cls(
            loc=loc,
            msg=msg,
            type_=type_,
            input_=input_,
            ctx=ctx,
        )

        field_error_item.additional_properties = d
        return field_error_item

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
