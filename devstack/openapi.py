"""The gateway's OpenAPI document without a running platform: every public service's app
and the gateway's own are built in a child process (no server, no database, no broker)
and merged as the gateway merges what its upstreams answer (`gateway/openapi.py`).

`python -m msgplat.devstack.openapi [--output clients/openapi.json]` writes it; `make
client` writes `clients/openapi.json`, generates the Python client from it
(`clients/python/`) and records what it was generated from (`--record-client`:
`clients/python/GENERATED.json`, the digests of the document and of the generated
files). `tests/test_client_fresh.py` fails when the document differs from the code or
the generated files from the record, and checks against a running gateway that the
document is what its `/openapi.json` answers.

The child runs with an environment of its own (placeholders for the settings every
service needs to start, nothing of the caller's) in an empty folder (no `.env`): the
document depends on the code alone.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import importlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from msgplat.contracts.services import SERVICES, upstreams

# Settings with no default that the apps read when they are made; none is used (nothing
# connects), and none shapes the document.
PLACEHOLDERS = {
    "DATABASE_URL": "postgresql://openapi@127.0.0.1:9/openapi",
    "AUTH_TOKEN_SECRET": "openapi-placeholder-" + "0" * 32,
    "CARRIER_API_KEY": "openapi-placeholder",
    "CARRIER_CALLBACK_TOKEN": "openapi-placeholder",
}
CHILD = "--in-child"
# What `make client` leaves beside the generated code: the digests it was made from.
RECORD = "GENERATED.json"
# In a client's folder but not generated: what installing and running it leave there.
NOT_GENERATED = {RECORD, "__pycache__", "build", "dist"}


async def _document() -> dict[str, Any]:
    """In the child: each upstream's app's document, merged into the gateway's."""
    from msgplat.gateway.app import create_app
    from msgplat.gateway.openapi import merge

    services: dict[str, dict[str, Any] | None] = {}
    for service in upstreams(SERVICES):
        app = importlib.import_module(f"msgplat.{service.name}.app").create_app()
        services[service.name] = app.openapi()
    gateway = create_app()
    document = merge(gateway.state.openapi.own, services)
    assert "x-unavailable-services" not in document, document["x-unavailable-services"]
    return document


def render() -> str:
    """The document as `clients/openapi.json` holds it (JSON, indented, one newline)."""
    with tempfile.TemporaryDirectory(prefix="msgplat-openapi-") as empty:
        done = subprocess.run(
            [sys.executable, "-m", "msgplat.devstack.openapi", CHILD],
            env=PLACEHOLDERS,
            cwd=empty,
            capture_output=True,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"the OpenAPI document could not be built:\n{done.stderr.decode()}")
    return done.stdout.decode("utf-8")


def client_digest(folder: Path) -> str:
    """SHA-256 over the generated files of a client (their paths and contents): not the
    tools' caches (hidden folders: `.ruff_cache`), nor what installing it leaves."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        *folders, name = path.relative_to(folder).parts
        if not path.is_file() or any(
            part in NOT_GENERATED or part.startswith(".") or part.endswith(".egg-info")
            for part in folders
        ):
            continue
        if name in NOT_GENERATED or name.endswith(".pyc"):
            continue
        digest.update(f"{'/'.join([*folders, name])}".encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def record(document: Path, folder: Path, generator: str) -> dict[str, str]:
    """What `folder` was generated from, as `RECORD` holds it."""
    return {
        "generator": generator,
        "openapi": hashlib.sha256(document.read_bytes()).hexdigest(),
        "files": client_digest(folder),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, help="write it there (else: print it)")
    parser.add_argument(
        "--record-client",
        type=Path,
        metavar="FOLDER",
        help=f"write FOLDER/{RECORD}: the digests of --document and of FOLDER's files",
    )
    parser.add_argument("--document", type=Path, help="the document FOLDER was generated from")
    parser.add_argument("--generator", default="", help="the generator and its version")
    parser.add_argument(CHILD, action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.record_client is not None:
        made = record(args.document, args.record_client, args.generator)
        (args.record_client / RECORD).write_text(json.dumps(made, indent=2) + "\n")
        return
    if args.in_child:
        document = asyncio.run(_document())
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        sys.stdout.buffer.write(text.encode())
        return
    text = render()
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
