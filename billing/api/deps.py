"""The typed dependencies of the billing API."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from msgplat.billing.settings import BillingSettings
from msgplat.plumbing.api import app_state

SettingsDep = Annotated[BillingSettings, Depends(app_state("settings"))]
