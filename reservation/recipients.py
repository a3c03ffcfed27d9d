"""A reservation's recipient list: each number normalised (`plumbing.phones`), duplicates
dropped keeping list order, bad ones listed with their index; each personalised text
rendered and typed; and the list cut into chunk events. No I/O."""

from __future__ import annotations

from dataclasses import dataclass, field

import orjson

from msgplat.contracts.messages import ContentInvalid, MsgType, message_type
from msgplat.plumbing.errors import FieldError
from msgplat.plumbing.phones import NumberInvalid, normalise_recipient
from msgplat.reservation.domain import MissingVariables, render
from msgplat.reservation.schemas import MsgReqCreate
from msgplat.reservation.settings import ReservationSettings

MAX_LISTED_ERRORS = 100
Loc = tuple[str | int, ...]


@dataclass
class RecipientList:
    numbers: list[str] = field(default_factory=list)
    # The request index each of `numbers` came from (for per-recipient variables)
    indexes: list[int] = field(default_factory=list)
    duplicates_dropped: int = 0
    # (index in the request, value, reason), the first MAX_LISTED_ERRORS of them
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    error_count: int = 0


def split_dst_num(value: str | list[str]) -> list[str]:
    """The seed's comma-separated form or a JSON array, as a list in order."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",")]
    return value


def build_recipient_list(raw: list[str], region: str = "KR") -> RecipientList:
    result = RecipientList()
    seen: set[str] = set()
    for index, value in enumerate(raw):
        try:
            number = normalise_recipient(value, region)
        except NumberInvalid as exc:
            result.error_count += 1
            if len(result.errors) < MAX_LISTED_ERRORS:
                result.errors.append((index, value, str(exc)))
            continue
        if number in seen:
            result.duplicates_dropped += 1
            continue
        seen.add(number)
        result.numbers.append(number)
        result.indexes.append(index)
    return result


def check_recipients(
    settings: ReservationSettings, cmd: MsgReqCreate, errors: list[FieldError]
) -> tuple[RecipientList | None, int]:
    """The request's recipients (`dstNum` or `recipients`) checked: the normalised list
    (None when it cannot be used) and how many errors it added to `errors`."""
    if cmd.dst_num is not None and cmd.recipients is not None:
        errors.append(
            FieldError(("body", "recipients"), "give either dstNum or recipients, not both")
        )
        return None, 1
    if cmd.recipients is not None:
        field, raw = "recipients", [r.dst_num for r in cmd.recipients]
    elif cmd.dst_num is not None:
        field, raw = "dstNum", split_dst_num(cmd.dst_num)
    else:
        errors.append(
            FieldError(("body", "dstNum"), "Field required (or give recipients)", "missing")
        )
        return None, 1
    if len(raw) > settings.max_recipients:
        errors.append(
            FieldError(
                ("body", field),
                f"has {len(raw)} recipients; at most {settings.max_recipients} are accepted "
                "in one reservation: split the list",
                type="too_long",
            )
        )
        return None, 1
    recipient_list = build_recipient_list(raw, settings.phone_default_region)
    suffix: Loc = ("dstNum",) if field == "recipients" else ()
    errors += [
        FieldError(("body", field, index, *suffix), reason, type="phone_number", input=value)
        for index, value, reason in recipient_list.errors
    ]
    added = recipient_list.error_count
    if recipient_list.error_count == 0 and not recipient_list.numbers:
        errors.append(FieldError(("body", field), "needs at least one recipient", "no_recipients"))
        added += 1
    return recipient_list, added


def render_each(
    cmd: MsgReqCreate, content: str, recipient_list: RecipientList
) -> tuple[list[str], list[MsgType], list[FieldError], int]:
    """Each kept recipient's text and type; the errors (the first MAX_LISTED_ERRORS) and
    how many there were."""
    assert cmd.recipients is not None
    texts: list[str] = []
    types: list[MsgType] = []
    errors: list[FieldError] = []
    count = 0
    for index in recipient_list.indexes:
        values = cmd.recipients[index].variables
        found: list[FieldError] = []
        try:
            text = render(content, values)
            texts.append(text)
            types.append(message_type(text))
        except MissingVariables as exc:
            found = [
                FieldError(
                    ("body", "recipients", index, "variables", name),
                    f"is missing: the message uses #{{{name}}}",
                    type="missing",
                )
                for name in exc.names
            ]
        except ContentInvalid as exc:
            reason = str(exc)
            found = [
                FieldError(
                    ("body", "recipients", index),
                    "the message rendered for this recipient"
                    + (f" {reason}" if reason.startswith("is ") else f": {reason}"),
                )
            ]
        count += len(found)
        errors += found[: max(0, MAX_LISTED_ERRORS - len(errors))]
    return texts, types, errors, count


def event_sizes(numbers: list[str], texts: list[str] | None) -> list[int]:
    """Roughly what each recipient adds to a chunk event's JSON, in bytes (a little more)."""
    if texts is None:
        return [len(number) + 3 for number in numbers]
    return [
        len(number) + len(orjson.dumps(text)) + 10
        for number, text in zip(numbers, texts, strict=True)
    ]


def chunk_bounds(sizes: list[int], *, max_count: int, max_bytes: int) -> list[tuple[int, int]]:
    """Split a list whose items weigh `sizes` bytes into consecutive (start, end) slices
    of at most `max_count` items and `max_bytes` bytes (an item heavier than that alone
    is a slice of its own). Keeps each recipient chunk event well under 1 MB."""
    bounds: list[tuple[int, int]] = []
    start, weight = 0, 0
    for i, size in enumerate(sizes):
        if i > start and (i - start >= max_count or weight + size > max_bytes):
            bounds.append((start, i))
            start, weight = i, 0
        weight += size
    if start < len(sizes):
        bounds.append((start, len(sizes)))
    return bounds
