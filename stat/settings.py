from __future__ import annotations

from msgplat.plumbing.settings import ServiceSettings, load_settings


class StatSettings(ServiceSettings):
    service_name: str = "stat"


def get_settings() -> StatSettings:
    return load_settings(StatSettings)  # SettingsError names what is missing
