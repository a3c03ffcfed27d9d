"""Personalised texts: `#{name}` variables in a message, filled in per recipient. No I/O.

A variable name holds ASCII letters, digits, `_` and Hangul (`#{고객명}`, `#{amount_2}`).
Anything else between `#{` and `}` (`#{고객 명}`, `#{}`) is not a variable: `malformed`
names it so that it is refused rather than sent as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

_NAME = r"[0-9A-Za-z_\u3131-\u318e\uac00-\ud7a3]+"
_VARIABLE = re.compile(r"#\{(" + _NAME + r")\}")
_BRACED = re.compile(r"#\{([^{}]*)\}")
_VALID_NAME = re.compile(_NAME)


class MissingVariables(KeyError):
    """The values lack some of the text's variables (all of them listed, in order)."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(names)
        self.names = names


def variables(text: str) -> list[str]:
    """The variable names of `text`, each once, in order of first use."""
    return list(dict.fromkeys(_VARIABLE.findall(text)))


def malformed(text: str) -> list[str]:
    """`#{...}` spans of `text` that are not variables (a bad name), in order."""
    return [
        match.group(0)
        for match in _BRACED.finditer(text)
        if not _VALID_NAME.fullmatch(match.group(1))
    ]


def render(text: str, values: Mapping[str, str]) -> str:
    """`text` with each `#{name}` replaced by `values[name]`; MissingVariables when
    some are absent. Values are inserted as they are (a `#{x}` in a value stays)."""
    parts = _split(text)
    missing = [name for name in parts[1::2] if name not in values]
    if missing:
        raise MissingVariables(list(dict.fromkeys(missing)))
    return "".join(part if i % 2 == 0 else values[part] for i, part in enumerate(parts))


@lru_cache(maxsize=64)
def _split(text: str) -> tuple[str, ...]:
    """Literal text and variable names, alternating: [text, name, text, ..., text]. A
    reservation renders one text for up to 100,000 recipients: split it once."""
    return tuple(_VARIABLE.split(text))
