"""The monitoring service's rules, standard library only, no I/O: the view of a
reservation (`view`), how each event changes it (`projection`), and when and what the
customer is told (`notifications`). Used as one module: `domain.apply(view, event)`.
Where a webhook may point is `destinations`, imported on its own."""

from msgplat.monitoring.domain.notifications import (
    alert_due,
    alert_ready,
    alert_text,
    answer_logged,
    retry_delay_s,
    sms_or_lms,
    status_changed,
)
from msgplat.monitoring.domain.projection import PROJECTED_EVENTS, apply, placeholder
from msgplat.monitoring.domain.view import ALERTED_STATUSES, FINAL_STATUSES, View

__all__ = [
    "ALERTED_STATUSES",
    "FINAL_STATUSES",
    "PROJECTED_EVENTS",
    "View",
    "alert_due",
    "alert_ready",
    "alert_text",
    "answer_logged",
    "apply",
    "placeholder",
    "retry_delay_s",
    "sms_or_lms",
    "status_changed",
]
