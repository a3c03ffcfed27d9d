"""Alembic environment of the gateway (its own schema only: customers and API keys)."""

from msgplat.gateway.models import metadata
from msgplat.plumbing.migrations import run_env

run_env(metadata)
