from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.advertising_rules import AdvertisingRules


T = TypeVar("T", bound="ReservationRules")


@_attrs_define
class ReservationRules:
    """`GET /msgReqs/rules`: the public rules a reservation is held to, for a client to
    show and check before it asks (the server checks them again).

        Attributes:
            now (datetime.datetime): The server's time, to count from
            time_zone (str): The zone of a reserveDt given without an offset
            min_lead_s (int): A given reserveDt is at least this far ahead
            cancel_cutoff_s (int): No cancel nor reschedule in this last stretch before the due time
            horizon_days (int): A reserveDt is at most this many days ahead
            earliest (datetime.datetime): now + minLeadS: the earliest reserveDt accepted
            latest (datetime.datetime): now + horizonDays: the latest reserveDt accepted
            max_recipients (int):
            title_max_bytes (int):
            sms_max_bytes (int):
            lms_max_bytes (int):
            advertising (AdvertisingRules):
    """

    now: datetime.datetime
    time_zone: str
    min_lead_s: int
    cancel_cutoff_s: int
    horizon_days: int
    earliest: datetime.datetime
    latest: datetime.datetime
    max_recipients: int
    title_max_bytes: int
    sms_max_bytes: int
    lms_max_bytes: int
    advertising: AdvertisingRules
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        now = self.now.isoformat()

        time_zone = self.time_zone

        min_lead_s = self.min_lead_s

        cancel_cutoff_s = self.cancel_cutoff_s

        horizon_days = self.horizon_days

        earliest = self.earliest.isoformat()

        latest = self.latest.isoformat()

        max_recipients = self.max_recipients

        title_max_bytes = self.title_max_bytes

        sms_max_bytes = self.sms_max_bytes

        lms_max_bytes = self.lms_max_bytes

        advertising = self.advertising.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "now": now,
                "timeZone": time_zone,
                "minLeadS": min_lead_s,
                "cancelCutoffS": cancel_cutoff_s,
                "horizonDays": horizon_days,
                "earliest": earliest,
                "latest": latest,
                "maxRecipients": max_recipients,
                "titleMaxBytes": title_max_bytes,
                "smsMaxBytes": sms_max_bytes,
                "lmsMaxBytes": lms_max_bytes,
                "advertising": advertising,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.advertising_rules import AdvertisingRules  # noqa: PLC0415

        d = dict(src_dict)
        now = datetime.datetime.fromisoformat(d.pop("now"))

        time_zone = d.pop("timeZone")

        min_lead_s = d.pop("minLeadS")

        cancel_cutoff_s = d.pop("cancelCutoffS")

        horizon_days = d.pop("horizonDays")

        earliest = datetime.datetime.fromisoformat(d.pop("earliest"))

        latest = datetime.datetime.fromisoformat(d.pop("latest"))

        max_recipients = d.pop("maxRecipients")

        title_max_bytes = d.pop("titleMaxBytes")

        sms_max_bytes = d.pop("smsMaxBytes")

        lms_max_bytes = d.pop("lmsMaxBytes")

        advertising = AdvertisingRules.from_dict(d.pop("advertising"))

        reservation_rules = cls(
            now=now,
            time_zone=time_zone,
            min_lead_s=min_lead_s,
            cancel_cutoff_s=cancel_cutoff_s,
            horizon_days=horizon_days,
            earliest=earliest,
            latest=latest,
            max_recipients=max_recipients,
            title_max_bytes=title_max_bytes,
            sms_max_bytes=sms_max_bytes,
            lms_max_bytes=lms_max_bytes,
            advertising=advertising,
        )

        reservation_rules.additional_properties = d
        return reservation_rules

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
