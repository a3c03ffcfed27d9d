from enum import StrEnum


class MessageState(StrEnum):
    CANCELLED = "cancelled"
    DELIVERED = "delivered"
    FAILED = "failed"
    OPTED_OUT = "opted_out"
    PENDING = "pending"
    SUBMITTED = "submitted"

    def __str__(self) -> str:
        return str(self.value)
