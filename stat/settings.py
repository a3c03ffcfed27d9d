from __future__ import annotations

from msgplat.plumbing.settings import ServiceSettings


class StatSettings(ServiceSettings):
    service_name: str = "stat"


def get_settings() -> StatSettings:
    return StatSettings()  # read from the environment
