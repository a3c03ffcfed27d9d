"""Migrations before code: a service is not ready while its schema is behind its code.

The revision a service's code needs is the head of its own migrations (shipped in its
image); the database's is in `<schema>.alembic_version`. At start-up, and every few
seconds until they agree, the service compares the two. While the database is behind
(or has no revision yet), `/health/ready` answers 503 naming the revision it waits
for, and the consumers and the outbox relay do not start: a new version rolled out
before the migration Job finished waits for it instead of failing on missing columns,
and becomes ready by itself once the Job is done.

A database *ahead* of the code (a revision this code does not know: the next release's
Job ran while this version still serves) is fine: migrations are backwards compatible
across one release (k8s/base/migrate-job.yaml).
"""

from __future__ import annotations

import asyncio
import importlib.util
from dataclasses import dataclass, field

from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from msgplat.plumbing.logging import get_logger

log = get_logger(__name__)

OK = "ok"


def code_heads(service: str) -> frozenset[str] | None:
    """The head revisions of `service`'s migrations (None: it has no migrations)."""
    try:
        spec = importlib.util.find_spec(f"msgplat.{service}.migrations")
    except (ImportError, ValueError):  # not a package of this platform
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    from msgplat.plumbing.migrations import alembic_config

    config = alembic_config(service, "postgresql://unused/unused")
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def known_revisions(service: str) -> frozenset[str]:
    from msgplat.plumbing.migrations import alembic_config

    config = alembic_config(service, "postgresql://unused/unused")
    return frozenset(s.revision for s in ScriptDirectory.from_config(config).walk_revisions())


@dataclass
class SchemaGate:
    """Whether the database of `engine` holds the schema revision `service`'s code needs
    (the gateway has an engine of its own, the services a `Database`'s)."""

    engine: AsyncEngine
    service: str
    interval_s: float = 2.0
    needed: frozenset[str] | None = None
    state: str = "not checked yet"
    current: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.needed = code_heads(self.service)
        self._known = known_revisions(self.service) if self.needed is not None else frozenset()
        if self.needed is None:  # no migrations of its own: nothing to wait for
            self.state = OK
            self.current.set()

    async def check(self) -> bool:
        """Compare once; sets `state` (`ok`, or what it waits for) and `current`."""
        if self.needed is None:
            return True
        wanted = ", ".join(sorted(self.needed))
        try:
            async with self.engine.connect() as conn:
                exists = await conn.scalar(
                    text("SELECT to_regclass(:table) IS NOT NULL"),
                    {"table": f'"{self.service}".alembic_version'},
                )
                found = (
                    set(
                        (
                            await conn.execute(
                                text(f'SELECT version_num FROM "{self.service}".alembic_version')
                            )
                        ).scalars()
                    )
                    if exists
                    else set()
                )
        except Exception as exc:
            self.state = f"cannot read the schema revision: {exc!r}"[:300]
            return self.current.is_set()
        if found and (found <= self.needed or not found <= self._known):
            # At the code's revision, or ahead of it (a revision this code does not know).
            if not self.current.is_set():
                log.info("schema_current", service=self.service, revision=sorted(found))
            self.state = OK
            self.current.set()
            return True
        at = ", ".join(sorted(found)) or "none"
        self.state = (
            f"waiting for revision {wanted} of schema {self.service} (database at {at}): "
            "run the migration Job"
        )
        return False

    async def wait(self) -> None:
        """Check until the database has the revision the code needs."""
        while not await self.check():
            log.warning("schema_behind", service=self.service, state=self.state)
            await asyncio.sleep(self.interval_s)
