"""When the customer is told of a reservation, and what: webhooks on a status change,
the status alert once it is final, and the retries of both. No I/O."""

from __future__ import annotations

from msgplat.contracts.messages import message_type
from msgplat.monitoring.domain.view import ALERTED_STATUSES, View


def status_changed(before: View | None, after: View) -> bool:
    """A change the customer is notified of: a new status of a served view (the request
    filling in a placeholder counts, with the status the view then has)."""
    if after.is_placeholder:
        return False
    if before is None or before.is_placeholder:
        return True
    return before.status != after.status


def alert_ready(view: View) -> bool:
    """An alert goes once the view is final with every message's result counted (the
    final status may be consumed before the last results: they come on another topic)."""
    if view.is_placeholder or view.status not in ALERTED_STATUSES:
        return False
    return view.status == "rejected" or view.finished >= view.recipient_count


def alert_due(before: View | None, after: View) -> bool:
    return alert_ready(after) and (before is None or not alert_ready(before))


def alert_text(view: View) -> str:
    """The short text of a status alert (fits one SMS for a short title)."""
    title = (view.title or "")[:20]
    if view.status == "rejected":
        return f"[msgplat] '{title}' rejected: {view.status_reason or 'not sent'}"[:200]
    opted_out = f", {view.opted_out_count} opted out" if view.opted_out_count else ""
    return (
        f"[msgplat] '{title}' {view.status}: {view.delivered_count} delivered, "
        f"{view.failed_count + view.cancelled_count} not{opted_out}, of {view.recipient_count}"
    )


def sms_or_lms(text: str) -> str:
    """SMS up to 90 bytes (EUC-KR, as Korean carriers count), else LMS: the platform's
    one rule (`contracts.messages`); a character carriers cannot take counts as its `?`."""
    return message_type(text, strict=False)


def retry_delay_s(attempts: int, *, base_s: float, max_s: float) -> float:
    """Exponential backoff after `attempts` failed attempts (1 -> base)."""
    return float(min(max_s, base_s * 2 ** max(0, attempts - 1)))


# The start of a non-2xx answer the delivery log shows (only a public address's).
ANSWER_SHOWN_CHARS = 100


def answer_logged(status_code: int, start: str) -> str:
    """The delivery log's error for a webhook's answer that is not a 2xx: its status, and
    the start of its body (on one line) when there is one to show."""
    said = f"answered {status_code}"
    if 300 <= status_code < 400:
        said += " (redirects are not followed)"
    shown = " ".join(start.split())[:ANSWER_SHOWN_CHARS]
    return f"{said}: {shown}" if shown else said
