"""One database role per service, made by the migration Job (`plumbing/db_roles.py`).

Against the test PostgreSQL: the Job's command (`python -m msgplat.contracts.migrations
upgrade all`) with the administrator's DATABASE_URL and each service's own URL creates
the roles, gives each its schema and the tables in it, and a role cannot read another
service's tables. Roles are the server's, not the database's: these have random names
and are dropped at the end.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from msgplat.contracts.migrations import SERVICES_WITH_TABLES
from msgplat.devstack.postgres import drop_database, ensure_database
from msgplat.plumbing.db import Database, libpq_url
from msgplat.plumbing.db_roles import check_distinct, ensure_service_role, url_variable
from msgplat.plumbing.migrations import upgrade
from msgplat.plumbing.settings import ServiceSettings
from msgplat.plumbing.tables import PlumbingTables
from msgplat_testsupport.databases import fresh_database_url, postgres_server_url


def _as(url: str, user: str, password: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{user}:{password}@{host}"))


@dataclass
class Roles:
    admin_url: str
    prefix: str

    def url(self, service: str, password: str = "pw-1") -> str:
        return _as(self.admin_url, f"{self.prefix}_{service}", password)

    async def admin(self) -> asyncpg.Connection:
        return await asyncpg.connect(libpq_url(self.admin_url))


@pytest.fixture
async def roles() -> AsyncIterator[Roles]:
    admin_url = fresh_database_url(postgres_server_url())
    await ensure_database(admin_url)
    made = Roles(admin_url, f"r{uuid.uuid4().hex[:8]}")
    try:
        yield made
    finally:
        await drop_database(admin_url)
        conn = await asyncpg.connect(libpq_url(_with_database(admin_url, "postgres")))
        try:
            names = await conn.fetch(
                "SELECT rolname FROM pg_roles WHERE rolname LIKE $1", made.prefix + "%"
            )
            for row in names:
                await conn.execute(f'DROP ROLE "{row["rolname"]}"')
        finally:
            await conn.close()


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


async def test_the_job_gives_each_service_a_role_owning_only_its_schema(roles: Roles) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": roles.admin_url,
        **{url_variable(s): roles.url(s) for s in SERVICES_WITH_TABLES},
    }
    command = [sys.executable, "-m", "msgplat.contracts.migrations", "upgrade", "all"]
    for _ in range(2):  # a second run (the next release's Job) changes nothing
        done = await asyncio.to_thread(
            subprocess.run, command, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr[-2000:]
    assert f"stat: role {roles.prefix}_stat owns schema stat" in done.stdout

    admin = await roles.admin()
    try:
        for service in SERVICES_WITH_TABLES:
            role = f"{roles.prefix}_{service}"
            owner = await admin.fetchval(
                "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = $1", service
            )
            assert owner == role
            others = await admin.fetch(
                """SELECT c.relname, pg_get_userbyid(c.relowner) AS owner FROM pg_class c
                   JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = $1 AND pg_get_userbyid(c.relowner) <> $2""",
                service,
                role,
            )
            assert not others, f"{service}: objects owned by others: {others}"
            attributes = await admin.fetchrow(
                "SELECT rolsuper, rolcreatedb, rolcreaterole, rolcanlogin "
                "FROM pg_roles WHERE rolname = $1",
                role,
            )
            assert tuple(attributes) == (False, False, False, True)
    finally:
        await admin.close()

    # A service reaches its own tables, and not another's.
    stat = await asyncpg.connect(libpq_url(roles.url("stat")))
    try:
        await stat.fetchval("SELECT count(*) FROM stat.alembic_version")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await stat.fetchval("SELECT count(*) FROM billing.alembic_version")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await stat.execute("CREATE SCHEMA intruder")
    finally:
        await stat.close()

    # The plumbing of a service works under its role.
    settings = ServiceSettings(service_name="stat", database_url=roles.url("stat"))
    db = Database(settings, PlumbingTables.__new__(PlumbingTables))
    try:
        await db.ping()
    finally:
        await db.dispose()


async def test_an_install_with_one_shared_user_hands_its_tables_over(roles: Roles) -> None:
    await asyncio.to_thread(upgrade, "billing", roles.admin_url)  # as the administrator
    role = await ensure_service_role(roles.admin_url, "billing", roles.url("billing"))
    admin = await roles.admin()
    try:
        owners = await admin.fetch(
            """SELECT DISTINCT pg_get_userbyid(c.relowner) FROM pg_class c
               JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'billing'"""
        )
    finally:
        await admin.close()
    assert [r[0] for r in owners] == [role]
    await asyncio.to_thread(upgrade, "billing", roles.url("billing"))  # now as its role


def test_each_service_needs_a_role_of_its_own() -> None:
    admin = "postgresql://master:x@db/msgplat"
    with pytest.raises(ValueError, match="administrator"):
        check_distinct(admin, {"stat": "postgresql://master:x@db/msgplat"})
    with pytest.raises(ValueError, match="share the role"):
        check_distinct(
            admin, {"stat": "postgresql://a:x@db/msgplat", "send": "postgresql://a:y@db/msgplat"}
        )
    with pytest.raises(ValueError, match="password"):
        check_distinct(admin, {"stat": "postgresql://a@db/msgplat"})
