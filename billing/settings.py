from __future__ import annotations

from pydantic import Field

from msgplat.plumbing.settings import ServiceSettings, load_settings


class BillingSettings(ServiceSettings):
    service_name: str = "billing"

    price_sms: int = Field(default=20, ge=0, le=100_000, description="KRW per SMS message")
    price_lms: int = Field(default=50, ge=0, le=100_000, description="KRW per LMS message")
    demo_accounts: dict[str, int] = Field(
        default={},
        description="JSON object userId -> starting balance in KRW: accounts created at "
        "start-up if they do not exist yet (with a top-up ledger entry by `DEMO_ACCOUNTS`); "
        "empty unless set: credit comes from an operator's top-up",
    )

    def unit_price(self, msg_type: str) -> int:
        """KRW per message of `msg_type` (SMS or LMS; the contract allows no other)."""
        return {"SMS": self.price_sms, "LMS": self.price_lms}[msg_type]


def get_settings() -> BillingSettings:
    return load_settings(BillingSettings)  # SettingsError names what is missing
