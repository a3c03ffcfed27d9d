from enum import StrEnum


class ListTemplatesPurposeType0(StrEnum):
    ADVERTISING = "advertising"
    AUTHENTICATION = "authentication"
    NORMAL = "normal"

    def __str__(self) -> str:
        return str(self.value)
