from enum import StrEnum


class SenderCreateVerifyby(StrEnum):
    CODE = "code"
    OPERATOR = "operator"

    def __str__(self) -> str:
        return str(self.value)
