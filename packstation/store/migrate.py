"""Schema migrations through Alembic: upgrade to head, and tell whether a store is at head.

Called by ``packstation db upgrade``, the demo, ``doctor`` and the test fixtures.  The app never
creates tables any other way.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect
from sqlalchemy.exc import DBAPIError, OperationalError

from packstation.errors import StoreError
from packstation.i18n import _, listed
from packstation.store.driver_errors import first_line, sqlstate
from packstation.store.engine import no_connection_left, readonly, store_label

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config() -> Config:
    if not (MIGRATIONS_DIR / "env.py").is_file():
        raise StoreError(
            _(
                "The migrations folder {folder} is missing; reinstall packstation from its source tree."
            ).format(folder=MIGRATIONS_DIR)
        )
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def made_by_newer(revision: str | None) -> bool:
    """Is ``revision`` one this packstation does not know, i.e. a newer one's upgrade?"""
    if revision is None:
        return False
    script = ScriptDirectory.from_config(alembic_config())
    return revision not in {rev.revision for rev in script.walk_revisions()}


def newer_store(engine: Engine, revision: str) -> StoreError:
    """The one sentence for a store that a newer packstation upgraded."""
    return StoreError(
        _(
            "The store {url} is at schema {rev}, which a newer packstation made; install that "
            "version here too (this one needs {head}, and 'packstation db upgrade' cannot go back)."
        ).format(url=store_label(str(engine.url)), rev=revision, head=head_revision())
    )


def current_revision(engine: Engine) -> str | None:
    """The store's schema revision, None for an empty store.  A read: on SQLite it does not wait
    for the write lock, which a busy store's benches pass from one to the next."""
    try:
        with readonly(engine).connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except (OperationalError, DBAPIError) as exc:
        raise unreachable(engine, exc) from None


def unreachable(engine: Engine, exc: BaseException) -> StoreError:
    """The one sentence for a store that a command could not reach at its start."""
    full = no_connection_left(exc)
    if full is not None:
        return full
    reason = first_line(exc)
    if engine.dialect.name == "sqlite":  # a file: no server to be running
        return StoreError(
            _(
                "The SQLite store {path} cannot be opened ({reason}); check the path, that its "
                "folder has free space and that this user may write there."
            ).format(path=engine.url.database, reason=reason)
        )
    said = reason.lower()
    if sqlstate(exc) == "42501" or "permission denied" in said:
        text = _(
            "The store {url} refuses this user ({reason}); let the role own the database or "
            "grant it the tables, as the README's set-up does."
        )
    elif "password" in said or "口令" in said or "密码" in said:
        text = _(
            "The store {url} refused the user or password ({reason}); check them in the URL "
            "(or in ~/.pgpass)."
        )
    elif "pg_hba.conf" in said:  # the server runs, and refuses this machine
        text = _(
            "The database server of {url} refuses connections from this machine ({reason}); "
            "allow its address in pg_hba.conf and reload the server, as the README's set-up does."
        )
    elif "does not exist" in said or "不存在" in said:
        text = _(
            "The store {url} has no such database or user ({reason}); create it as the README's "
            "set-up does, or check the name in the URL."
        )
    else:
        text = _(
            "The store {url} cannot be reached ({reason}); check the URL and that the database server is running."
        )
    return StoreError(text.format(url=store_label(str(engine.url)), reason=reason))


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str]:
    """Bring the store to ``revision``; returns (revision before, revision after)."""
    before = current_revision(engine)
    if before is None:
        _refuse_another_programs(engine)
    elif made_by_newer(before):
        raise newer_store(engine, before)
    config = alembic_config()
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
    except (OperationalError, DBAPIError) as exc:
        said = _("Upgrading the store {url} failed ({reason}); nothing was changed.")
        if sqlstate(exc) == "42501":  # a database the role does not own (createdb, no --owner)
            said = _(
                "Upgrading the store {url} failed ({reason}); nothing was changed. Let the role "
                "own the database (createdb --owner ROLE, or ALTER DATABASE … OWNER TO ROLE), as "
                "the README's set-up does."
            )
        raise StoreError(
            said.format(url=store_label(str(engine.url)), reason=first_line(exc))
        ) from None
    return before, head_revision()


def _refuse_another_programs(engine: Engine) -> None:
    """A database with tables and no packstation schema is another program's: the store's
    tables were added among them, without a word."""
    tables = sorted(set(inspect(engine).get_table_names()) - {"alembic_version"})
    if tables:
        raise StoreError(
            _(
                "The database {url} holds tables of another program ({tables}) and no "
                "packstation store; give packstation a database of its own."
            ).format(url=store_label(str(engine.url)), tables=listed(tables[:5]))
        )


def require_head(engine: Engine) -> None:
    """Refuse to work on a store that is not at the schema this version expects."""
    current = current_revision(engine)
    if current != head_revision():
        if current is None:
            message = _("The store {url} is empty; run 'packstation db upgrade' first.")
        elif made_by_newer(current):
            raise newer_store(engine, current)
        else:
            message = _(
                "The store {url} is at an older schema; run 'packstation db upgrade' first."
            )
        raise StoreError(message.format(url=store_label(str(engine.url))))
