from __future__ import annotations

from pydantic import Field

from msgplat.plumbing.settings import ServiceSettings


class SendSettings(ServiceSettings):
    service_name: str = "send"

    carrier_name: str = Field(default="sim", description="Recorded on every message it sends")
    carrier_url: str = Field(default="http://127.0.0.1:8090", description="Carrier API base URL")
    carrier_api_key: str = Field(default="sim-key", description="Bearer key for the carrier API")
    carrier_callback_token: str = Field(
        default="sim-callback", description="Bearer token the carrier sends with its reports"
    )
    report_callback_url: str = Field(
        default="http://127.0.0.1:8082/carrier/reports",
        description="Where the carrier pushes delivery reports (this service, as it sees it)",
    )
    carrier_timeout_s: float = Field(default=5.0, gt=0)
    carrier_batch_size: int = Field(default=1000, ge=1, le=1000)
    send_rate_per_s: float = Field(
        default=0, ge=0, description="Messages per second per carrier and replica; 0 = no cap"
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
    breaker_threshold: int = Field(default=3, ge=1)
    breaker_open_s: float = Field(default=5.0, gt=0)
    scheduler_interval_s: float = Field(default=0.2, gt=0, le=5)
    lease_s: float = Field(default=15.0, ge=1)
    max_parallel_jobs: int = Field(default=8, ge=1, le=256)


def get_settings() -> SendSettings:
    return SendSettings()  # read from the environment
