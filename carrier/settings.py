"""The simulator's settings: fixed ones, and the knobs a test or a demo changes per run.

Everything is read from the environment with the prefix `CARRIER_` at start
(`CARRIER_FAILURE_RATE=0.1`, `CARRIER_FAIL_SUFFIXES='{"0000": "3001"}'`...). The knobs
(`Knobs`) can then be changed while the simulator runs with `PUT /admin/config`;
`POST /admin/reset` restores the values it started with.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from msgplat.plumbing.settings import load_settings

_SUFFIX = re.compile(r"[0-9]{1,15}")
_CODE = re.compile(r"[0-9]{4}")

Outage = Literal["none", "error", "hang"]


def _check_suffixes(value: dict[str, str]) -> dict[str, str]:
    for suffix, code in value.items():
        if not _SUFFIX.fullmatch(suffix):
            raise ValueError(f"suffix {suffix!r} must be 1 to 15 digits")
        if not _CODE.fullmatch(code):
            raise ValueError(f"code {code!r} for suffix {suffix!r} must be 4 digits")
    return value


class Knobs(BaseModel):
    """What a test or a demo sets per run (`GET`/`PUT /admin/config`)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    failure_rate: float = Field(
        default=0.0, ge=0, le=1, description="Share of accepted messages that fail (code 3002)"
    )
    seed: int = Field(default=0, description="Seed of the random failures, jitter, duplicates")
    fail_suffixes: dict[str, str] = Field(
        default_factory=lambda: {"0000": "3001"},
        description="Recipient number suffix -> failure code of its delivery report",
    )
    blocked_suffixes: dict[str, str] = Field(
        default_factory=dict,
        description="Recipient number suffix -> rejection code at submit (normally 1002)",
    )
    latency_ms: int = Field(default=0, ge=0, le=600_000, description="Added to each submit")
    report_delay_ms: int = Field(
        default=200, ge=0, le=3_600_000, description="From acceptance to the report being due"
    )
    report_jitter_ms: int = Field(
        default=0, ge=0, le=3_600_000, description="Random extra delay, 0 to this, per report"
    )
    outage: Outage = Field(
        default="none", description="none | error (503 + Retry-After) | hang (no answer)"
    )
    outage_retry_after_s: int = Field(default=1, ge=1, le=3600)
    duplicate_report_rate: float = Field(
        default=0.0, ge=0, le=1, description="Share of reports that are sent twice"
    )
    reorder_reports: bool = Field(default=False, description="Shuffle each batch of reports")
    max_per_second: float = Field(
        default=0, ge=0, description="Accepted messages per second; over it 429; 0 = no cap"
    )
    report_batch_size: int = Field(default=500, ge=1, le=5000, description="Reports per POST")
    report_flush_ms: int = Field(default=50, ge=1, le=60_000, description="Flusher period")
    deduplicate: bool = Field(
        default=True,
        description="A ref received again is answered as before and not sent again; false: "
        "it is sent again (a new message id and report), as a real carrier would send a "
        "duplicate to the handset, and counted in `duplicates`",
    )
    report_retry_for_s: float = Field(
        default=300, ge=0, description="How long a report POST answered 5xx is retried"
    )

    @field_validator("fail_suffixes", "blocked_suffixes")
    @classmethod
    def _suffixes(cls, value: dict[str, str]) -> dict[str, str]:
        return _check_suffixes(value)


class CarrierSettings(Knobs, BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CARRIER_", env_file=".env", extra="ignore", validate_assignment=False
    )

    service_name: str = "carrier"
    # No defaults: a default key or token would be known to everyone.
    api_key: str = Field(min_length=1, description="Bearer key clients submit with")
    callback_token: str = Field(
        min_length=1, description="Bearer token sent with every report POST"
    )
    report_concurrency: int = Field(default=4, ge=1, le=64, description="Report POSTs in flight")
    report_timeout_s: float = Field(default=10.0, gt=0, description="Per report POST")
    report_queue_max: int = Field(
        default=2_000_000, ge=1, description="Pending reports beyond which submits get 429"
    )
    max_body_bytes: int = Field(default=16 * 1024 * 1024, ge=1024)
    drain_reports_on_stop_s: float = Field(
        default=0,
        ge=0,
        le=60,
        description="On shutdown, go on sending the reports of accepted messages for up to "
        "this long (a carrier that stops taking messages still reports those it took)",
    )
    log_level: str = Field(
        default="INFO", validation_alias=AliasChoices("CARRIER_LOG_LEVEL", "LOG_LEVEL")
    )
    log_json: bool = Field(
        default=True, validation_alias=AliasChoices("CARRIER_LOG_JSON", "LOG_JSON")
    )

    def knobs(self) -> Knobs:
        return Knobs.model_validate(self.model_dump(include=set(Knobs.model_fields)))


def get_settings() -> CarrierSettings:
    return load_settings(CarrierSettings)  # SettingsError names what is missing
