"""Send's hand-written SQL, each statement held once, returning typed rows.

- `jobs`: a reservation's job, from its events to its start, resume and finish;
- `leases`: who runs a job: the scheduler's claim, the runner's lease fenced by its
  epoch, pauses, the handover to the carriers' reports;
- `messages`: a job's recipients: the chunks, the batch claim, the carrier's answers,
  cancels;
- `reports`: the carriers' delivery reports, and the sweep of those that never came;
- `tallies`: the count of final messages per job;
- `notices`: one message each on the platform's account (status alerts, codes);
- `optouts`, `windows`: what a customer set: the opt-out list, the sending windows;
- `stuck`: jobs that cannot go on by themselves (a dead-lettered chunk);
- `rows`: the typed rows they return (`Job`, `ClaimedMessage`, `FinalRow`, ...).

State names in SQL text come from `send.domain`'s enums (`rows.sql_in`).
"""

from msgplat.send.repository import (
    jobs,
    leases,
    messages,
    notices,
    optouts,
    reports,
    stuck,
    tallies,
    windows,
)

__all__ = [
    "jobs",
    "leases",
    "messages",
    "notices",
    "optouts",
    "reports",
    "stuck",
    "tallies",
    "windows",
]
