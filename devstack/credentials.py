"""The local stack's credentials: from the environment when set, else generated once
and kept in `.devstack/credentials.json` so that keys and tokens survive a restart.

No service has a default secret (a default would be everyone's), so `make run` makes
its own: the gateway's token secret, the demo customer's and the operator's API keys,
and the carrier's API key and callback token (the simulator and send).

`python -m msgplat.devstack.credentials --env` prints a new set as `NAME=value` lines,
e.g. for docker compose: `... --env > compose.env && docker compose --env-file
compose.env up --build`; `--kind k8s/overlays/local` writes the local overlay's
(`secrets/gateway.env`, `secrets/carrier.env`, not in git), keeping any already there.
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


# The local Kubernetes overlay's Secrets: which generated variables each one holds.
KIND_SECRETS = {
    "gateway.env": ("AUTH_TOKEN_SECRET", "DEMO_API_KEY", "DEMO_PASSWORD"),
    "carrier.env": ("CARRIER_API_KEY", "CARRIER_CALLBACK_TOKEN"),
}


def fresh_credentials() -> dict[str, str]:
    fresh = {name: make() for name, make in GENERATED.items()}
    fresh["DEMO_PASSWORD"] = secrets.token_urlsafe(12)
    return fresh


def write_kind_secrets(overlay: Path) -> None:
    """`<overlay>/secrets/*.env` for kustomize's secretGenerator; existing files are kept
    (the cluster's Secrets stay the same from one `kubectl apply` to the next)."""
    folder = overlay / "secrets"
    folder.mkdir(exist_ok=True)
    fresh = fresh_credentials()
    for file, names in KIND_SECRETS.items():
        path = folder / file
        if not path.exists():
            path.write_text("".join(f"{name}={fresh[name]}\n" for name in names))
            path.chmod(0o600)


def main() -> None:
    parser = argparse.ArgumentParser(description="New credentials for a local platform")
    parser.add_argument("--env", action="store_true", help="print them as NAME=value lines")
    parser.add_argument("--kind", type=Path, metavar="OVERLAY", help="write OVERLAY/secrets/")
    args = parser.parse_args()
    if args.kind is not None:
        write_kind_secrets(args.kind)
        print(f"{args.kind / 'secrets'}: " + ", ".join(KIND_SECRETS))
        return
    print("\n".join(f"{name}={value}" for name, value in fresh_credentials().items()))


if __name__ == "__main__":
    main()
