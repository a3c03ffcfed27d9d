"""Stat's hand-written SQL. Counting message results: one statement per event, each
message counted once.

The statement first inserts every (reservation, seq) into `counted_results` with
`ON CONFLICT DO NOTHING RETURNING seq`; only the results it really inserted are
counted, so a result re-emitted in another event (or replayed under a new event id)
finds its key taken and adds nothing. The counts then go into the day, carrier and
reservation counters as `count = count + excluded.count` upserts, in the same
statement: 500 results cost one round trip, not 500.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from sqlalchemy import text

from msgplat.contracts.events import MessageResult
from msgplat.plumbing.db import UnitOfWork
from msgplat.stat import domain
from msgplat.stat.models import SCHEMA

_COUNT_RESULTS = text(
    f"""
    WITH input AS (
        SELECT r.seq, r.status, r.code, r.at, r.carrier
        FROM unnest(
            CAST(:seqs AS integer[]), CAST(:statuses AS text[]),
            CAST(:codes AS text[]), CAST(:ats AS timestamptz[]), CAST(:carriers AS text[])
        ) AS r(seq, status, code, at, carrier)
    ),
    counted AS (
        INSERT INTO {SCHEMA}.counted_results (reservation_id, seq)
        SELECT CAST(:rid AS uuid), seq FROM input ORDER BY seq
        ON CONFLICT DO NOTHING
        RETURNING seq
    ),
    fresh AS (
        SELECT i.status, i.code, i.carrier,
               (i.at AT TIME ZONE '{domain.TIMEZONE_NAME}')::date AS day
        FROM input i JOIN counted c USING (seq)
    ),
    by_day AS (
        SELECT day,
               count(*) FILTER (WHERE status = 'delivered') AS delivered,
               count(*) FILTER (WHERE status = 'failed') AS failed,
               count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
               count(*) FILTER (WHERE status = 'opted_out') AS opted_out
        FROM fresh GROUP BY day
    ),
    by_carrier AS (
        SELECT day, carrier,
               count(*) FILTER (WHERE status = 'delivered') AS delivered,
               count(*) FILTER (WHERE status = 'failed') AS failed
        FROM fresh WHERE carrier IS NOT NULL AND status IN ('delivered', 'failed')
        GROUP BY day, carrier
    ),
    failures AS (
        SELECT day, code, count(*) AS n FROM fresh WHERE status = 'failed' GROUP BY day, code
    ),
    day_counts AS (
        INSERT INTO {SCHEMA}.daily_stats AS d
            (user_id, day, delivered, failed, cancelled, opted_out)
        SELECT CAST(:uid AS varchar), day, delivered, failed, cancelled, opted_out
        FROM by_day ORDER BY day
        ON CONFLICT (user_id, day) DO UPDATE SET
            delivered = d.delivered + excluded.delivered,
            failed = d.failed + excluded.failed,
            cancelled = d.cancelled + excluded.cancelled,
            opted_out = d.opted_out + excluded.opted_out
    ),
    carrier_counts AS (
        INSERT INTO {SCHEMA}.daily_carrier_stats AS k (user_id, day, carrier, delivered, failed)
        SELECT CAST(:uid AS varchar), day, carrier, delivered, failed
        FROM by_carrier ORDER BY day, carrier
        ON CONFLICT (user_id, day, carrier) DO UPDATE SET
            delivered = k.delivered + excluded.delivered,
            failed = k.failed + excluded.failed
    ),
    day_failures AS (
        INSERT INTO {SCHEMA}.daily_failures AS f (user_id, day, code, count)
        SELECT CAST(:uid AS varchar), day, code, n FROM failures ORDER BY day, code
        ON CONFLICT (user_id, day, code) DO UPDATE SET count = f.count + excluded.count
    ),
    reservation_counts AS (
        INSERT INTO {SCHEMA}.reservation_stats AS s
            (reservation_id, user_id, delivered, failed, cancelled, opted_out)
        SELECT CAST(:rid AS uuid), CAST(:uid AS varchar),
               sum(delivered), sum(failed), sum(cancelled), sum(opted_out)
        FROM by_day HAVING count(*) > 0
        ON CONFLICT (reservation_id) DO UPDATE SET
            delivered = s.delivered + excluded.delivered,
            failed = s.failed + excluded.failed,
            cancelled = s.cancelled + excluded.cancelled,
            opted_out = s.opted_out + excluded.opted_out,
            updated_at = now()
    ),
    reservation_failures AS (
        INSERT INTO {SCHEMA}.reservation_failures AS f (reservation_id, code, count)
        SELECT CAST(:rid AS uuid), code, sum(n) FROM failures GROUP BY code ORDER BY code
        ON CONFLICT (reservation_id, code) DO UPDATE SET count = f.count + excluded.count
    )
    SELECT count(*) FROM fresh
    """
)


async def count_results(
    uow: UnitOfWork, *, reservation_id: UUID, user_id: str, results: Iterable[MessageResult]
) -> int:
    """Count the results not counted before; returns how many were new."""
    unique: dict[int, MessageResult] = {}
    for result in results:
        unique.setdefault(result.seq, result)  # the same seq twice in one event: once
    if not unique:
        return 0
    ordered = list(unique.values())
    new = await uow.conn.scalar(
        _COUNT_RESULTS,
        {
            "rid": reservation_id,
            "uid": user_id,
            "seqs": [r.seq for r in ordered],
            "statuses": [r.status for r in ordered],
            "codes": [domain.failure_code(r.code) for r in ordered],
            "ats": [r.at for r in ordered],
            "carriers": [domain.carrier_name(r.carrier) for r in ordered],
        },
    )
    return int(new or 0)
