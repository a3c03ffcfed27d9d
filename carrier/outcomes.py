"""What happens to a message, decided when it is submitted, from its recipient and the knobs.

In this order: a `to` that is not E.164 is rejected (1001); a number ending in a blocked
suffix is rejected with that suffix's code (1002); a number ending in a fail suffix is
accepted and its report says FAILED with that suffix's code (3001 by default, numbers
ending in 0000); otherwise `failure_rate` of the messages fail at random (3002, seeded);
the rest are DELIVERED (0000). The longest matching suffix wins.
"""

from __future__ import annotations

import random
import re

from msgplat.carrier.schemas import DELIVERED, DELIVERY_FAILED, INVALID_NUMBER
from msgplat.carrier.settings import Knobs

_E164 = re.compile(r"\+[0-9]{8,15}").fullmatch


def _longest_first(suffixes: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(suffixes.items(), key=lambda item: -len(item[0])))


class Rules:
    def __init__(self, knobs: Knobs, rng: random.Random) -> None:
        self._blocked = _longest_first(knobs.blocked_suffixes)
        self._fail = _longest_first(knobs.fail_suffixes)
        self._failure_rate = knobs.failure_rate
        self._rng = rng

    def decide(self, to: str) -> str:
        if _E164(to) is None:
            return INVALID_NUMBER
        for suffix, code in self._blocked:
            if to.endswith(suffix):
                return code
        for suffix, code in self._fail:
            if to.endswith(suffix):
                return code
        if self._failure_rate and self._rng.random() < self._failure_rate:
            return DELIVERY_FAILED
        return DELIVERED
