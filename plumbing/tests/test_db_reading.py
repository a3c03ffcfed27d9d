"""`Database.reading()`: one read with no transaction around it (no BEGIN or ROLLBACK
round trip), and the pooled connection transactional again for the next user."""

from __future__ import annotations

from sqlalchemy import text

from .conftest import Plumbing


async def test_a_read_runs_outside_a_transaction_and_leaves_none_behind(
    plumbing: Plumbing,
) -> None:
    async with plumbing.db.reading() as conn:
        assert await conn.scalar(text("SELECT 1")) == 1
        raw = await conn.get_raw_connection()
        assert not raw.driver_connection.is_in_transaction()
    async with plumbing.db.unit_of_work() as uow:
        await uow.conn.execute(text("SELECT 1"))
        raw = await uow.conn.get_raw_connection()
        assert raw.driver_connection.is_in_transaction()
