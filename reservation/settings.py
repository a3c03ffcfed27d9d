from __future__ import annotations

from pydantic import Field

from msgplat.plumbing.settings import ServiceSettings


class ReservationSettings(ServiceSettings):
    service_name: str = "reservation"
    default_timezone: str = Field(
        default="Asia/Seoul", description="Zone of a reserveDt given without an offset"
    )
    reserve_past_tolerance_s: int = Field(default=60, ge=0, le=3600)
    reserve_horizon_days: int = Field(default=90, ge=1, le=3650)
    max_recipients: int = Field(default=100_000, ge=1, le=1_000_000)
    recipient_chunk_size: int = Field(
        default=10_000, ge=100, le=40_000, description="Recipients per event (under 1 MB)"
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


def get_settings() -> ReservationSettings:
    return ReservationSettings()  # read from the environment
