"""The demo senders `make run` starts with (`DEMO_SENDERS`): registered and approved as
an operator would, at every start."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from uuid import uuid4

from sqlalchemy.dialects.postgresql import insert as pg_insert

from msgplat.plumbing.db import Database
from msgplat.plumbing.logging import get_logger
from msgplat.plumbing.outages import until_done
from msgplat.plumbing.phones import normalise_callback
from msgplat.reservation.commands.senders import emit_verified
from msgplat.reservation.domain import SenderStatus, VerifiedBy
from msgplat.reservation.models import senders
from msgplat.reservation.settings import ReservationSettings

log = get_logger(__name__)

DEMO_NOTE = "demo sender (DEMO_SENDERS)"


async def ensure_demo_senders(db: Database, settings: ReservationSettings) -> list[str]:
    """Register and approve the numbers of `DEMO_SENDERS` that are missing, as an
    operator would; returns `user:number` of those added. Safe at every start and from
    several replicas."""
    added: list[str] = []
    now = datetime.now(UTC)
    async with db.unit_of_work() as uow:
        for user_id, raw_numbers in sorted(settings.demo_senders.items()):
            for raw in raw_numbers:
                number = normalise_callback(raw, settings.phone_default_region)
                row = (
                    await uow.conn.execute(
                        pg_insert(senders)
                        .values(
                            id=uuid4(),
                            user_id=user_id,
                            number=number,
                            status=SenderStatus.VERIFIED,
                            method=VerifiedBy.OPERATOR,
                            note=DEMO_NOTE,
                            approved_by="DEMO_SENDERS",
                            verified_at=now,
                        )
                        .on_conflict_do_nothing()
                        .returning(*senders.c)
                    )
                ).first()
                if row is not None:
                    emit_verified(uow, row)
                    added.append(f"{user_id}:{number}")
        await uow.commit()
    return added


async def ensure_demo_senders_with_retry(db: Database, settings: ReservationSettings) -> None:
    """At start-up, beside serving: a database not reachable yet is retried."""
    added = await until_done(
        partial(ensure_demo_senders, db, settings), failed="demo_senders_failed"
    )
    log.info("demo_senders_ready", added=added)
