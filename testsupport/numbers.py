"""Mobile numbers for tests and benchmarks: distinct, valid and fresh for each call."""

from __future__ import annotations

import uuid
from collections.abc import Collection


def numbers(count: int, *, failing: Collection[int] = ()) -> list[str]:
    """`count` distinct 010 numbers ending in 1, which the carrier simulator delivers;
    those at the `failing` indexes (< 100) end in 0000, which it fails with code 3001.
    Their prefix is random (0106..0109: libphonenumber has no 01059[7-9]xx), so that
    calls do not share numbers (opt-outs, the message search)."""
    prefix = uuid.uuid4().int % 40 + 60
    return [
        f"010{prefix:02d}{i:02d}0000" if i in failing else f"010{prefix:02d}{i:05d}1"
        for i in range(count)
    ]
