from enum import StrEnum


class SenderMethodType0(StrEnum):
    CODE = "code"
    OPERATOR = "operator"

    def __str__(self) -> str:
        return str(self.value)
