"""Password checks off the event loop: a small pool of threads verifies the argon2id hashes.

One verification costs about 0.2 s of CPU and 64 MiB: on the event loop, a few bad
logins a second would stall every request of the replica. argon2-cffi releases the GIL,
so the loop keeps serving while a worker hashes. The pool is bounded twice: `workers`
threads (LOGIN_HASH_WORKERS), and at most `max_in_flight` verifications running or
waiting; a login beyond that is refused before it costs anything (`busy`).

The workers run at the lowest CPU priority (nice 19, Linux: per thread; argon2's own lane
threads inherit it), so on a busy machine the event loop is served first and logins wait.

An unknown user, or one without a password, costs one verification too (against a
dummy hash), so the answer's timing does not tell which accounts exist.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from msgplat.gateway.credentials import hash_password, password_matches

WAITING_PER_WORKER = 4
BACKGROUND_NICE = 19


@functools.cache
def _dummy_hash() -> str:
    """A hash of the same parameters as the real ones (made once, in a worker)."""
    return hash_password("not a real password: equalises the login's cost")


def _verify(password_hash: str | None, password: str) -> bool:
    matches = password_matches(password_hash or _dummy_hash(), password)
    return matches and password_hash is not None


def _background_priority() -> None:
    with contextlib.suppress(AttributeError, OSError):  # not Linux: same priority
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICE)


class PasswordVerifier:
    def __init__(self, workers: int) -> None:
        self._pool = ThreadPoolExecutor(
            max_workers=workers,
            thread_name_prefix="password-hash",
            initializer=_background_priority,
        )
        self.max_in_flight = workers * (1 + WAITING_PER_WORKER)
        self.in_flight = 0
        self.verified = 0  # verifications started (tests, and a view of the load)

    @property
    def busy(self) -> bool:
        """No room for another verification: refuse the login now (429)."""
        return self.in_flight >= self.max_in_flight

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether `password` matches `password_hash` (None: no password, never)."""
        loop = asyncio.get_running_loop()
        work: Future[bool] = self._pool.submit(_verify, password_hash, password)
        self.in_flight += 1  # undone on the loop, so never before this line
        self.verified += 1

        def release(_: Future[bool]) -> None:  # in the worker thread
            with contextlib.suppress(RuntimeError):  # the loop is closed: nothing to count
                loop.call_soon_threadsafe(self._done)

        # Counted until the thread is done, even if the request gave up waiting.
        work.add_done_callback(release)
        return await asyncio.wrap_future(work)

    def _done(self) -> None:
        self.in_flight -= 1

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
