"""The local stack's credentials: from the environment when set, else generated once
and kept in `.devstack/credentials.json` so that keys and tokens survive a restart.

No service has a default secret (a default would be everyone's), so `make run` makes
its own: the gateway's token secret, the demo customer's and the operator's API keys,
and the carrier's API key and callback token (the simulator, send and monitoring).

`python -m msgplat.devstack.credentials --env` prints a new set as `NAME=value` lines,
e.g. for docker compose: `... --env > compose.env && docker compose --env-file
compose.env up --build`.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
from pathlib import Path

from msgplat.plumbing.api_keys import new_api_key

GENERATED = {
    "AUTH_TOKEN_SECRET": lambda: secrets.token_urlsafe(32),
    "DEMO_API_KEY": new_api_key,
    "DEMO_PASSWORD": lambda: "demo",
    "OPERATOR_API_KEY": new_api_key,
    "CARRIER_API_KEY": lambda: secrets.token_urlsafe(24),
    "CARRIER_CALLBACK_TOKEN": lambda: secrets.token_urlsafe(24),
}


def local_credentials(state_dir: Path) -> tuple[dict[str, str], set[str]]:
    """(the variables, the names of those that were generated rather than given)."""
    path = state_dir / "credentials.json"
    kept: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    values: dict[str, str] = {}
    generated: set[str] = set()
    for name, make in GENERATED.items():
        if os.environ.get(name):
            values[name] = os.environ[name]
        else:
            values[name] = kept.get(name) or make()
            generated.add(name)
    state_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({n: values[n] for n in generated}, indent=2))
    path.chmod(0o600)
    return values, generated


def main() -> None:
    parser = argparse.ArgumentParser(description="New credentials for a local platform")
    parser.add_argument("--env", action="store_true", help="print them as NAME=value lines")
    parser.parse_args()
    fresh = {name: make() for name, make in GENERATED.items()}
    fresh["DEMO_PASSWORD"] = secrets.token_urlsafe(12)
    print("\n".join(f"{name}={value}" for name, value in fresh.items()))


if __name__ == "__main__":
    main()
