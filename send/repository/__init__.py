"""Send's hand-written SQL, each statement held once, returning typed rows.

- `jobs`: a reservation's job, from its events to the scheduler's claim and lease,
  pauses, the handover and the finish;
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
    messages,
    notices,
    optouts,
    reports,
    stuck,
    tallies,
    windows,
)

__all__ = ["jobs", "messages", "notices", "optouts", "reports", "stuck", "tallies", "windows"]
