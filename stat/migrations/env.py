"""Alembic environment of the stat service (its own schema only)."""

from msgplat.plumbing.migrations import run_env
from msgplat.stat.models import metadata

run_env(metadata)
