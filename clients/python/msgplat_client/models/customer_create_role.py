from enum import StrEnum


class CustomerCreateRole(StrEnum):
    CUSTOMER = "customer"
    OPERATOR = "operator"

    def __str__(self) -> str:
        return str(self.value)
