"""The typed dependencies of the reservation API: its settings and its long-lived clients."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from msgplat.reservation.resources import Resources
from msgplat.reservation.settings import ReservationSettings


def _settings(request: Request) -> ReservationSettings:
    settings: ReservationSettings = request.app.state.settings
    return settings


def _resources(request: Request) -> Resources:
    resources: Resources = request.app.state.resources
    return resources


SettingsDep = Annotated[ReservationSettings, Depends(_settings)]
ResourcesDep = Annotated[Resources, Depends(_resources)]
