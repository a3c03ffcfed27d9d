"""Billing's commands. Top-ups: the only way money enters an account, an operator's act
(the API refuses a customer's own credentials; the command line is `python -m
msgplat.billing topup`), once per Idempotency-Key, each naming who made it (`actor`).

Also the accounts `DEMO_ACCOUNTS` names (none unless set): created at start-up only if
missing, each with a top-up entry, so the ledger explains every won of their balance.
"""

from __future__ import annotations

from functools import partial

from sqlalchemy.exc import IntegrityError

from msgplat.billing import repository
from msgplat.billing.domain import DEMO_ACCOUNTS_ACTOR, Entry, LedgerKind
from msgplat.billing.models import topup_keys
from msgplat.billing.queries import balance_of
from msgplat.billing.schemas import Topup, TopupCreate
from msgplat.plumbing import idempotency
from msgplat.plumbing.db import Database
from msgplat.plumbing.logging import get_logger
from msgplat.plumbing.outages import until_done

log = get_logger(__name__)


async def top_up(
    db: Database, cmd: TopupCreate, *, actor: str, idempotency_key: str | None = None
) -> tuple[Topup, bool]:
    """`actor` adds `cmd.amount` to the account (created if new); returns (result,
    replayed)."""
    body_hash = idempotency.request_hash(cmd)
    if idempotency_key and (found := await _replay(db, cmd.user_id, idempotency_key, body_hash)):
        return found, True
    try:
        async with db.unit_of_work() as uow:
            await repository.open_account(uow, cmd.user_id)
            entry = Entry(LedgerKind.TOPUP, cmd.amount, note=cmd.note or "top-up", actor=actor)
            posted = await repository.post(uow, cmd.user_id, [entry])
            assert posted is not None  # the account exists: opened above
            result = Topup(
                ledger_entry_id=posted[1][0],
                user_id=cmd.user_id,
                amount=cmd.amount,
                balance=await balance_of(uow.conn, cmd.user_id),
            )
            if idempotency_key:
                await idempotency.remember(
                    uow.conn,
                    topup_keys,
                    user_id=cmd.user_id,
                    key=idempotency_key,
                    body_hash=body_hash,
                    response=result,
                )
            await uow.commit()
        return result, False
    except IntegrityError:
        # The same key committed concurrently by another request: answer its result.
        if idempotency_key and (
            found := await _replay(db, cmd.user_id, idempotency_key, body_hash)
        ):
            return found, True
        raise


async def _replay(db: Database, user_id: str, key: str, body_hash: str) -> Topup | None:
    stored = await idempotency.stored_response(
        db, topup_keys, user_id=user_id, key=key, body_hash=body_hash
    )
    return None if stored is None else Topup.model_validate(stored)


async def ensure_demo_accounts(db: Database, starting_balances: dict[str, int]) -> list[str]:
    """Create the accounts that do not exist yet with their starting balance; returns
    the user ids created. Safe to run at every start and from several replicas."""
    created: list[str] = []
    async with db.unit_of_work() as uow:
        for user_id, amount in sorted(starting_balances.items()):
            if not await repository.open_account(uow, user_id):
                continue
            if amount > 0:
                entry = Entry(
                    LedgerKind.TOPUP,
                    amount,
                    note="demo starting balance",
                    actor=DEMO_ACCOUNTS_ACTOR,
                )
                await repository.post(uow, user_id, [entry])
            created.append(user_id)
        await uow.commit()
    return created


async def ensure_demo_accounts_with_retry(db: Database, starting_balances: dict[str, int]) -> None:
    """At start-up, beside serving: a database not reachable yet is retried."""
    created = await until_done(
        partial(ensure_demo_accounts, db, starting_balances), failed="demo_accounts_failed"
    )
    log.info("demo_accounts_ready", created=created, configured=sorted(starting_balances))
