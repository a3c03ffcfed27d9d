"""HTTP routes of the billing service: parse, call a handler, answer."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/billings", tags=["billing"])
