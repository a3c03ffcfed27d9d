from enum import StrEnum


class ListMonitoringsSort(StrEnum):
    DUE = "due"
    NEWEST = "newest"

    def __str__(self) -> str:
        return str(self.value)
