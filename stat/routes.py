"""HTTP routes of the stat service: parse, call a handler, answer."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/stats", tags=["statistics"])
