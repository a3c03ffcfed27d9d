"""The typed dependencies of send's routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from msgplat.plumbing.api import app_state
from msgplat.send.settings import SendSettings

SettingsDep = Annotated[SendSettings, Depends(app_state("settings"))]
