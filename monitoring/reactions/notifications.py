"""The notifications' group: the customers' verified sender numbers (a status alert goes
only to one of them) and each alert's delivery, as the send service reports it. A group
of its own: a rebuild of the views replays only the projection's."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import delete, update
from sqlalchemy.dialects.postgresql import insert

from msgplat.contracts.events import (
    NoticeResultReported,
    SenderRemoved,
    SenderVerified,
)
from msgplat.monitoring.models import alerts, verified_senders
from msgplat.plumbing.consumer import Handler
from msgplat.plumbing.db import UnitOfWork
from msgplat.plumbing.envelope import Event, EventEnvelope
from msgplat.plumbing.phones import callback_e164


def notification_reactions() -> Mapping[type[Event], Handler]:
    return {
        SenderVerified: on_sender_verified,
        SenderRemoved: on_sender_removed,
        NoticeResultReported: on_notice_result,
    }


async def on_sender_verified(
    uow: UnitOfWork, envelope: EventEnvelope, event: SenderVerified
) -> None:
    values = {
        "user_id": envelope.user_id,
        "number": event.number,
        "e164": callback_e164(event.number),
        "sender_id": event.sender_id,
        "verified_at": event.verified_at,
    }
    await uow.conn.execute(
        insert(verified_senders)
        .values(values)
        .on_conflict_do_update(
            index_elements=[verified_senders.c.user_id, verified_senders.c.number], set_=values
        )
    )


async def on_sender_removed(uow: UnitOfWork, envelope: EventEnvelope, event: SenderRemoved) -> None:
    """Only that sender: the number registered again since has another id."""
    await uow.conn.execute(
        delete(verified_senders).where(verified_senders.c.sender_id == event.sender_id)
    )


async def on_notice_result(
    uow: UnitOfWork, envelope: EventEnvelope, event: NoticeResultReported
) -> None:
    """A status alert's delivery, as the send service reports it (other notices are not
    this service's)."""
    if event.kind != "status_alert":
        return
    await uow.conn.execute(
        update(alerts)
        .where(alerts.c.notice_id == event.notice_id, alerts.c.state == "requested")
        .values(
            state=event.status,
            result_code=event.code,
            reason=event.reason,
            carrier_msg_id=event.carrier_msg_id,
            finished_at=event.at,
        )
    )
