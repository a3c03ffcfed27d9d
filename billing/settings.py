from __future__ import annotations

from msgplat.plumbing.settings import ServiceSettings


class BillingSettings(ServiceSettings):
    service_name: str = "billing"


def get_settings() -> BillingSettings:
    return BillingSettings()  # read from the environment
