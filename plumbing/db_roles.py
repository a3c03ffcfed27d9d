"""One database role per service, owning its own schema and nothing else.

The migration Job connects with the administrator's URL (`DATABASE_URL`, on RDS the
master user) and, for each service whose own URL it is given
(`<SERVICE>_DATABASE_URL`, from that service's Secret), makes sure that:

- the URL's user exists as a login role with the URL's password (changed when the
  Secret's password changed: rotating a password is a new Secret and a Job run);
- the schema named after the service exists and that role owns it, and every table,
  sequence, view and type in it (an install that ran with one shared user hands them
  over);
- the role may connect to the database, and nothing more: it has no privilege on any
  other service's schema, so a service cannot read or change another's tables.

Then the service's migrations run as that role (`plumbing.migrations`), so what they
create is its own. The administrator must be able to create roles (RDS's master user
can) and is granted each service role, which PostgreSQL asks of whoever creates a
schema for, or hands objects over to, another role.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import asyncpg

from msgplat.plumbing.db import libpq_url


def url_variable(service: str) -> str:
    """The environment variable holding `service`'s own database URL in the Job."""
    return f"{service.upper()}_DATABASE_URL"


def role_of(url: str) -> tuple[str, str]:
    """The user and password of a PostgreSQL URL."""
    parts = urlsplit(url)
    if not parts.username or not parts.password:
        raise ValueError("a service's DATABASE_URL must name its own user and password")
    return unquote(parts.username), unquote(parts.password)


def check_distinct(admin_url: str, service_urls: dict[str, str]) -> None:
    """Each service has a role of its own, none of them the administrator."""
    admin = unquote(urlsplit(admin_url).username or "")
    seen: dict[str, str] = {}
    for service, url in service_urls.items():
        user, _ = role_of(url)
        if user == admin:
            raise ValueError(f"{service}: its DATABASE_URL uses the administrator {admin!r}")
        if user in seen:
            raise ValueError(f"{service} and {seen[user]} share the role {user!r}")
        seen[user] = service


async def ensure_service_role(admin_url: str, service: str, service_url: str) -> str:
    """Create or update `service`'s role and give it its schema (see the module)."""
    user, password = role_of(service_url)
    conn = await asyncpg.connect(
        libpq_url(admin_url), server_settings={"application_name": "migrations"}
    )
    try:
        async with conn.transaction():
            exists = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", user)
            # A new role has no attribute but LOGIN (PostgreSQL's defaults: no superuser,
            # no CREATEDB, no CREATEROLE); an existing one gets the Secret's password.
            verb = "ALTER" if exists else "CREATE"
            await conn.execute(
                await conn.fetchval(
                    f"SELECT format('{verb} ROLE %I WITH LOGIN PASSWORD %L', $1::text, $2::text)",
                    user,
                    password,
                )
            )
            member = await conn.fetchval("SELECT pg_has_role(current_user, $1, 'MEMBER')", user)
            if not member:
                await conn.execute(await _format(conn, "GRANT %I TO current_user", user))
            database = await conn.fetchval("SELECT current_database()")
            await conn.execute(
                await _format(conn, "GRANT CONNECT ON DATABASE %I TO %I", database, user)
            )
            create = "CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I"
            await conn.execute(await _format(conn, create, service, user))
            await conn.execute(await _format(conn, "ALTER SCHEMA %I OWNER TO %I", service, user))
            await _hand_over(conn, service, user)
    finally:
        await conn.close()
    return user


async def _format(conn: asyncpg.Connection, template: str, *names: str) -> str:
    """A statement with identifiers quoted by the server (`format`'s %I)."""
    placeholders = ", ".join(f"${i}::text" for i in range(1, len(names) + 1))
    statement: str = await conn.fetchval(f"SELECT format('{template}', {placeholders})", *names)
    return statement


async def _hand_over(conn: asyncpg.Connection, schema: str, user: str) -> None:
    """Give `user` the tables, views, sequences and types of `schema` others own."""
    relations = await conn.fetch(
        """
        SELECT c.relname, c.relkind::text AS relkind FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
          AND pg_get_userbyid(c.relowner) <> $2
          -- an identity or serial sequence follows its table
          AND NOT (c.relkind = 'S' AND EXISTS (
              SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
        """,
        schema,
        user,
    )
    kinds = {"r": "TABLE", "p": "TABLE", "f": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW"}
    for relation in relations:
        kind = kinds.get(relation["relkind"], "SEQUENCE")
        await conn.execute(
            await _format(
                conn, f"ALTER {kind} %I.%I OWNER TO %I", schema, relation["relname"], user
            )
        )
    types = await conn.fetch(
        """
        SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = $1 AND t.typtype IN ('e', 'd', 'r', 'm')
          AND pg_get_userbyid(t.typowner) <> $2
        """,
        schema,
        user,
    )
    for row in types:
        await conn.execute(
            await _format(conn, "ALTER TYPE %I.%I OWNER TO %I", schema, row["typname"], user)
        )
