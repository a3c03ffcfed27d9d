from __future__ import annotations

from pydantic import Field

from msgplat.plumbing.settings import ServiceSettings, load_settings
from msgplat.plumbing.windows import HoursText, Windows, ZoneName, daily


class ReservationSettings(ServiceSettings):
    service_name: str = "reservation"
    default_timezone: ZoneName = Field(
        default="Asia/Seoul", description="Zone of a reserveDt given without an offset"
    )
    reserve_past_tolerance_s: int = Field(default=60, ge=0, le=3600)
    reserve_horizon_days: int = Field(default=90, ge=1, le=3650)
    reserve_min_lead_s: int = Field(
        default=600,
        ge=0,
        le=86_400,
        description="A given reserveDt must be at least this many seconds ahead, so that "
        "credit is held and the recipients are with the send service before it is due "
        "(an absent reserveDt, send now, is exempt)",
    )
    cancel_cutoff_s: int = Field(
        default=300,
        ge=0,
        le=86_400,
        description="A reservation not yet sending cannot be cancelled during the last "
        "this many seconds before its due time (once due it is being sent, and a cancel "
        "stops the rest); keep it below RESERVE_MIN_LEAD_S so that every reservation can "
        "be cancelled for a while",
    )
    ad_sending_hours: HoursText = Field(
        default="08:00-21:00",
        description="When advertising may be sent, every day (HH:MM-HH:MM, local to "
        "AD_SENDING_TIMEZONE): an advertising reservation due outside them is refused",
    )
    ad_sending_timezone: ZoneName = Field(
        default="Asia/Seoul", description="The time zone of AD_SENDING_HOURS"
    )
    max_recipients: int = Field(default=100_000, ge=1, le=1_000_000)
    recipient_chunk_size: int = Field(
        default=10_000, ge=100, le=40_000, description="Recipients per event (under 1 MB)"
    )
    recipient_chunk_bytes: int = Field(
        default=600_000,
        ge=10_000,
        le=900_000,
        description="At most this many bytes of numbers and personalised texts per "
        "recipient chunk event (a Kafka message is at most 1 MB)",
    )
    phone_default_region: str = "KR"
    billing_url: str = Field(
        default="http://127.0.0.1:8083",
        description="Billing's base URL, for the balance check before accepting",
    )
    billing_check_timeout_s: float = Field(
        default=0.3,
        ge=0,
        le=10,
        description="How long the balance check may take before the reservation is accepted "
        "anyway and left to the saga (0 turns the check off)",
    )
    billing_check_cache_s: float = Field(
        default=2.0,
        ge=0,
        le=60,
        description="How long a customer's balance from billing is remembered (less what "
        "was accepted since) so that their next reservations go ahead without a call",
    )

    # Sender numbers (발신번호 사전등록): domain/senders.py, commands/senders.py.
    sender_code_ttl_s: int = Field(
        default=600, ge=60, le=86_400, description="How long a sender's verification code is good"
    )
    sender_code_attempts: int = Field(
        default=5, ge=1, le=20, description="Wrong guesses a verification code allows"
    )
    sender_code_resend_s: int = Field(
        default=60, ge=0, le=3600, description="Least time between two codes sent to one number"
    )
    sender_codes_max: int = Field(
        default=5,
        ge=1,
        le=100,
        description="Codes one sender number may be sent; past it, an operator approves it",
    )
    sender_codes_per_number_day: int = Field(
        default=10,
        ge=1,
        le=1000,
        description="Codes one number may be sent in 24 hours, whichever customer asks",
    )
    sender_codes_per_customer_day: int = Field(
        default=50, ge=1, le=100_000, description="Codes one customer may have sent in 24 hours"
    )
    senders_per_customer: int = Field(
        default=100, ge=1, le=10_000, description="Sender numbers one customer may register"
    )
    demo_senders: dict[str, list[str]] = Field(
        default_factory=dict,
        description='JSON object userId -> callback numbers, e.g. `{"demo": ["0212345678"]}`: '
        "registered and approved (as by an operator) at start-up when missing, like the "
        "demo accounts (`make run` sets it for `demo`)",
    )

    @property
    def advertising_hours(self) -> Windows:
        return daily(self.ad_sending_hours, self.ad_sending_timezone)


def get_settings() -> ReservationSettings:
    return load_settings(ReservationSettings)  # SettingsError names what is missing
