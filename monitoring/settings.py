from __future__ import annotations

from pydantic import Field

from msgplat.plumbing.settings import ServiceSettings, load_settings


class MonitoringSettings(ServiceSettings):
    service_name: str = "monitoring"

    live_ping_s: float = Field(
        default=10,
        gt=0,
        le=300,
        description="Seconds between SSE pings on an idle stream: well inside every idle "
        "timeout on the way to the browser (a load balancer's 60 s)",
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
    webhook_allowed_hosts: list[str] = Field(
        default=[],
        description="JSON list of hosts a webhook may name although they are not public, e.g. "
        '`["127.0.0.1"]` for a test receiver on this machine; empty in production. Any '
        "other host must be a public name or address (see monitoring/README.md)",
    )
    dispatch_poll_s: float = Field(
        default=1,
        gt=0,
        le=60,
        description="Dispatcher's fallback poll; new deliveries wake it at once (NOTIFY)",
    )


def get_settings() -> MonitoringSettings:
    return load_settings(MonitoringSettings)  # SettingsError names what is missing
