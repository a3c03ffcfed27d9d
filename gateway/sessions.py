"""What login tokens and stream tickets stand for, in the gateway's tables.

- A login token names its session (`jti`): the row says whose it is, which API key it
  was exchanged for (none: a password login), until when, and whether it was revoked.
  A token is good while its session is unexpired and unrevoked, its key (if any) is not
  revoked and its customer exists. Every replica reads the same rows (with a cache of
  API_KEY_CACHE_S, see auth.py), so a logout or a key's revocation reaches them all.
- A stream ticket is a random string for one `GET /monitorings/stream?ticket=`, valid
  for TICKET_TTL_S, stored as its SHA-256; using it marks it used in the same statement
  that checks it, so it opens one stream on whichever replica comes first.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from uuid import UUID, uuid4

from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from msgplat.gateway.credentials import Identity, Via
from msgplat.gateway.models import api_keys, customers, sessions, stream_tickets

TICKET_TTL_S = 30
TICKET_PREFIX = "st_"


async def open_session(engine: AsyncEngine, identity: Identity, ttl_s: int) -> UUID:
    """A new session for a token of `identity` (from a login), valid for `ttl_s`."""
    session_id = uuid4()
    async with engine.begin() as conn:
        await conn.execute(
            insert(sessions).values(
                id=session_id,
                user_id=identity.user_id,
                api_key_id=identity.api_key_id,
                expires_at=func.now() + timedelta(seconds=ttl_s),
            )
        )
        # The customer's sessions that can no longer be used are not kept.
        await conn.execute(
            delete(sessions).where(
                sessions.c.user_id == identity.user_id, sessions.c.expires_at < func.now()
            )
        )
    return session_id


async def identity_for_session(
    engine: AsyncEngine, session_id: UUID, user_id: str
) -> Identity | None:
    """The caller of a token naming `session_id` for `user_id`, if it still holds."""
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                select(customers, sessions.c.api_key_id)
                .join(sessions, sessions.c.user_id == customers.c.user_id)
                .outerjoin(api_keys, api_keys.c.id == sessions.c.api_key_id)
                .where(
                    sessions.c.id == session_id,
                    sessions.c.user_id == user_id,
                    sessions.c.revoked_at.is_(None),
                    sessions.c.expires_at > func.now(),
                    or_(sessions.c.api_key_id.is_(None), api_keys.c.revoked_at.is_(None)),
                )
            )
        ).first()
    if row is None:
        return None
    via: Via = "password_login" if row.api_key_id is None else "api_key_login"
    return Identity.of_customer(row, via=via, api_key_id=row.api_key_id, session_id=session_id)


async def end_session(engine: AsyncEngine, session_id: UUID) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            update(sessions)
            .where(sessions.c.id == session_id, sessions.c.revoked_at.is_(None))
            .values(revoked_at=func.now())
        )


def _ticket_hash(ticket: str) -> str:
    return hashlib.sha256(ticket.encode()).hexdigest()


async def issue_ticket(engine: AsyncEngine, user_id: str) -> str:
    ticket = TICKET_PREFIX + secrets.token_urlsafe(32)
    async with engine.begin() as conn:
        await conn.execute(
            insert(stream_tickets).values(
                ticket_hash=_ticket_hash(ticket),
                user_id=user_id,
                expires_at=func.now() + timedelta(seconds=TICKET_TTL_S),
            )
        )
        # Tickets used or expired a while ago have no more use.
        await conn.execute(
            delete(stream_tickets).where(
                stream_tickets.c.expires_at < func.now() - timedelta(minutes=5)
            )
        )
    return ticket


async def redeem_ticket(engine: AsyncEngine, ticket: str) -> Identity | None:
    """The caller a ticket was issued to, if it is unused and unexpired; it is used now."""
    if not ticket.startswith(TICKET_PREFIX) or len(ticket) > 100:
        return None
    async with engine.begin() as conn:
        row = (
            await conn.execute(
                update(stream_tickets)
                .where(
                    and_(
                        stream_tickets.c.ticket_hash == _ticket_hash(ticket),
                        stream_tickets.c.used_at.is_(None),
                        stream_tickets.c.expires_at > func.now(),
                        customers.c.user_id == stream_tickets.c.user_id,
                    )
                )
                .values(used_at=func.now())
                .returning(customers)
            )
        ).first()
    return None if row is None else Identity.of_customer(row, via="stream_ticket")
