"""The printer took every job waiting in the queue: sent as a bench's sender sends them (a
reprint is refused while the label it repeats still waits)."""

from __future__ import annotations

from sqlalchemy import Engine

from packstation.config import Settings
from packstation.devices import registry
from packstation.services.outbox import OutboxSender


def all_printed(engine: Engine, settings: Settings, *, simulated: bool = False) -> None:
    """``simulated``: whatever the printers' addresses, the simulated printer takes the jobs
    (for a printer address no transport answers, as the tests' ``test://``)."""

    def simulator(uri: str, **options: object) -> object:
        return registry.open_printer("sim://", **options)  # type: ignore[arg-type]

    sender = OutboxSender(engine, settings, open_printer=simulator if simulated else None)  # type: ignore[arg-type]
    try:
        sender.run_once()
    finally:
        sender.stop()
