"""A loopback TCP proxy that can be cut and restored: a broker outage without a restart.

The in-memory broker forgets everything when it stops, so fault tests put this in
front of it (the broker advertises the proxy's port) and cut the proxy instead.
"""

from __future__ import annotations

import asyncio
import contextlib


class TcpProxy:
    def __init__(self, listen_port: int, target_port: int, target_path: str | None = None) -> None:
        """To 127.0.0.1:`target_port`, or to the Unix socket `target_path` (e.g. a
        PostgreSQL server's `.s.PGSQL.5432`)."""
        self.listen_port = listen_port
        self.target_port = target_port
        self.target_path = target_path
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        # Blackholed: connections stay open but nothing goes through (a network that
        # drops packets, unlike `cut`'s resets): the peers wait until their timeouts.
        self.blackholed = False

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.listen_port)

    async def cut(self) -> None:
        """Close the listener and every open connection: clients see the broker down."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._writers):
            writer.close()
        for task in list(self._pipes):
            task.cancel()
        self._writers.clear()
        self._pipes.clear()

    async def restore(self) -> None:
        if self.blackholed:
            # What went into the hole broke every stream: the peers must reconnect.
            self.blackholed = False
            await self.cut()
        await self.start()

    async def blackhole(self) -> None:
        """Forward nothing from now on, closing nothing: a peer's request hangs."""
        self.blackholed = True

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.blackholed:  # taken, never answered
            self._writers.add(writer)
            return
        try:
            if self.target_path is not None:
                up_reader, up_writer = await asyncio.open_unix_connection(self.target_path)
            else:
                up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        self._writers.update((writer, up_writer))
        for src, dst in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.create_task(self._pipe(src, dst))
            self._pipes.add(task)
            task.add_done_callback(self._pipes.discard)

    async def _pipe(self, src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
        try:
            while data := await src.read(65536):
                if self.blackholed:
                    continue  # dropped
                dst.write(data)
                await dst.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            with contextlib.suppress(Exception):
                dst.close()
            self._writers.discard(dst)


class ThreadedTcpProxy:
    """`TcpProxy` on its own event loop in a thread, so it forwards whatever the caller does."""

    def __init__(self, listen_port: int, target_port: int, target_path: str | None = None) -> None:
        import threading

        self.proxy = TcpProxy(listen_port, target_port, target_path)
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def _call(self, coro: object) -> None:
        asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=10)  # type: ignore[arg-type]

    def start(self) -> None:
        self._thread.start()
        self._call(self.proxy.start())

    def cut(self) -> None:
        self._call(self.proxy.cut())

    def restore(self) -> None:
        self._call(self.proxy.restore())

    def blackhole(self) -> None:
        self._call(self.proxy.blackhole())

    def stop(self) -> None:
        self._call(self.proxy.cut())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
