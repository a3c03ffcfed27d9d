"""Alembic environment of the monitoring service (its own schema only)."""

from msgplat.monitoring.models import metadata
from msgplat.plumbing.migrations import run_env

run_env(metadata)
