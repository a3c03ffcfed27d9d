"""Two replicas of every service under faults (issue 19), at scale: one reservation of
`--size` recipients due now, two carriers that do not deduplicate (failover on), and
while it is sent one replica of each service SIGKILLed and restarted in turn
(`--fault kill`) or the sender holding the job SIGSTOPped for twice its lease
(`--fault stop`). Prints the counts (duplicates, final, charged, held, deadlocks...)
and the time; the same scenario as `tests/test_replicas.py`
(`msgplat_testsupport.replicas`)."""

from __future__ import annotations

import argparse
import os

from msgplat_testsupport.replicas import REPLICATED, Fault, send_with_faults
from msgplat_testsupport.stack import platform_on_loopback


def main(size: int, *, fault: Fault, rate: int, lease_s: int) -> None:
    print("starting two replicas of every service and two carriers ...", flush=True)
    env = {
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        "AD_SENDING_HOURS": "00:00-24:00",
        "SEND_RATE_PER_S": str(rate),
        "LEASE_S": str(lease_s),
        "BREAKER_OPEN_S": "1",
        "REPORT_TIMEOUT_S": "30",
        "CARRIER_DRAIN_REPORTS_ON_STOP_S": "10",
    }
    replicas = dict.fromkeys(REPLICATED, 2)
    with platform_on_loopback(env, carriers=2, replicas=replicas) as (stack, database_url):
        outcome = send_with_faults(
            stack,
            database_url,
            size,
            fault=fault,
            lease_s=lease_s,
            timeout_s=3600,
            log=lambda line: print(" ", line, flush=True),
        )
    print(f"size {outcome.count:,}: {outcome.status} in {outcome.seconds:.1f} s")
    print(f"  faults: {', '.join(outcome.faults) or 'none'}")
    print(
        f"  duplicates at the carriers {outcome.duplicates}, on both carriers "
        f"{outcome.on_two_carriers}, out of seq order {outcome.out_of_order}"
    )
    print(
        f"  delivered {outcome.delivered:,}, failed {outcome.failed:,}, "
        f"not final {outcome.not_final}"
    )
    print(f"  charged {outcome.charged:,} (delivered x 20), still held {outcome.held}")
    print(f"  deadlocks {outcome.deadlocks}, reconcile differences {len(outcome.differences)}")
    print("  OK" if not outcome.problems else f"  PROBLEMS: {outcome.problems}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--fault", choices=["kill", "stop", "none"], default="kill")
    parser.add_argument("--rate", type=int, default=2000, help="SEND_RATE_PER_S")
    parser.add_argument("--lease-s", type=int, default=5, help="LEASE_S")
    args = parser.parse_args()
    main(args.size, fault=args.fault, rate=args.rate, lease_s=args.lease_s)
