"""Sends the queued status alerts to the carrier (a task of the dispatcher).

Alerts are claimed in batches (attempt counted, leased until the carrier's timeout has
passed) and submitted in one request; the carrier's answer per message is recorded:
accepted (`sent`, then delivered or failed when its report comes back, see
`commands.record_alert_reports`), refused (`failed`), or no answer (retried after a
backoff, failed after `webhook_max_attempts`). The alert's `ref` is the carrier's
idempotency key, so a retried submit sends nothing twice.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
from sqlalchemy import text

from msgplat.monitoring import domain
from msgplat.monitoring.domain import sms_or_lms
from msgplat.monitoring.settings import MonitoringSettings
from msgplat.plumbing.db import Database
from msgplat.plumbing.logging import get_logger

log = get_logger(__name__)

CLAIM_ALERTS_SQL = text(
    """
    UPDATE monitoring.alerts
    SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => :lease_s)
    WHERE id IN (
        SELECT id FROM monitoring.alerts
        WHERE state = 'pending' AND next_attempt_at <= now()
        ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED)
    RETURNING id, ref, to_num, text, attempts
    """
)

RECORD_ALERT_SQL = text(
    """
    UPDATE monitoring.alerts
    SET state = CAST(:state AS varchar), carrier_msg_id = :msg, result_code = :code,
        last_error = :error,
        next_attempt_at = now() + make_interval(secs => :delay),
        finished_at = CASE WHEN CAST(:state AS varchar) = 'pending' THEN NULL ELSE now() END
    WHERE id = :id AND attempts = :at
    """
)


class AlertSender:
    def __init__(self, db: Database, settings: MonitoringSettings) -> None:
        self.db = db
        self.settings = settings

    async def run(self, client: httpx.AsyncClient) -> None:
        while True:
            sent = 0
            try:
                sent = await self.send_alerts(client)
            except Exception as exc:
                log.warning("alerts_failed", error=repr(exc))
            if not sent:
                # The webhooks' loop owns the dispatcher's wake-up; alerts are rarer and
                # poll their interval.
                await asyncio.sleep(min(self.settings.dispatch_poll_s, 0.5))

    async def send_alerts(self, client: httpx.AsyncClient) -> int:
        s = self.settings
        async with self.db.unit_of_work() as uow:
            rows = (
                await uow.conn.execute(
                    CLAIM_ALERTS_SQL, {"lease_s": s.webhook_timeout_s + 10, "limit": 500}
                )
            ).all()
            await uow.commit()
        if not rows:
            return 0
        body = {
            "reportUrl": s.alert_report_url,
            "messages": [
                {
                    "ref": row.ref,
                    "to": row.to_num,
                    "from": s.alert_sender_num,
                    "type": sms_or_lms(row.text),
                    "text": row.text,
                }
                for row in rows
            ],
        }
        started = time.monotonic()
        try:
            response = await client.post(
                s.carrier_url.rstrip("/") + "/v1/messages",
                json=body,
                headers={"Authorization": f"Bearer {s.carrier_api_key}"},
                timeout=s.webhook_timeout_s,
            )
            error = None if response.status_code == 200 else f"carrier {response.status_code}"
            results = response.json()["results"] if error is None else []
        except (httpx.HTTPError, ValueError, KeyError) as exc:
            error, results = f"{type(exc).__name__}: {exc}"[:500], []
        await self._record_alerts(rows, results, error)
        log.info("alerts_sent", count=len(rows), error=error, took_s=time.monotonic() - started)
        return len(rows)

    async def _record_alerts(
        self, rows: list[Any], results: list[dict[str, Any]], error: str | None
    ) -> None:
        s = self.settings
        by_ref = {r.get("ref"): r for r in results}
        async with self.db.unit_of_work() as uow:
            for row in rows:
                result = by_ref.get(row.ref)
                if result is not None and result.get("accepted"):
                    values = {"state": "sent", "msg": result.get("messageId"), "code": None}
                elif result is not None:
                    values = {"state": "failed", "msg": None, "code": result.get("code")}
                elif row.attempts >= s.webhook_max_attempts:
                    values = {"state": "failed", "msg": None, "code": None}
                else:
                    values = {"state": "pending", "msg": None, "code": None}
                delay = domain.retry_delay_s(
                    row.attempts, base_s=s.webhook_retry_base_s, max_s=s.webhook_retry_max_s
                )
                await uow.conn.execute(
                    RECORD_ALERT_SQL,
                    {**values, "error": error, "delay": delay, "id": row.id, "at": row.attempts},
                )
            await uow.commit()
