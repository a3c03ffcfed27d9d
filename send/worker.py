"""What every background worker of send holds (the scheduler, the job runner, the notice
sender): the database, the settings and the carriers; it stops once `stopping` is set."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from msgplat.plumbing.db import Database
from msgplat.send.carrier_router import CarrierRouter
from msgplat.send.settings import SendSettings


@dataclass(eq=False)
class Worker:
    db: Database
    settings: SendSettings
    carrier: CarrierRouter
    stopping: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        """A worker's own state, made from the settings."""
