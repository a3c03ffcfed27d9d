from __future__ import annotations

from msgplat.plumbing.settings import ServiceSettings


class MonitoringSettings(ServiceSettings):
    service_name: str = "monitoring"


def get_settings() -> MonitoringSettings:
    return MonitoringSettings()  # read from the environment
