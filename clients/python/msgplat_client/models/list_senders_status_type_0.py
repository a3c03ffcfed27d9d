from enum import StrEnum


class ListSendersStatusType0(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"

    def __str__(self) -> str:
        return str(self.value)
