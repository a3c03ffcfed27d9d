"""Alembic environment of the send service (its own schema only)."""

from msgplat.plumbing.migrations import run_env
from msgplat.send.models import metadata

run_env(metadata)
