"""Alembic environment of the billing service (its own schema only)."""

from msgplat.billing.models import metadata
from msgplat.plumbing.migrations import run_env

run_env(metadata)
