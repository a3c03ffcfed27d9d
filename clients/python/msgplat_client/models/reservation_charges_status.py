from enum import StrEnum


class ReservationChargesStatus(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    REFUSED = "refused"

    def __str__(self) -> str:
        return str(self.value)
