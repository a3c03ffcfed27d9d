"""A reservation's recipient list: each number normalised (`plumbing.phones`), duplicates
dropped keeping list order, bad ones listed with their index; and its chunks."""

from __future__ import annotations

from dataclasses import dataclass, field

import orjson

from msgplat.plumbing.phones import NumberInvalid, normalise_recipient

MAX_LISTED_ERRORS = 100


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
