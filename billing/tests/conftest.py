"""Billing test fixtures: the real database, and a driver that feeds the saga's events
through `IdempotentConsumer.apply` as Kafka records, with a private consumer group."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from msgplat.billing import repository
from msgplat.billing.consumers import SUBSCRIPTIONS
from msgplat.billing.domain import Entry, LedgerKind
from msgplat.billing.models import accounts, carrier_usage, holds, tables
from msgplat.billing.models import ledger as ledger_table
from msgplat.billing.settings import BillingSettings
from msgplat.contracts.events import (
    MessageResult,
    MessageResultsReported,
    ReservationCancelled,
    ReservationRequested,
    SendingFinished,
)
from msgplat.plumbing.consumer import IdempotentConsumer
from msgplat.plumbing.db import Database
from msgplat.plumbing.envelope import Event, EventEnvelope
from msgplat_testsupport.records import as_records, database_fixture, outbox_of, private_consumer

db = database_fixture(BillingSettings, tables)


class SagaDriver:
    """Builds the events billing consumes and applies them as the consumer would."""

    def __init__(self, db: Database, consumer: IdempotentConsumer) -> None:
        self.db = db
        self.consumer = consumer

    @staticmethod
    def envelope(event: Event, rid: uuid.UUID, user_id: str) -> EventEnvelope:
        return EventEnvelope.wrap(event, aggregate_id=rid, user_id=user_id, correlation_id="test")

    async def apply(self, *envelopes: EventEnvelope) -> None:
        await self.consumer.apply(as_records(envelopes))

    async def top_up(self, user_id: str, amount: int) -> None:
        async with self.db.unit_of_work() as uow:
            await repository.open_account(uow, user_id)
            await repository.post(uow, user_id, [Entry(LedgerKind.TOPUP, amount)])
            await uow.commit()

    def requested(
        self,
        rid: uuid.UUID,
        user_id: str,
        recipients: int,
        msg_type: str = "SMS",
        msg_counts: dict[str, int] | None = None,
    ) -> EventEnvelope:
        now = datetime.now(UTC)
        event = ReservationRequested.model_validate(
            {
                "reservation_id": rid,
                "title": "hello",
                "content": "hello there",
                "msg_type": msg_type,
                "callback_num": "+82212345678",
                "reserve_dt": now + timedelta(minutes=5),
                "recipient_count": recipients,
                "chunk_count": 1,
                "requested_at": now,
                "personalised": msg_counts is not None,
                "msg_counts": msg_counts,
            }
        )
        return self.envelope(event, rid, user_id)

    async def held(self, user_id: str, *args: Any, **kwargs: Any) -> uuid.UUID:
        """A new reservation of the customer's (`requested`'s arguments) applied after a
        top-up of 1,000: its id."""
        rid = uuid.uuid4()
        await self.top_up(user_id, 1_000)
        await self.apply(self.requested(rid, user_id, *args, **kwargs))
        return rid

    def results(
        self, rid: uuid.UUID, user_id: str, outcomes: Iterable[tuple[Any, ...]]
    ) -> EventEnvelope:
        """Results from (seq, status) or (seq, status, msg_type, carrier) tuples."""
        now = datetime.now(UTC)
        event = MessageResultsReported(
            reservation_id=rid,
            results=[
                MessageResult.model_validate(
                    {
                        "seq": seq,
                        "status": status,
                        "code": "0",
                        "at": now,
                        "msg_type": msg_type_and_carrier[0] if msg_type_and_carrier else None,
                        "carrier": msg_type_and_carrier[1] if msg_type_and_carrier else "sim",
                    }
                )
                for seq, status, *msg_type_and_carrier in outcomes
            ],
        )
        return self.envelope(event, rid, user_id)

    def cancelled(self, rid: uuid.UUID, user_id: str, previous: str) -> EventEnvelope:
        event = ReservationCancelled(
            reservation_id=rid, previous_status=previous, cancelled_at=datetime.now(UTC)
        )
        return self.envelope(event, rid, user_id)

    def finished(
        self, rid: uuid.UUID, user_id: str, delivered: int = 0, failed: int = 0
    ) -> EventEnvelope:
        event = SendingFinished(
            reservation_id=rid,
            outcome="partially_failed",
            delivered=delivered,
            failed=failed,
            cancelled=0,
            finished_at=datetime.now(UTC),
        )
        return self.envelope(event, rid, user_id)

    async def emitted(self, rid: uuid.UUID) -> list[tuple[str, dict[str, Any]]]:
        """(event type, payload) of every event billing wrote to its outbox for `rid`."""
        return await outbox_of(self.db, rid)

    async def account(self, user_id: str) -> Any:
        async with self.db.engine.connect() as conn:
            return (
                await conn.execute(select(accounts).where(accounts.c.user_id == user_id))
            ).first()

    async def hold(self, rid: uuid.UUID) -> Any:
        async with self.db.engine.connect() as conn:
            return (await conn.execute(select(holds).where(holds.c.reservation_id == rid))).first()

    async def usage_rows(self, user_id: str) -> list[tuple[str, str, int, int]]:
        """(carrier, msg_type, count, amount) of the customer's usage by carrier."""
        async with self.db.engine.connect() as conn:
            rows = await conn.execute(
                select(
                    carrier_usage.c.carrier,
                    carrier_usage.c.msg_type,
                    carrier_usage.c.count,
                    carrier_usage.c.amount,
                )
                .where(carrier_usage.c.user_id == user_id)
                .order_by(carrier_usage.c.carrier, carrier_usage.c.msg_type)
            )
            return [tuple(row) for row in rows]  # type: ignore[misc]

    async def entries(self, user_id: str) -> list[Any]:
        async with self.db.engine.connect() as conn:
            rows = await conn.execute(
                select(ledger_table)
                .where(ledger_table.c.user_id == user_id)
                .order_by(ledger_table.c.id)
            )
            return list(rows)


@pytest.fixture
def saga(db: Database) -> SagaDriver:
    return SagaDriver(db, private_consumer(db, "billing-saga-test", SUBSCRIPTIONS["billing-saga"]))


@pytest.fixture
def user() -> str:
    return f"u-bill-{uuid.uuid4().hex[:10]}"
