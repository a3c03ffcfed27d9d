"""HTTP routes of the send service: parse, call a handler, answer."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/msgs", tags=["messages"])
