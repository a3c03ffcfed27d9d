"""The platform's migrations: every schema of the registry, through plumbing's alembic runner.

`python -m msgplat.contracts.migrations upgrade <service|all>` (locally by `make run` and
the tests, in Kubernetes and compose by the migration Job); `revision <service> -m ...`
writes a service's next version. `all` is `SERVICES_WITH_TABLES`: the registry's services
with `tables=True` (`contracts/services.py`), each in its own schema.
"""

from __future__ import annotations

from msgplat.contracts.services import SERVICES, with_tables
from msgplat.plumbing.migrations import main, upgrade

SERVICES_WITH_TABLES: tuple[str, ...] = with_tables(SERVICES)

__all__ = ["SERVICES_WITH_TABLES", "upgrade"]

if __name__ == "__main__":
    main(SERVICES_WITH_TABLES)
