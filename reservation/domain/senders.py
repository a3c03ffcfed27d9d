"""Sender numbers (발신번호 사전등록): a callback number must be registered and verified
before a reservation may name it. Its states, and the code that verifies it. No I/O.

A code is six random digits, sent to the number (a notice through the send service) and
kept only as a hash: SHA-256 of the sender's id and the code, so the same code of two
senders hashes apart. It is good for `ttl`, for `attempts` wrong guesses; a new code
replaces it. Six digits and a handful of attempts make a guess one chance in 200,000.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID


class SenderStatus(StrEnum):
    PENDING = "pending"  # registered: not usable until verified
    VERIFIED = "verified"


class VerifiedBy(StrEnum):
    CODE = "code"  # the code sent to the number was entered
    OPERATOR = "operator"  # an operator approved it, with a note


CODE_DIGITS = 6


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_hash(sender_id: UUID, code: str) -> str:
    return hashlib.sha256(f"{sender_id}:{code}".encode()).hexdigest()


def code_text(code: str, ttl: timedelta) -> str:
    """The message that carries a code (one SMS)."""
    minutes = max(1, int(ttl.total_seconds() // 60))
    return f"[msgplat] 발신번호 인증번호 {code} ({minutes}분 안에 입력하세요)"


@dataclass(frozen=True)
class CodeState:
    """A sender's outstanding code, as stored."""

    hash: str | None
    expires_at: datetime | None
    attempts_left: int


class CodeRefused(Exception):
    """The code cannot be checked: `reason` says why (no_code, code_expired,
    too_many_attempts), `msg` what to do."""

    def __init__(self, reason: str, msg: str) -> None:
        super().__init__(msg)
        self.reason = reason


NEW_CODE = "ask for a new one at POST /senders/{id}/code, or have an operator approve it"


def check_code(sender_id: UUID, state: CodeState, given: str, *, now: datetime) -> bool:
    """Whether `given` is the outstanding code; CodeRefused when none may be checked. A
    wrong guess spends an attempt (the caller stores `attempts_left - 1`)."""
    if state.hash is None or state.expires_at is None:
        raise CodeRefused("no_code", f"no code is outstanding for this number: {NEW_CODE}")
    if state.attempts_left <= 0:
        raise CodeRefused("too_many_attempts", f"too many wrong codes: {NEW_CODE}")
    if now >= state.expires_at:
        raise CodeRefused("code_expired", f"the code has expired: {NEW_CODE}")
    return hmac.compare_digest(state.hash, code_hash(sender_id, given))
