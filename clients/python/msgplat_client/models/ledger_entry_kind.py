from enum import StrEnum


class LedgerEntryKind(StrEnum):
    CAPTURE = "capture"
    HOLD = "hold"
    RELEASE = "release"
    TOPUP = "topup"

    def __str__(self) -> str:
        return str(self.value)
