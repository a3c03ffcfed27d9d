"""The rules of an advertising message (Korean law on commercial texts). No I/O.

An advertising text starts with the marker `(광고)`, carries a free number to opt out
(an `080` number), and is not sent outside the advertising hours (AD_SENDING_HOURS in
AD_SENDING_TIMEZONE, 08:00-21:00 in Seoul by default).
"""

from __future__ import annotations

import re
from datetime import datetime

from msgplat.plumbing.windows import Windows

MARKER = "(광고)"
# A Korean free-call number: 080, then 3 or 4 digits, then 4, with optional separators.
_OPT_OUT_NUMBER = re.compile(r"(?<!\d)080[-. ]?\d{3,4}[-. ]?\d{4}(?!\d)")


def content_problems(content: str) -> list[str]:
    """What an advertising text misses, each as a sentence; empty when it is fine."""
    problems = []
    if not content.lstrip().startswith(MARKER):
        problems.append(f"an advertising message must start with {MARKER}")
    if not _OPT_OUT_NUMBER.search(content):
        problems.append(
            "an advertising message must carry a free opt-out number (an 080 number, "
            "e.g. 무료거부 080-123-4567)"
        )
    return problems


def hours_problem(
    due: datetime, *, sent_now: bool, earliest: datetime, hours: Windows, label: str
) -> str | None:
    """Why an advertising reservation due at `due` is refused, or None when the hours
    are open then. `earliest` is the earliest time a reservation may be given for (now
    plus the lead time); `label` names the hours, e.g. "08:00-21:00 Asia/Seoul"."""
    if hours.is_open(due):
        return None
    rule = f"advertising may only be sent {label} (AD_SENDING_HOURS)"
    accepted = hours.next_open(max(due, earliest))
    then = (
        f"the earliest accepted reserveDt is {accepted.astimezone(hours.zone).isoformat()}"
        if accepted is not None
        else "no time is accepted"
    )
    if sent_now:
        local = due.astimezone(hours.zone).strftime("%H:%M")
        return f"cannot be sent now ({local}): {rule}; {then}"
    return f"{due.astimezone(hours.zone).isoformat()} is outside the hours: {rule}; {then}"
