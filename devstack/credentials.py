"""The local stack's credentials: from the environment when set, else generated once
and kept in `.devstack/credentials.json` so that keys and tokens survive a restart."""

from __future__ import annotations

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
