"""Billing from a shell, for operators:

    python -m msgplat.billing topup <userId> <amount> [--note TEXT] [--by NAME]
                                    [--idempotency-key KEY]

adds `amount` KRW to the customer's account (created if new) straight in billing's
schema (`DATABASE_URL`), and prints the result as JSON. The ledger names the top-up
`cli:<NAME>` (default: the login name of whoever runs it). The same top-up through the
gateway: `POST /billings/topups` with an operator's credentials.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from pydantic import ValidationError

from msgplat.billing import commands
from msgplat.billing.domain import CLI_ACTOR_PREFIX
from msgplat.billing.models import tables
from msgplat.billing.schemas import Topup, TopupCreate
from msgplat.billing.settings import BillingSettings
from msgplat.plumbing.db import Database
from msgplat.plumbing.settings import SettingsError, load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m msgplat.billing", description=__doc__)
    subcommands = parser.add_subparsers(dest="command", required=True)
    topup = subcommands.add_parser("topup", help="add credit to a customer's account")
    topup.add_argument("user_id", metavar="userId", help="the customer")
    topup.add_argument("amount", type=int, help="KRW, a whole number (1 to 10,000,000)")
    topup.add_argument("--note", default=None, help="what it is for, shown in the ledger")
    topup.add_argument(
        "--by",
        default=None,
        help="who tops up, named in the ledger as cli:<by> (default: your login name)",
    )
    topup.add_argument("--idempotency-key", default=None, help="applied once per key")
    args = parser.parse_args(argv)

    try:
        cmd = TopupCreate.model_validate(
            {"userId": args.user_id, "amount": args.amount, "note": args.note}
        )
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        parser.error(problems)
    by = args.by or getpass.getuser()
    try:
        settings = load_settings(BillingSettings)
    except SettingsError as exc:
        parser.error(str(exc))
    result = asyncio.run(_top_up(settings, cmd, CLI_ACTOR_PREFIX + by, args.idempotency_key))
    print(result.model_dump_json(by_alias=True, indent=2))
    return 0


async def _top_up(
    settings: BillingSettings, cmd: TopupCreate, actor: str, key: str | None
) -> Topup:
    db = Database(settings, tables)
    try:
        result, _ = await commands.top_up(db, cmd, actor=actor[:100], idempotency_key=key)
        return result
    finally:
        await db.dispose()


if __name__ == "__main__":
    sys.exit(main())
