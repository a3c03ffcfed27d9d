"""The carrier router: hands each batch to one of several carriers, and fails over.

Each carrier of `CARRIERS` has its own `CarrierClient` (its own retries and circuit
breaker). A batch goes to the first carrier of its type's priority (`CARRIER_PRIORITY`;
a mixed batch of a personalised reservation follows the order of its largest type, LMS
if it holds any) whose circuit is not open, and from there:

- a carrier that surely did not take the batch (it refused to connect, answered 429 or
  5xx after its retries, or its circuit is open): the batch goes to the next carrier;
- messages rejected with a code of `CARRIER_RETRYABLE_CODES` go to the next carrier
  (the rest of the batch stays with the carrier that took it); with no carrier left to
  take them, their last rejection is final;
- only when no carrier takes the batch does the runner get `CarrierUnavailable` (and
  retries it later: its backoff, attempt budget and expiry).

The results come back in batch order, each naming the carrier that gave it.

A message's recorded carrier is the one whose delivery reports count (`results.py`
ignores any other), so a message is final once, by one carrier. The claim records the
first choice (`name`); before messages go to another carrier, the router has that one
recorded (`record_carrier`, one UPDATE of their rows) so that its reports, which may
overtake its answer, match. With one carrier, or while the first choice takes
everything, there is no extra statement.

Timeouts. A carrier that timed out (or lost the connection once the request was out)
may have taken the batch. Handing the batch to the next carrier at once could send each
of its messages twice, so the router does not: the batch goes back to the runner as
unavailable, which retries it after its backoff. By then either the carrier answers (it
deduplicates by ref: nothing is sent twice) or its circuit is open (the failed attempts
of that one submit open it at the default `BREAKER_THRESHOLD`), and the batch goes to
the next carrier. A slow carrier keeps its messages; a dead one costs one backoff. The
risk left: a carrier that took a batch and then fell silent for good has that batch sent
again by the next carrier (at most the batch in flight of each job). Its reports, should
they come, are ignored (the messages record the other carrier), so the platform counts
and charges each message once. Waiting for the silent carrier instead would stall the
job (its batches go in order) until its messages expire. Likewise, once part of a batch
is accepted, the rest is never given back to the runner as unavailable (a retry of the
whole batch could then go elsewhere): a retryable rejection whose next carrier fails
stays a rejection.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from msgplat.plumbing.logging import get_logger
from msgplat.send.carrier_client import (
    CarrierClient,
    CarrierUnavailable,
    OutgoingMessage,
    SubmitResult,
)
from msgplat.send.settings import MSG_TYPES, SendSettings

log = get_logger(__name__)

# (carrier name, positions in the batch): record that carrier on those messages.
RecordCarrier = Callable[[str, list[int]], Awaitable[None]]


class CarrierRouter:
    def __init__(
        self, settings: SendSettings, clients: Sequence[CarrierClient] | None = None
    ) -> None:
        if clients is None:
            clients = [CarrierClient(settings, config) for config in settings.carrier_configs()]
        self.clients = {client.name: client for client in clients}
        self.orders = {
            msg_type: [self.clients[name] for name in names]
            for msg_type, names in settings.carrier_orders().items()
        }
        self.retryable = frozenset(settings.carrier_retryable_codes)
        # The default name (metrics, logs): the first choice of the first type (SMS).
        self.name = self.orders[MSG_TYPES[0]][0].name

    async def close(self) -> None:
        for client in self.clients.values():
            await client.close()

    async def report_circuit(self) -> None:
        """A scrape hook: each carrier's `circuit_breaker_state`."""
        for client in self.clients.values():
            await client.report_circuit()

    def first_choice(self, msg_type: str) -> str:
        """What the claim records on a job's batch: its type's first carrier (a
        personalised job's `msg_type` is its largest type, as in `order_for`)."""
        return self.orders.get(msg_type, self.orders[MSG_TYPES[0]])[0].name

    def order_for(self, batch: Sequence[OutgoingMessage]) -> list[CarrierClient]:
        """The carriers a batch tries: its largest message type's priority."""
        types = {m.type for m in batch}
        largest = max(types, key=lambda t: MSG_TYPES.index(t) if t in MSG_TYPES else -1)
        return self.orders.get(largest, self.orders[MSG_TYPES[0]])

    async def submit(
        self,
        batch: list[OutgoingMessage],
        *,
        recorded: str | None = None,
        record_carrier: RecordCarrier | None = None,
    ) -> list[SubmitResult]:
        """Hand `batch` over (see the module docstring); `recorded` is the carrier its
        messages record now. CarrierUnavailable when no carrier took any of it."""
        results: list[SubmitResult | None] = [None] * len(batch)
        todo = list(range(len(batch)))  # positions still to hand over
        holder = recorded  # the carrier recorded on the messages at `todo`
        failures: list[CarrierUnavailable] = []
        order = self.order_for(batch)
        for client in order:
            open_s = await client.open_for_s()
            if open_s:
                failures.append(
                    CarrierUnavailable(
                        f"carrier {client.name}: circuit open",
                        retry_after_s=open_s,
                        attempted=False,
                    )
                )
                continue
            if client.name != holder and record_carrier is not None:
                await record_carrier(client.name, todo)
                holder = client.name
            if client is not order[0]:
                log.info("carrier_failover", to=client.name, messages=len(todo))
            try:
                answers = await client.submit(
                    batch if len(todo) == len(batch) else [batch[i] for i in todo]
                )
            except CarrierUnavailable as exc:
                failures.append(exc)
                if exc.in_doubt:
                    break  # it may have the messages: not to another carrier now
                continue
            retry = []
            for position, answer in zip(todo, answers, strict=True):
                results[position] = answer
                if not answer.accepted and answer.code in self.retryable:
                    retry.append(position)
            todo = retry
            if not todo:
                break
        if results and results[0] is None:  # no carrier answered: nothing was taken
            raise CarrierUnavailable(
                "; ".join(str(exc) for exc in failures),
                retry_after_s=min(exc.retry_after_s for exc in failures),
                attempted=any(exc.attempted for exc in failures),
                in_doubt=any(exc.in_doubt for exc in failures),
            )
        return [result for result in results if result is not None]
