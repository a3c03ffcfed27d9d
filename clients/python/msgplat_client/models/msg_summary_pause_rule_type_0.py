from enum import StrEnum


class MsgSummaryPauseRuleType0(StrEnum):
    ADVERTISING_HOURS = "advertising_hours"
    SENDING_WINDOWS = "sending_windows"

    def __str__(self) -> str:
        return str(self.value)
