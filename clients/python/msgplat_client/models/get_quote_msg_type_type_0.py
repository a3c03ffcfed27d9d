from enum import StrEnum


class GetQuoteMsgTypeType0(StrEnum):
    LMS = "LMS"
    SMS = "SMS"

    def __str__(self) -> str:
        return str(self.value)
