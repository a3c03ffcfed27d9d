"""Alembic, per service: each service migrates its own schema and nothing else.

A service's `migrations/env.py` is one call to `run_env(metadata)`. Migrations run
before a new version serves. This module names no service: the platform's command line,
`python -m msgplat.contracts.migrations upgrade <service|all>`, is `main()` given the
services with tables of the registry (`contracts/services.py`).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
from collections.abc import Sequence
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection

from msgplat.plumbing.db import create_engine
from msgplat.plumbing.db_roles import check_distinct, ensure_service_role, url_variable
from msgplat.plumbing.settings import asyncpg_url


def alembic_config(service: str, database_url: str) -> Config:
    package = importlib.import_module(f"msgplat.{service}")
    assert package.__file__ is not None
    config = Config()
    config.set_main_option("script_location", str(Path(package.__file__).parent / "migrations"))
    config.attributes["database_url"] = asyncpg_url(database_url)
    config.attributes["schema"] = service
    return config


def upgrade(service: str, database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(service, database_url), revision)


def run_env(metadata: MetaData) -> None:
    """The body of every service's `migrations/env.py` (online mode only)."""
    config = context.config
    schema: str = config.attributes["schema"]

    def migrate(connection: Connection) -> None:
        # Looked up first: a service's own role owns its schema (made by the Job, see
        # plumbing/db_roles.py) but may not create schemas.
        found = text("SELECT 1 FROM pg_namespace WHERE nspname = :schema")
        if connection.execute(found, {"schema": schema}).scalar() is None:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table_schema=schema,
            include_schemas=True,
            include_name=lambda name, type_, _: type_ != "schema" or name == schema,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def main() -> None:
        engine = create_engine(config.attributes["database_url"], application_name="migrations")
        async with engine.begin() as conn:
            await conn.run_sync(migrate)
        await engine.dispose()

    asyncio.run(main())


def main(services_with_tables: Sequence[str], argv: Sequence[str] | None = None) -> None:
    """The command line over `services_with_tables` (what `all` means), given by the caller."""
    parser = argparse.ArgumentParser(description="Run one service's alembic migrations")
    parser.add_argument("action", choices=["upgrade", "revision"])
    parser.add_argument("service", choices=[*services_with_tables, "all"])
    parser.add_argument("-m", "--message", default="change")
    parser.add_argument("--rev-id", default=None, help="e.g. 0002 (default: random)")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("DATABASE_URL is not set: export it, e.g. postgresql://localhost/msgplat")
    services = services_with_tables if args.service == "all" else (args.service,)
    # Each service's own role, where its URL is given (the Job, plumbing/db_roles.py).
    own = {s: os.environ[url_variable(s)] for s in services if os.environ.get(url_variable(s))}
    check_distinct(url, own)
    for service in services:
        if args.action == "upgrade" and service in own:
            role = asyncio.run(ensure_service_role(url, service, own[service]))
            print(f"{service}: role {role} owns schema {service}")
            upgrade(service, own[service])  # as that role: what it creates is its own
        elif args.action == "upgrade":
            upgrade(service, url)
        else:
            command.revision(
                alembic_config(service, url), args.message, autogenerate=True, rev_id=args.rev_id
            )
        print(f"{service}: {args.action} done")


if __name__ == "__main__":  # the old entry point: plumbing does not know the services
    raise SystemExit(
        "run `python -m msgplat.contracts.migrations` instead: it passes the registry's "
        "services (contracts/services.py) to this module"
    )
