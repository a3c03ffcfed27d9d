"""The typed dependencies of send's routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from msgplat.send.settings import SendSettings


def get_send_settings(request: Request) -> SendSettings:
    settings: SendSettings = request.app.state.settings
    return settings


SettingsDep = Annotated[SendSettings, Depends(get_send_settings)]
