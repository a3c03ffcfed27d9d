from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.msg_req_recipient_variables import MsgReqRecipientVariables


T = TypeVar("T", bound="MsgReqRecipient")


@_attrs_define
class MsgReqRecipient:
    """One recipient of a personalised reservation, with the values of its variables.

    Attributes:
        dst_num (str): The recipient's number
        variables (MsgReqRecipientVariables | Unset): Values of the message's #{name} variables for this recipient
    """

    dst_num: str
    variables: MsgReqRecipientVariables | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        dst_num = self.dst_num

        variables: dict[str, Any] | Unset = UNSET
        if not isinstance(self.variables, Unset):
            variables = self.variables.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "dstNum": dst_num,
            }
        )
        if variables is not UNSET:
            field_dict["variables"] = variables

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.msg_req_recipient_variables import MsgReqRecipientVariables  # noqa: PLC0415

        d = dict(src_dict)
        dst_num = d.pop("dstNum")

        _variables = d.pop("variables", UNSET)
        variables: MsgReqRecipientVariables | Unset
        if isinstance(_variables, Unset):
            variables = UNSET
        else:
            variables = MsgReqRecipientVariables.from_dict(_variables)

        msg_req_recipient = cls(
            dst_num=dst_num,
            variables=variables,
        )

        return msg_req_recipient
