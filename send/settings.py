from __future__ import annotations

from typing import Self, get_args

from pydantic import BaseModel, ConfigDict, Field, IPvAnyNetwork, model_validator
from pydantic_settings import SettingsConfigDict

from msgplat.contracts.events import MsgType, Purpose
from msgplat.plumbing.settings import ServiceSettings, load_settings
from msgplat.plumbing.windows import HoursText, Windows, ZoneName, daily

MSG_TYPES: tuple[str, ...] = get_args(MsgType)


class CarrierConfig(BaseModel):
    """One carrier of `CARRIERS` (camelCase or snake_case keys)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    name: str = Field(
        min_length=1,
        max_length=32,
        pattern=r"^[A-Za-z0-9._-]+$",
        description="Recorded on the messages it takes",
    )
    url: str = Field(pattern=r"^https?://\S+$", description="The carrier API's base URL")
    api_key: str = Field(alias="apiKey", min_length=1, description="Bearer key for its API")
    callback_token: str = Field(
        alias="callbackToken",
        min_length=1,
        description="Bearer token it sends with its reports (on its own path, "
        "`/carrier/reports/<name>`)",
    )
    report_sources: list[IPvAnyNetwork] | None = Field(
        default=None,
        alias="reportSources",
        description="Addresses or networks its reports may come from (e.g. "
        '`["203.0.113.0/24"]`); unset, any address with its token',
    )


class SendSettings(ServiceSettings):
    # A refused setting is named, its value not shown: CARRIERS holds keys and tokens.
    model_config = SettingsConfigDict(hide_input_in_errors=True)

    service_name: str = "send"

    carrier_name: str = Field(
        default="sim",
        max_length=32,
        pattern=r"^[A-Za-z0-9._-]+$",
        description="Recorded on every message it sends",
    )
    carrier_url: str = Field(default="http://127.0.0.1:8090", description="Carrier API base URL")
    # The carrier's credentials have no default: a default would be known to everyone.
    carrier_api_key: str | None = Field(
        default=None,
        min_length=1,
        description="Bearer key for the carrier API (required unless `CARRIERS` is set)",
    )
    carrier_callback_token: str | None = Field(
        default=None,
        min_length=1,
        description="Bearer token the carrier sends with its reports (required unless "
        "`CARRIERS` is set)",
    )
    carrier_report_sources: list[IPvAnyNetwork] | None = Field(
        default=None,
        description='JSON list of the addresses or networks (`["203.0.113.0/24"]`) the '
        "carrier's reports may come from; unset, any address with its token",
    )
    # Several carriers and failover (carrier_router.py). Unset, the one carrier above.
    carriers: list[CarrierConfig] | None = Field(
        default=None,
        description='JSON list of carriers `[{"name", "url", "apiKey", "callbackToken"}]` '
        '(and optionally `"reportSources"`); when set it replaces `CARRIER_NAME`/`_URL`/'
        "`_API_KEY`/`_CALLBACK_TOKEN`/`_REPORT_SOURCES`",
    )
    carrier_priority: dict[str, list[str]] | None = Field(
        default=None,
        description='JSON `{"SMS": ["sim", "sim-b"], "LMS": [...]}`: the carriers a batch of '
        "that type tries, in order (a type not listed: every carrier in `CARRIERS` order)",
    )
    carrier_retryable_codes: list[str] = Field(
        default=["1003"],
        description="JSON list of per-message rejection codes worth another carrier (the "
        "simulator's 1003, route unavailable); other rejections are final",
    )
    report_callback_url: str = Field(
        default="http://127.0.0.1:8082/carrier/reports",
        description="Where the carriers push delivery reports (this service, as they reach "
        "it): each carrier to its own path below it, `<this URL>/<carrier name>`",
    )
    carrier_timeout_s: float = Field(default=5.0, gt=0)
    carrier_batch_size: int = Field(default=1000, ge=1, le=1000)
    send_rate_per_s: float = Field(
        default=0,
        ge=0,
        description="Messages per second per replica, of every purpose but the "
        "`PRIORITY_PURPOSES`; 0 = no cap",
    )
    priority_rate_per_s: float = Field(
        default=0,
        ge=0,
        description="Messages per second per replica of the `PRIORITY_PURPOSES` (a lane "
        "of its own: the bulk's cap never delays a code); 0 = no cap",
    )
    max_attempts: int = Field(
        default=10, ge=1, description="Failed submit attempts before a message fails"
    )
    message_expiry_s: float = Field(
        default=3600, gt=0, description="A message not handed over this long after due fails"
    )
    report_timeout_s: float = Field(
        default=72 * 3600,
        gt=0,
        description="A message with no delivery report this long after submit fails (P003)",
    )
    notice_sender_num: str = Field(
        default="15880000",
        min_length=1,
        max_length=20,
        pattern=r"^[0-9]+$",
        description="The platform's own (registered) callback number: the sender of the "
        "notices, the customers' status alerts and the codes that verify their numbers",
    )
    breaker_threshold: int = Field(default=3, ge=1)
    breaker_open_s: float = Field(default=5.0, gt=0)
    scheduler_interval_s: float = Field(default=0.2, gt=0, le=5)
    lease_s: float = Field(default=15.0, ge=1)
    max_parallel_jobs: int = Field(
        default=8,
        ge=1,
        le=256,
        description="Reservations a replica sends at once, besides those of its priority lane",
    )
    priority_purposes: list[Purpose] = Field(
        default=["authentication"],
        description="The purposes sent in a lane of their own (`PRIORITY_PARALLEL_JOBS` "
        "slots, claimed first): a bulk send never holds back a verification code",
    )
    priority_parallel_jobs: int = Field(
        default=32,
        ge=1,
        le=256,
        description="Jobs of the `PRIORITY_PURPOSES` a replica sends at once",
    )

    # When messages may go out (gating.py); the same names as reservation's.
    ad_sending_hours: HoursText = Field(
        default="08:00-21:00",
        description="When advertising may be sent, every day (`HH:MM-HH:MM`, seconds "
        "optional; an end before the start runs past midnight): outside, a send pauses",
    )
    ad_sending_timezone: ZoneName = Field(
        default="Asia/Seoul", description="The time zone of `AD_SENDING_HOURS`"
    )

    @property
    def advertising_hours(self) -> Windows:
        return daily(self.ad_sending_hours, self.ad_sending_timezone)

    @model_validator(mode="after")
    def _check_carriers(self) -> Self:
        self.carrier_orders()  # refuses an inconsistent configuration at start
        return self

    def carrier_configs(self) -> list[CarrierConfig]:
        """`CARRIERS`, or the one carrier of the `CARRIER_*` settings."""
        if self.carriers is not None:
            return self.carriers
        assert self.carrier_api_key and self.carrier_callback_token  # checked at start
        return [
            CarrierConfig(
                name=self.carrier_name,
                url=self.carrier_url,
                api_key=self.carrier_api_key,
                callback_token=self.carrier_callback_token,
                report_sources=self.carrier_report_sources,
            )
        ]

    def carrier_config(self, name: str) -> CarrierConfig | None:
        """The carrier called `name`, if one is configured."""
        return next((c for c in self.carrier_configs() if c.name == name), None)

    def carrier_orders(self) -> dict[str, list[str]]:
        """The carriers each message type tries, in order; ValueError naming the setting."""
        if self.carriers is None:
            missing = [
                name
                for name, value in (
                    ("CARRIER_API_KEY", self.carrier_api_key),
                    ("CARRIER_CALLBACK_TOKEN", self.carrier_callback_token),
                )
                if not value
            ]
            if missing:
                verb = "is" if len(missing) == 1 else "are"
                raise ValueError(
                    f"{' and '.join(missing)} {verb} required: the carrier's credentials (no "
                    "default: a default would be everyone's), or CARRIERS for several carriers"
                )
        configs = self.carrier_configs()
        if not configs:
            raise ValueError("CARRIERS: give at least one carrier")
        names = [c.name for c in configs]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"CARRIERS: each carrier needs its own name; repeated: {repeated}")
        tokens = [c.callback_token for c in configs]
        sharing = [c.name for c in configs if tokens.count(c.callback_token) > 1]
        if sharing:  # a report's token says which carrier sent it
            raise ValueError(f"CARRIERS: carriers {sharing} share one callbackToken")
        orders = {msg_type: list(names) for msg_type in MSG_TYPES}
        for msg_type, order in (self.carrier_priority or {}).items():
            if msg_type not in MSG_TYPES:
                raise ValueError(
                    f"CARRIER_PRIORITY: unknown message type {msg_type!r} "
                    f"(known: {', '.join(MSG_TYPES)})"
                )
            unknown = [n for n in order if n not in names]
            if unknown:
                raise ValueError(
                    f"CARRIER_PRIORITY[{msg_type}]: no carrier named {', '.join(unknown)} "
                    f"in CARRIERS ({', '.join(names)})"
                )
            if not order or len(set(order)) != len(order):
                raise ValueError(
                    f"CARRIER_PRIORITY[{msg_type}]: list one or more carriers, each once"
                )
            orders[msg_type] = list(order)
        return orders


def get_settings() -> SendSettings:
    return load_settings(SendSettings)  # SettingsError names what is missing
