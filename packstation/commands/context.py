"""What every command shares: the settings, the engine and units of work, built on first use.

The root makes a ``CliContext`` for every command, those that never open the store (``sim``,
``ports``) included: SQLAlchemy, Alembic and the store are loaded when a command first asks
for the engine.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import click
from rich.cells import cell_len

from packstation.config import Settings, load_settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from packstation.store.uow import UnitOfWork


@dataclass
class CliContext:
    config_path: str | None = None
    db_url: str | None = None
    _settings: Settings | None = field(default=None, repr=False)
    _engine: Engine | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.config_path, self.db_url)
        return self._settings

    def engine(self, *, check_schema: bool = True) -> Engine:
        """The store's engine; refuses a store that is not at the current schema."""
        if self._engine is None:
            from packstation.store.engine import make_engine, require_existing_store
            from packstation.store.migrate import require_head

            if check_schema:
                require_existing_store(self.settings.store.url)
            engine = make_engine(self.settings.store.url)
            if check_schema:
                require_head(engine)
            self._engine = engine
        return self._engine

    def uow(self, *, user: str = "cli", readonly: bool = False) -> UnitOfWork:
        from packstation.store.uow import UnitOfWork

        return UnitOfWork(
            self.engine(), bench=self.settings.bench.name, user=user, readonly=readonly
        )

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


pass_cli = click.make_pass_decorator(CliContext, ensure=True)


def echo_json(data: Any) -> None:
    """Machine-readable output: UTF-8 JSON on one line of stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")


def fill(text: str, cells: int) -> str:
    """``text`` filled out with blanks to ``cells`` terminal cells, for a column of a command's
    text output: a Chinese character takes two cells, and ``str.ljust`` counts it as one."""
    return text + " " * max(cells - cell_len(text), 0)
