"""The webhook dispatcher against real local HTTP receivers and the real PostgreSQL:
signatures, retries with backoff, order per reservation, giving up, isolation, and the
destinations it refuses (SSRF) or pins."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
import pytest_asyncio
from sqlalchemy import select

from msgplat.monitoring import commands, pinning, signing
from msgplat.monitoring.dispatcher import Dispatcher
from msgplat.monitoring.models import tables, webhook_deliveries, webhooks
from msgplat.monitoring.reactions.projection import projection_reactions
from msgplat.monitoring.schemas import WebhookCreate
from msgplat.monitoring.settings import MonitoringSettings
from msgplat.plumbing.caller import INTERNAL
from msgplat.plumbing.db import Database
from msgplat_testsupport.events import Story, envelope
from msgplat_testsupport.records import as_records, private_consumer
from msgplat_testsupport.waiting import eventually
from msgplat_testsupport.webhooks import WebhookReceiver

SECRET = "test-secret-0123456789"
# The receivers listen on 127.0.0.1: allowed, as the test stack allows them.
RECEIVERS = ["127.0.0.1"]


@pytest_asyncio.fixture(scope="module")
async def db(own_database_url: str) -> AsyncIterator[Database]:
    settings = MonitoringSettings(database_url=own_database_url)
    database = Database(settings, tables)
    yield database
    await database.dispose()


@pytest_asyncio.fixture
async def dispatcher(own_database_url: str, db: Database) -> AsyncIterator[Dispatcher]:
    settings = MonitoringSettings(
        database_url=own_database_url,
        webhook_timeout_s=1.5,
        webhook_max_attempts=3,
        webhook_retry_base_s=0.1,
        dispatch_poll_s=0.05,
        webhook_allowed_hosts=RECEIVERS,
    )
    running = Dispatcher(db, settings)
    task = asyncio.create_task(running.run())
    yield running
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def register(db: Database, user: str, url: str) -> uuid.UUID:
    hook = uuid.uuid4()
    async with db.unit_of_work() as uow:
        await uow.conn.execute(
            webhooks.insert().values(id=hook, user_id=user, url=url, secret=SECRET)
        )
        await uow.commit()
    return hook


async def project_story(db: Database, user: str) -> Story:
    consumer = private_consumer(db, "dispatch-test", projection_reactions())
    story = Story(uuid.uuid4())
    await consumer.apply(as_records([envelope(e, user_id=user) for e in story.in_order()]))
    return story


async def settled(db: Database, hook: uuid.UUID) -> list[dict[str, object]]:
    """The delivery log once nothing is pending (the receiver answers before the
    dispatcher records the answer)."""

    async def done() -> list[dict[str, object]] | None:
        log = await deliveries(db, hook)
        return log if all(d["state"] != "pending" for d in log) else None

    return await eventually(done, timeout_s=10)


async def deliveries(db: Database, hook: uuid.UUID) -> list[dict[str, object]]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            select(webhook_deliveries)
            .where(webhook_deliveries.c.webhook_id == hook)
            .order_by(webhook_deliveries.c.id)
        )
        return [dict(row._mapping) for row in rows]


STATUSES = ["requested", "scheduled", "sending", "partially_failed"]


async def test_signed_deliveries_retried_after_a_500_arrive_once_in_order(
    db: Database, dispatcher: Dispatcher
) -> None:
    user = f"u-{uuid.uuid4().hex[:8]}"
    with WebhookReceiver() as receiver:
        receiver.answer_next([500, 500])  # the first status fails twice, then goes
        hook = await register(db, user, receiver.url)
        story = await project_story(db, user)
        dispatcher.wake.set()

        await eventually(lambda: _true(len(receiver.accepted()) == 4), timeout_s=10)
        posts = receiver.posts

    accepted = [p for p in posts if p.answered == 200]
    assert [p.json()["status"] for p in accepted] == STATUSES
    assert len({p.headers["x-msgplat-delivery"] for p in accepted}) == 4  # no duplicates
    assert [p.answered for p in posts[:3]] == [500, 500, 200]
    first = {p.headers["x-msgplat-delivery"] for p in posts[:3]}
    assert len(first) == 1  # the retries are the same delivery
    assert [p.headers["x-msgplat-attempt"] for p in posts[:3]] == ["1", "2", "3"]
    assert posts[1].at - posts[0].at >= 0.08  # backoff: 0.1 s (jittered down to 0.08)
    for post in posts:
        assert post.headers["content-type"] == "application/json"
        assert post.headers["x-msgplat-event"] == "reservation.status_changed"
        assert signing.verify(SECRET, post.body, post.headers["x-msgplat-signature"])
        assert not signing.verify("another secret", post.body, post.headers["x-msgplat-signature"])
        body = post.json()
        assert body["reservationId"] == str(story.rid)
        assert body["reservation"]["reservationId"] == str(story.rid)
        assert body["reservation"]["status"] == body["status"]

    log = await settled(db, hook)
    assert [(d["status"], d["state"], d["attempts"]) for d in log] == [
        ("requested", "delivered", 3),
        ("scheduled", "delivered", 1),
        ("sending", "delivered", 1),
        ("partially_failed", "delivered", 1),
    ]
    assert log[0]["last_status_code"] == 200


async def test_a_delivery_fails_after_its_last_attempt_and_the_next_status_goes(
    db: Database, dispatcher: Dispatcher
) -> None:
    user = f"u-{uuid.uuid4().hex[:8]}"
    with WebhookReceiver() as receiver:
        receiver.answer_next([503, 503, 503])
        hook = await register(db, user, receiver.url)
        await project_story(db, user)
        dispatcher.wake.set()
        await eventually(lambda: _true(len(receiver.accepted()) == 3), timeout_s=10)

    log = await settled(db, hook)
    assert [(d["state"], d["attempts"]) for d in log] == [
        ("failed", 3),
        ("delivered", 1),
        ("delivered", 1),
        ("delivered", 1),
    ]
    assert log[0]["last_status_code"] == 503
    # The receiver answered "ok": a body is logged only from a public address.
    assert log[0]["last_error"] == "answered 503"
    assert [p.json()["status"] for p in receiver.accepted()] == STATUSES[1:]


async def test_a_dead_endpoint_does_not_slow_another_one(
    own_database_url: str, db: Database
) -> None:
    """The dead endpoint never answers, and the dispatcher waits 30 s for it: the live
    one still gets its 12 deliveries (3 reservations, in order each) well before."""
    settings = MonitoringSettings(
        database_url=own_database_url,
        webhook_timeout_s=30,
        dispatch_poll_s=0.05,
        webhook_allowed_hosts=RECEIVERS,
    )
    running = Dispatcher(db, settings)
    task = asyncio.create_task(running.run())
    user = f"u-{uuid.uuid4().hex[:8]}"
    try:
        with WebhookReceiver(hang=True) as dead, WebhookReceiver() as alive:
            await register(db, user, dead.url)
            await register(db, user, alive.url)
            started = time.monotonic()
            for _ in range(3):
                await project_story(db, user)
            running.wake.set()
            await eventually(lambda: _true(len(alive.accepted()) == 12), timeout_s=20)
            took = time.monotonic() - started
            # ... well within the dead endpoint's timeout, though it was POSTed to first.
            assert took < settings.webhook_timeout_s
            assert dead.hung_at and dead.hung_at[0] < alive.accepted()[-1].at
            assert len(dead.posts) == 0  # it never answered (nothing recorded)
            print(f"12 deliveries to the live endpoint in {took:.2f} s")
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


@asynccontextmanager
async def running(
    db: Database, own_database_url: str, resolver: pinning.Resolver, allowed: list[str]
) -> AsyncIterator[Dispatcher]:
    settings = MonitoringSettings(
        database_url=own_database_url,
        webhook_timeout_s=5,
        webhook_retry_base_s=0.1,
        dispatch_poll_s=0.05,
        webhook_allowed_hosts=allowed,
    )
    dispatcher = Dispatcher(db, settings, resolver=resolver)
    task = asyncio.create_task(dispatcher.run())
    try:
        yield dispatcher
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


def resolving(answers: dict[str, list[str]], asked: list[str]) -> pinning.Resolver:
    """A resolver of the test's own: the names it knows, and every question it got."""

    async def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        if host not in answers:
            raise OSError(-2, "Name or service not known")
        return answers[host]

    return resolve


async def test_a_name_that_resolves_to_loopback_at_delivery_time_is_refused(
    own_database_url: str, db: Database
) -> None:
    """DNS rebinding: the name resolved to a public address when it was registered and
    resolves to the receiver's 127.0.0.1 when it is delivered to. Nothing is POSTed,
    though 127.0.0.1 itself is on the allow-list: the list names hosts, not addresses."""
    user = f"u-{uuid.uuid4().hex[:8]}"
    answers = {"rebind.example.com.": ["93.184.216.34"]}
    asked: list[str] = []
    with WebhookReceiver() as receiver:
        url = f"http://rebind.example.com:{receiver.port}/hooks"
        created = await commands.register_webhook(
            db,
            INTERNAL,
            WebhookCreate.model_validate({"url": url, "userId": user}),
            settings=MonitoringSettings(database_url=own_database_url),
            resolver=resolving(answers, asked),
        )
        answers["rebind.example.com."] = ["127.0.0.1"]  # the second answer
        async with running(db, own_database_url, resolving(answers, asked), RECEIVERS) as hooks:
            await project_story(db, user)
            hooks.wake.set()
            log = await settled(db, created.id)
        assert receiver.posts == []
    assert [(d["state"], d["attempts"], d["last_status_code"]) for d in log] == [
        ("failed", 1, None)
    ] * 4  # refused: failed at once, never retried
    assert log[0]["last_error"] == (
        "refused: rebind.example.com resolves to 127.0.0.1, a loopback address; "
        "webhooks are sent to public addresses only"
    )
    assert asked == ["rebind.example.com."] * 5  # at registration, then once per delivery


async def test_a_loopback_receiver_off_the_allow_list_gets_nothing(
    own_database_url: str, db: Database
) -> None:
    """A webhook stored before its URL was checked (the table has no rule) is refused
    at delivery all the same."""
    user = f"u-{uuid.uuid4().hex[:8]}"
    with WebhookReceiver() as receiver:
        hook = await register(db, user, receiver.url)
        async with running(db, own_database_url, resolving({}, []), allowed=[]) as hooks:
            await project_story(db, user)
            hooks.wake.set()
            log = await settled(db, hook)
        assert receiver.posts == []
    assert {(d["state"], d["attempts"]) for d in log} == {("failed", 1)}
    assert str(log[0]["last_error"]).startswith("refused: 127.0.0.1 is a loopback address")


async def test_the_post_goes_to_the_address_checked_with_the_name_as_host(
    own_database_url: str, db: Database
) -> None:
    """`hooks.test` exists in no DNS: the deliveries reach the receiver only because
    each connects to the address its one resolution gave, with the name as Host."""
    user = f"u-{uuid.uuid4().hex[:8]}"
    asked: list[str] = []
    with WebhookReceiver() as receiver:
        hook = await register(db, user, f"http://hooks.test:{receiver.port}/hooks")
        resolver = resolving({"hooks.test.": ["127.0.0.1"]}, asked)
        async with running(db, own_database_url, resolver, allowed=["hooks.test"]) as hooks:
            await project_story(db, user)
            hooks.wake.set()
            log = await settled(db, hook)
        posts = receiver.posts
    assert [d["state"] for d in log] == ["delivered"] * 4
    assert [p.json()["status"] for p in posts] == STATUSES
    assert {p.headers["host"] for p in posts} == {f"hooks.test:{receiver.port}"}
    # Once per attempt, and never by the HTTP client (it would not find the name).
    assert asked == ["hooks.test."] * sum(d["attempts"] for d in log)


async def test_a_redirect_is_not_followed(db: Database, dispatcher: Dispatcher) -> None:
    """Not even to an allowed host: a 3xx is the delivery's answer, a failure."""
    user = f"u-{uuid.uuid4().hex[:8]}"
    with WebhookReceiver() as elsewhere, WebhookReceiver(redirect_to=elsewhere.url) as hook:
        hook.answer_next([307, 307, 307])  # the first status, on each of its 3 attempts
        registered = await register(db, user, hook.url)
        await project_story(db, user)
        dispatcher.wake.set()
        log = await settled(db, registered)
        assert elsewhere.posts == []
    assert (log[0]["state"], log[0]["attempts"], log[0]["last_status_code"]) == ("failed", 3, 307)
    assert log[0]["last_error"] == "answered 307 (redirects are not followed)"
    assert [d["state"] for d in log[1:]] == ["delivered"] * 3


async def _true(value: bool) -> bool:
    return value
