"""Projection rules of the read model. No I/O."""

from __future__ import annotations

# A view never moves back from a final status: events of different topics can arrive
# in any order relative to each other, and a late one must not reopen a finished view.
FINAL_STATUSES = frozenset({"completed", "partially_failed", "failed", "rejected", "cancelled"})
