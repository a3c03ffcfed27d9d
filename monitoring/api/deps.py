"""Typed dependencies of the monitoring routes: the service's settings, its database
and the live hub (its resource, see `resources.py`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from msgplat.monitoring.live import LiveHub
from msgplat.monitoring.settings import MonitoringSettings
from msgplat.plumbing.api import app_state
from msgplat.plumbing.db import Database


async def get_db(request: Request) -> Database:
    db: Database = request.app.state.runtime.db
    return db


SettingsDep = Annotated[MonitoringSettings, Depends(app_state("settings"))]
DatabaseDep = Annotated[Database, Depends(get_db)]
LiveDep = Annotated[LiveHub, Depends(app_state("resources"))]
