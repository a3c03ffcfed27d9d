"""Helpers shared by every test folder, the benchmarks and the root `conftest.py`: a
real PostgreSQL, a real broker, the whole stack as processes, builders of the events,
receivers of webhooks, carrier reports and Server-Sent Events.

An importable package (pytest's importlib mode does not let test folders import each
other), installed for development only (`make`: `pip install -e ./testsupport`), never
in an image: test code does not ship with the services.

- `stack`: the platform as processes (`Stack`, `platform_on_loopback`) and its customers
- `databases`, `brokers`: a throwaway database, a Tansu broker
- `waiting`: `wait_until`, `eventually`
- `records`: envelopes as the Kafka records a consumer polls
- `events`: the events of a reservation's life, as the monitoring service projects them
- `webhooks`, `sse`: a webhook receiver, a Server-Sent Events reader
- `carrier`: the carrier simulator as a process, its client and a report receiver
- `gateways`: the gateway in-process (replicas on one database) before a recording upstream
"""

from pathlib import Path

# Logs and screenshots of a test run (relative to where pytest runs: the repository).
ARTIFACTS = Path("test-artifacts")
