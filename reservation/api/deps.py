"""The typed dependencies of the reservation API: its settings and its long-lived clients."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from msgplat.plumbing.api import app_state
from msgplat.reservation.resources import Resources
from msgplat.reservation.settings import ReservationSettings

SettingsDep = Annotated[ReservationSettings, Depends(app_state("settings"))]
ResourcesDep = Annotated[Resources, Depends(app_state("resources"))]
