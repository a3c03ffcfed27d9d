from __future__ import annotations

from msgplat.plumbing.settings import ServiceSettings


class SendSettings(ServiceSettings):
    service_name: str = "send"


def get_settings() -> SendSettings:
    return SendSettings()  # read from the environment
