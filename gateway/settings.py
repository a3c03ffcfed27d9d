from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class GatewaySettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    service_name: str = "gateway"
    reservation_url: str = "http://127.0.0.1:8081"
    send_url: str = "http://127.0.0.1:8082"
    billing_url: str = "http://127.0.0.1:8083"
    stat_url: str = "http://127.0.0.1:8084"
    monitoring_url: str = "http://127.0.0.1:8085"

    upstream_connect_timeout_s: float = Field(default=2.0, gt=0)
    upstream_read_timeout_s: float = Field(default=10.0, gt=0)
    # Consecutive failures that open a service's circuit, and how long it stays open.
    breaker_threshold: int = Field(default=5, ge=1)
    breaker_open_s: float = Field(default=10.0, gt=0)
    upstream_pools: int = Field(
        default=8,
        ge=1,
        le=64,
        description="Connection pools from the gateway to the services, used in turn "
        "(one large pool costs CPU per request in proportion to its size)",
    )
    upstream_pool_connections: int = Field(
        default=64, ge=1, le=10_000, description="Most connections of each of those pools"
    )
    # Larger request bodies are refused with 413 (100,000 recipients take about 1.4 MB).
    max_body_bytes: int = Field(default=4 * 1024 * 1024, ge=1024)

    log_level: str = "INFO"
    log_json: bool = True

    def upstreams(self) -> dict[str, str]:
        return {
            "reservation": self.reservation_url,
            "send": self.send_url,
            "billing": self.billing_url,
            "stat": self.stat_url,
            "monitoring": self.monitoring_url,
        }


def get_settings() -> GatewaySettings:
    return GatewaySettings()
