"""What the carrier received: one compact record per client reference, in arrival order.

A ref received again is not sent again: the submit answers the first carrier message id
with `duplicate: true` and only the ref's submit count grows. Unless `deduplicate` is off:
then it is sent again (a new message id, a report of its own), as a real carrier does,
and counted (`duplicates`, `duplicate_refs`). Texts, senders and
subjects are interned, so 100,000 messages of one reservation hold one copy of its text.
Carrier message ids are derived from the arrival index, never stored.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from msgplat.carrier.schemas import DELIVERED, reason_of


class Incoming(Protocol):
    """One message of a submit (`schemas.OutgoingMessage`)."""

    @property
    def ref(self) -> str: ...
    @property
    def to(self) -> str: ...
    @property
    def from_(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def subject(self) -> str | None: ...
    @property
    def text(self) -> str: ...


def is_rejection(code: str) -> bool:
    return code.startswith("1")


# Decides a message's fate from its recipient: a 1xxx rejection or the report's code.
Decide = Callable[[str], str]
# Called for each newly accepted message: (message id, ref, report code).
OnAccept = Callable[[str, str, str], None]


class Ledger:
    """Columns of equal length, one row per ref in arrival order (the row index is the
    arrival order). Lists of strings and a dict of str -> int: no object per message,
    nothing for the garbage collector to walk."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.refs: list[str] = []
        self.tos: list[str] = []
        self.senders: list[str] = []
        self.types: list[str] = []
        self.subjects: list[str | None] = []
        self.texts: list[str] = []
        self.codes: list[str] = []
        self.submit_counts: list[int] = []
        self.row_of: dict[str, int] = {}
        self._strings: dict[str, str] = {}
        # Ids stay unique across resets and restarts: a fresh prefix each time.
        self.run = f"sim{secrets.token_hex(3)}"
        self.received = 0
        self.duplicates = 0
        self.duplicate_refs: list[str] = []  # in arrival order, each time (no dedup)
        self.rejected = 0
        self.accepted = 0

    def __len__(self) -> int:
        return len(self.refs)

    def message_id(self, row: int) -> str:
        return f"{self.run}-{row}"

    def submit(
        self,
        messages: Iterable[Incoming],
        decide: Decide,
        on_accept: OnAccept,
        *,
        deduplicate: bool = True,
    ) -> list[dict[str, Any]]:
        """Record a batch in order; answer one result per message, in the same order."""
        results: list[dict[str, Any]] = []
        append = results.append
        row_of = self.row_of
        codes = self.codes
        counts = self.submit_counts
        intern = self._strings.setdefault
        run = self.run
        for message in messages:
            ref = message.ref
            row = row_of.get(ref)
            if row is not None:
                counts[row] += 1
                code = codes[row]
                if code[0] != "1" and not deduplicate:
                    # Sent again: a new message id and its own report.
                    self.duplicates += 1
                    self.duplicate_refs.append(ref)
                    message_id = f"{run}-{row}-{counts[row]}"
                    on_accept(message_id, ref, code)
                    append(
                        {"ref": ref, "accepted": True, "messageId": message_id, "duplicate": False}
                    )
                    continue
                if code[0] != "1":
                    self.duplicates += 1
                    append(
                        {
                            "ref": ref,
                            "accepted": True,
                            "messageId": f"{run}-{row}",
                            "duplicate": True,
                        }
                    )
                    continue
                # Rejected before: judged again (the knobs may have changed since).
                code = codes[row] = decide(self.tos[row])
            else:
                to = message.to
                code = decide(to)
                row = len(codes)
                row_of[ref] = row
                self.refs.append(ref)
                self.tos.append(to)
                self.senders.append(intern(message.from_, message.from_))
                self.types.append(intern(message.type, message.type))
                subject = message.subject
                self.subjects.append(None if subject is None else intern(subject, subject))
                self.texts.append(intern(message.text, message.text))
                codes.append(code)
                counts.append(1)
            if code[0] == "1":
                self.rejected += 1
                append({"ref": ref, "accepted": False, "code": code, "reason": reason_of(code)})
                continue
            self.accepted += 1
            message_id = f"{run}-{row}"
            on_accept(message_id, ref, code)
            append({"ref": ref, "accepted": True, "messageId": message_id, "duplicate": False})
        self.received += len(results)
        return results

    def select(self, ref_prefix: str, offset: int, limit: int) -> tuple[int, list[dict[str, Any]]]:
        """Rows whose ref starts with `ref_prefix`, in arrival order: (total, one page)."""
        rows: range | list[int]
        if ref_prefix:
            rows = [row for row, ref in enumerate(self.refs) if ref.startswith(ref_prefix)]
        else:
            rows = range(len(self.refs))
        return len(rows), [self.describe(row) for row in rows[offset : offset + limit]]

    def describe(self, row: int) -> dict[str, Any]:
        code = self.codes[row]
        accepted = not is_rejection(code)
        if not accepted:
            status = "REJECTED"
        elif code == DELIVERED:
            status = "DELIVERED"
        else:
            status = "FAILED"
        return {
            "ref": self.refs[row],
            "to": self.tos[row],
            "from": self.senders[row],
            "type": self.types[row],
            "subject": self.subjects[row],
            "text": self.texts[row],
            "messageId": self.message_id(row) if accepted else None,
            "order": row,
            "submitCount": self.submit_counts[row],
            "status": status,
            "code": code,
        }
