"""Send's tables, in its own schema `send`."""

from __future__ import annotations

from sqlalchemy import MetaData

from msgplat.plumbing.tables import plumbing_tables

SCHEMA = "send"
metadata = MetaData(schema=SCHEMA)

tables = plumbing_tables(metadata)
