"""Every process of the platform, in one place: the registry the rest is derived from.

One `Service` entry says what the platform needs to know about a service:

- `name`: its package (`msgplat.<name>`, whose `app:create_app` runs it), its database
  schema, its image (`msgplat-<name>`), its Deployment, its `<NAME>_URL` setting;
- `port`: where it listens (locally, in compose and in Kubernetes);
- `kind`: a `service` of the platform, the `gateway` in front of them, or a `simulator`
  standing in for the outside world (the carrier): run locally, not deployed by the
  Kubernetes base;
- `routes`: the public path prefixes the gateway sends to it; `own_credentials`: public
  paths (POST only) whose callers bring credentials the service checks itself, a
  `{name}` standing for one path segment (each carrier's delivery reports, on its own
  path, `/carrier/reports/{carrier}`; send answers 404 for a carrier it does not have);
- `tables`: it has a schema of its own, migrated by `upgrade all`;
- `produces`: the topics it alone produces.

The order is the local start order: the carrier simulator (the outside world) first,
the gateway last.

What reads it: `gateway.routing` (`ROUTES`, `OWN_CREDENTIALS`, the upstreams) and
`gateway.settings` (one `<NAME>_URL` field per upstream), `contracts.topics`
(`PRODUCERS`, `ALL_TOPICS`), `contracts.migrations` (`SERVICES_WITH_TABLES`: what
`upgrade all` migrates), `devstack.services` (what `make run` starts, and how the
processes find each other), and the tests of the deployment files
(`tests/test_compose.py`, `tests/test_k8s.py`, `tests/test_registry.py`), which name
what a new entry still lacks. This module holds data only and imports nothing of the
platform: each reader derives its own view when it is imported, from the functions
below, which take any registry (a test's, with a service of its own).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Kind = Literal["service", "gateway", "simulator"]


@dataclass(frozen=True)
class Service:
    name: str
    port: int
    kind: Kind = "service"
    routes: tuple[str, ...] = ()
    own_credentials: tuple[str, ...] = ()
    tables: bool = False
    produces: tuple[str, ...] = ()


SERVICES: tuple[Service, ...] = (
    Service("carrier", 8090, kind="simulator"),
    Service(
        "reservation",
        8081,
        routes=("/msgReqs", "/templates", "/senders"),
        tables=True,
        produces=("reservation.events",),
    ),
    Service(
        "send",
        8082,
        routes=("/msgs", "/optouts", "/sendingWindows"),
        own_credentials=("/carrier/reports/{carrier}",),
        tables=True,
        produces=("send.events",),
    ),
    Service("billing", 8083, routes=("/billings",), tables=True, produces=("billing.events",)),
    Service("stat", 8084, routes=("/stats",), tables=True, produces=("stat.events",)),
    Service(
        "monitoring",
        8085,
        routes=("/monitorings",),
        tables=True,
        produces=("monitoring.events",),
    ),
    Service("gateway", 8088, kind="gateway", tables=True),
)


def with_tables(services: Iterable[Service]) -> tuple[str, ...]:
    """The services with a schema of their own, in registry order."""
    return tuple(s.name for s in services if s.tables)


def upstreams(services: Iterable[Service]) -> tuple[Service, ...]:
    """The services the gateway routes to (public routes or routes with own credentials)."""
    return tuple(s for s in services if s.routes or s.own_credentials)


def producers(services: Iterable[Service]) -> dict[str, str]:
    """Topic -> the one service that produces it, in registry order."""
    found: dict[str, str] = {}
    for service in services:
        for topic in service.produces:
            if topic in found:
                raise ValueError(f"{topic} is produced by {found[topic]} and {service.name}")
            found[topic] = service.name
    return found
