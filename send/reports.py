"""Delivery reports from the carrier, applied idempotently in one transaction a batch.

A report applies to a message that is not final yet (it may even overtake the
recording of the carrier's answer to the submit) and that records the reporting
carrier (the one its callback token names); duplicates, reports that arrive after the
message's first final state, and reports from another carrier (one that had the
message before a failover, see carriers.py) change nothing: a message is final once,
by one carrier. A batch naming any message we do not know is refused whole (422) and
changes nothing.
"""

from __future__ import annotations

import hmac
from collections import defaultdict
from typing import Any
from uuid import UUID

from sqlalchemy import text

from msgplat.plumbing.db import Database
from msgplat.plumbing.errors import FieldError, RequestInvalid
from msgplat.send import domain
from msgplat.send.models import SCHEMA
from msgplat.send.results import load_job, record_final
from msgplat.send.schemas import CarrierReport, ReportsApplied
from msgplat.send.settings import SendSettings

KNOWN_SQL = text(
    f"""
    SELECT v.rid, v.seq FROM unnest(CAST(:rids AS uuid[]), CAST(:seqs AS int[])) AS v(rid, seq)
    WHERE EXISTS (
        SELECT 1 FROM {SCHEMA}.messages m WHERE m.reservation_id = v.rid AND m.seq = v.seq)
    """
)

APPLY_SQL = text(
    f"""
    UPDATE {SCHEMA}.messages m
    SET status = v.status, result_code = v.code, reason = v.reason,
        carrier_msg_id = coalesce(m.carrier_msg_id, v.mid), final_at = v.done_at
    FROM unnest(CAST(:rids AS uuid[]), CAST(:seqs AS int[]), CAST(:statuses AS text[]),
                CAST(:codes AS text[]), CAST(:reasons AS text[]), CAST(:mids AS text[]),
                CAST(:done AS timestamptz[]), CAST(:carriers AS text[]))
        AS v(rid, seq, status, code, reason, mid, done_at, carrier)
    WHERE m.reservation_id = v.rid AND m.seq = v.seq
      AND m.status IN ('pending', 'submitted') AND m.carrier = v.carrier
    RETURNING m.reservation_id, m.seq, m.status, m.result_code, m.reason, m.carrier,
              m.carrier_msg_id, m.final_at, m.msg_type
    """
)

MAX_LISTED = 100


def reporting_carrier(settings: SendSettings, authorization: str | None) -> str | None:
    """The carrier whose callback token `authorization` bears; None for no carrier's."""
    if authorization is None:
        return None
    given = authorization.encode()
    found = None
    for carrier in settings.carrier_configs():  # every token compared: no timing hint
        if hmac.compare_digest(given, f"Bearer {carrier.callback_token}".encode()):
            found = carrier.name
    return found


async def apply_reports(
    db: Database, reports: list[CarrierReport], *, carrier: str
) -> ReportsApplied:
    """Apply `reports` sent by `carrier` (the name its callback token belongs to)."""
    keyed: dict[tuple[UUID, int], CarrierReport] = {}
    errors: list[FieldError] = []
    for index, report in enumerate(reports):
        try:
            rid, seq = domain.parse_ref(report.ref)
            key = (UUID(rid), seq)
        except ValueError as exc:
            errors.append(FieldError(("body", "reports", index, "ref"), str(exc), input=report.ref))
            continue
        keyed.setdefault(key, report)  # the first report of a message in a batch wins
    if errors:
        raise RequestInvalid(errors[:MAX_LISTED], total=len(errors))

    keys = list(keyed)
    params: dict[str, Any] = {"rids": [k[0] for k in keys], "seqs": [k[1] for k in keys]}
    async with db.unit_of_work() as uow:
        known = {(row.rid, row.seq) for row in await uow.conn.execute(KNOWN_SQL, params)}
        unknown = [k for k in keys if k not in known]
        if unknown:
            raise RequestInvalid(
                [
                    FieldError(
                        ("body", "reports", "ref"),
                        "no such message: nothing in this batch was applied",
                        input=domain.make_ref(*k),
                    )
                    for k in unknown[:MAX_LISTED]
                ],
                total=len(unknown),
            )
        values = [keyed[k] for k in keys]
        changed = (
            await uow.conn.execute(
                APPLY_SQL,
                {
                    **params,
                    # Per row, not one `m.carrier = :carrier`: statistics taken while the
                    # list was pending (carrier NULL) would make that filter look like it
                    # keeps no row, and the plan scan the whole table for each report.
                    "carriers": [carrier] * len(values),
                    "statuses": [
                        "delivered" if r.status == "DELIVERED" else "failed" for r in values
                    ],
                    "codes": [r.code for r in values],
                    "reasons": [
                        r.reason or ("delivered" if r.status == "DELIVERED" else "failed")
                        for r in values
                    ],
                    "mids": [r.message_id for r in values],
                    "done": [r.done_at for r in values],
                },
            )
        ).all()
        by_reservation: dict[UUID, list[Any]] = defaultdict(list)
        for row in changed:
            by_reservation[row.reservation_id].append(row)
        for rid in sorted(by_reservation):  # a fixed order: no deadlock between batches
            await record_final(uow, await load_job(uow, rid), by_reservation[rid])
        await uow.commit()
    return ReportsApplied(
        received=len(reports), applied=len(changed), ignored=len(reports) - len(changed)
    )
