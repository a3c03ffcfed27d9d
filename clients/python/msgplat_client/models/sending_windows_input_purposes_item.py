from enum import StrEnum


class SendingWindowsInputPurposesItem(StrEnum):
    ADVERTISING = "advertising"
    AUTHENTICATION = "authentication"
    NORMAL = "normal"

    def __str__(self) -> str:
        return str(self.value)
