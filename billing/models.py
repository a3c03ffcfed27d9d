"""Billing's tables, in its own schema `billing`."""

from __future__ import annotations

from sqlalchemy import MetaData

from msgplat.plumbing.tables import plumbing_tables

SCHEMA = "billing"
metadata = MetaData(schema=SCHEMA)

tables = plumbing_tables(metadata)
