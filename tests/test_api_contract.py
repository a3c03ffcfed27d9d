"""The HTTP contract is the truth: schemathesis (`st run`) against the gateway's merged
document, as a customer, with every check on and every phase (examples, coverage,
fuzzing, stateful: the links from POST /msgReqs), bounded in time. 0 failures.

What is left out, and why, is in tests/schemathesis.toml beside each entry.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from msgplat_testsupport import ARTIFACTS
from msgplat_testsupport.stack import Stack

pytestmark = pytest.mark.e2e

CONFIG = Path(__file__).with_name("schemathesis.toml")
# Per operation; CONTRACT_EXAMPLES=100 explores further (a slower run).
EXAMPLES = os.environ.get("CONTRACT_EXAMPLES", "10")
# Each run's budget: fuzzing and stateful testing stop there (it may end sooner).
MAX_TIME_S = int(os.environ.get("CONTRACT_MAX_TIME_S", "150"))
WEBHOOKS = "^/monitorings/webhooks"
STREAM = "^/monitorings/stream$"  # never ends (tested on its own)


def st_run(stack: Stack, api_key: str, name: str, max_time_s: int, *selection: str) -> str:
    """One `st run`; its summary ("N generated, M found ... failures")."""
    artifacts = ARTIFACTS.resolve()
    artifacts.mkdir(parents=True, exist_ok=True)
    report = artifacts / f"schemathesis-{name}.ndjson"
    command = [
        str(Path(sys.executable).with_name("st")),
        "--config-file", str(CONFIG),
        "run", stack.gateway_url + "/openapi.json",
        "--checks", "all",
        "--phases", "examples,coverage,fuzzing,stateful",
        "--max-examples", EXAMPLES,
        "--max-time", str(max_time_s),
        "--generation-deterministic",
        "--header", f"Authorization: Bearer {api_key}",
        "--exclude-path-regex", STREAM,
        "--report", "ndjson", "--report-ndjson-path", str(report),
        "--no-color",
        *selection,
    ]  # fmt: skip
    # In test-artifacts/: schemathesis keeps a cache (.schemathesis/) where it runs.
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=max_time_s + 300, cwd=artifacts
    )
    cases = re.search(r"Test cases:\s*\n\s*(.+)", done.stdout)
    summary = cases.group(1).strip() if cases else "no summary"
    operations = re.search(r"API Operations:\s*\n\s*(.+)", done.stdout)
    links = "; ".join(re.findall(r"API Links:.*", done.stdout)[-1:])
    print(f"schemathesis {name}: {operations.group(1).strip() if operations else '?'}; {summary}")
    print(f"schemathesis {name} stateful: {links or 'no links walked'}")
    assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-3000:]
    return summary


def test_the_api_keeps_its_contract(stack: Stack) -> None:
    customer = stack.new_customer(requestsPerSecond=100_000)
    stack.top_up(customer.user_id, 1_000_000)  # money enters through the operator
    summary = st_run(stack, customer.api_key, "api", MAX_TIME_S, "--exclude-path-regex", WEBHOOKS)
    assert "generated" in summary, summary


def test_the_webhooks_keep_their_contract(stack: Stack) -> None:
    """As a customer who never reserves: no delivery is ever queued to the URLs that
    schemathesis registers (generated hosts, outside this machine)."""
    customer = stack.new_customer(requestsPerSecond=100_000)
    st_run(stack, customer.api_key, "webhooks", MAX_TIME_S // 3, "--include-path-regex", WEBHOOKS)
