"""Alembic environment of the reservation service (its own schema only)."""

from msgplat.plumbing.migrations import run_env
from msgplat.reservation.models import metadata

run_env(metadata)
