from __future__ import annotations

from pydantic import Field

from msgplat.plumbing.settings import ServiceSettings


class MonitoringSettings(ServiceSettings):
    service_name: str = "monitoring"

    live_ping_s: float = Field(
        default=15, gt=0, le=300, description="Seconds between SSE pings on an idle stream"
    )
    live_coalesce_ms: float = Field(
        default=100,
        ge=0,
        le=5000,
        description="Changes of the views within this window go to SSE clients as one read",
    )
    live_snapshot_size: int = Field(
        default=50, ge=1, le=500, description="Reservations sent when a list stream opens"
    )

    webhook_timeout_s: float = Field(
        default=5, gt=0, le=60, description="Timeout of one webhook POST (connect + answer)"
    )
    webhook_max_attempts: int = Field(
        default=10, ge=1, le=100, description="Attempts of a webhook delivery before it fails"
    )
    webhook_retry_base_s: float = Field(
        default=1, gt=0, description="First retry delay of a delivery; doubles per attempt"
    )
    webhook_retry_max_s: float = Field(
        default=600, gt=0, description="Longest delay between two attempts of a delivery"
    )
    webhook_per_endpoint: int = Field(
        default=4, ge=1, le=100, description="Deliveries in flight to one webhook at a time"
    )
    webhook_concurrency: int = Field(
        default=64, ge=1, le=1000, description="Deliveries in flight per replica, all webhooks"
    )
    dispatch_poll_s: float = Field(
        default=1,
        gt=0,
        le=60,
        description="Dispatcher's fallback poll; new deliveries wake it at once (NOTIFY)",
    )

    carrier_url: str = Field(
        default="http://127.0.0.1:8090", description="Carrier API base URL (for the alerts)"
    )
    carrier_api_key: str = Field(default="sim-key", description="Bearer key for the carrier API")
    carrier_callback_token: str = Field(
        default="sim-callback", description="Bearer token the carrier sends with its reports"
    )
    alert_report_url: str = Field(
        default="http://127.0.0.1:8085/carrier/reports",
        description="Where the carrier pushes the alerts' delivery reports (this service)",
    )
    alert_sender_num: str = Field(
        default="15880000", description="Sender (callback) number of the status alerts"
    )


def get_settings() -> MonitoringSettings:
    return MonitoringSettings()  # read from the environment
