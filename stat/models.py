"""Stat's tables, in its own schema `stat`."""

from __future__ import annotations

from sqlalchemy import MetaData

from msgplat.plumbing.tables import plumbing_tables

SCHEMA = "stat"
metadata = MetaData(schema=SCHEMA)

tables = plumbing_tables(metadata)
