"""The typed dependencies of the billing API."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from msgplat.billing.settings import BillingSettings


def _settings(request: Request) -> BillingSettings:
    settings: BillingSettings = request.app.state.settings
    return settings


SettingsDep = Annotated[BillingSettings, Depends(_settings)]
