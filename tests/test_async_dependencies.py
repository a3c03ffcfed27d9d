"""Every route and every dependency of every service is a coroutine function.

FastAPI runs a plain `def` dependency in a worker thread: a thread hop and two GIL
handovers on every request. One such dependency (`get_caller`, on every route) cost the
reservation service a tenth of its CPU at intake (py-spy, bench/intake.py). The apps are
built as `make client` builds them (devstack/openapi.py: a child process, placeholder
settings, nothing connects).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile

from msgplat.devstack import openapi

CHILD = """
import asyncio, importlib, inspect, json
from fastapi.routing import APIRoute
from msgplat.contracts.services import SERVICES

def walk(dependant, found):
    call = dependant.call
    if call is not None and not inspect.iscoroutinefunction(call):
        # Security schemes are callables whose __call__ is a coroutine (FastAPI's own).
        if not inspect.iscoroutinefunction(getattr(call, "__call__", None)):
            found.add(getattr(call, "__qualname__", repr(call)))
    for sub in dependant.dependencies:
        walk(sub, found)

def api_routes(routes):
    # The app's API routes, through the routers it includes (kept apart since FastAPI
    # 0.16x), with the dependencies an include adds.
    for route in routes:
        if isinstance(route, APIRoute):
            yield route, []
        elif hasattr(route, "original_router"):
            added = [d.dependency for d in route.include_context.dependencies]
            for inner, more in api_routes(route.original_router.routes):
                yield inner, added + more

async def main():  # some apps make asyncio objects when they are created
    seen, found = 0, set()
    for service in SERVICES:
        app = importlib.import_module(f"msgplat.{service.name}.app").create_app()
        for route, added in api_routes(app.routes):
            seen += 1
            walk(route.dependant, found)
            found.update(d.__qualname__ for d in added if not inspect.iscoroutinefunction(d))
    print(json.dumps({"routes": seen, "sync": sorted(found)}))

asyncio.run(main())
"""


def test_no_route_or_dependency_runs_in_a_worker_thread() -> None:
    with tempfile.TemporaryDirectory(prefix="msgplat-deps-") as empty:
        done = subprocess.run(
            [sys.executable, "-c", CHILD],
            env=openapi.PLACEHOLDERS,
            cwd=empty,
            capture_output=True,
            check=False,
        )
    assert done.returncode == 0, done.stderr.decode()
    result = json.loads(done.stdout.splitlines()[-1])  # after what the apps log
    assert result["routes"] > 50  # every service's routes were read
    assert result["sync"] == [], "make these `async def`: " + ", ".join(result["sync"])
