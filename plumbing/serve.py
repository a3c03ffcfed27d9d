"""Run a service with uvicorn; after a graceful shutdown on SIGTERM, exit with 0.

`python -m msgplat.plumbing.serve msgplat.<service>.app:create_app --factory --port <port>`
takes uvicorn's own options. On SIGTERM uvicorn stops taking connections, lets the
requests in hand finish (`--timeout-graceful-shutdown`), runs the lifespan's shutdown
(bounded by `SHUTDOWN_GRACE_S`, see `plumbing.runtime`), then raises the signal again
for the handler that was there before it. Without one the process ends "killed by
SIGTERM" (status 143) after what was a clean stop; with the one installed here it ends
with status 0, so a supervisor can tell a clean stop from a crash.
"""

from __future__ import annotations

import signal
import sys
from types import FrameType

import uvicorn


def _exit_cleanly(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def main() -> None:
    signal.signal(signal.SIGTERM, _exit_cleanly)
    uvicorn.main(prog_name=f"{sys.executable} -m msgplat.plumbing.serve")


if __name__ == "__main__":
    main()
