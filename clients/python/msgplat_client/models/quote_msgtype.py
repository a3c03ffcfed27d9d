from enum import StrEnum


class QuoteMsgtype(StrEnum):
    LMS = "LMS"
    SMS = "SMS"

    def __str__(self) -> str:
        return str(self.value)
