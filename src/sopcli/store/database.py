"""Opening the database: where it is, how it is tuned, and whether its schema is current.

The URL comes from ``--db``, then ``SOP_DATABASE_URL``, then the configuration,
then ``sop.db`` in the app directory. SQLite (the embedded default) runs in
WAL mode with a busy timeout and foreign keys on; write transactions take the
write lock up front (``BEGIN IMMEDIATE``) so two writers queue instead of
failing half-way. PostgreSQL (the shared logbook) gets the same queueing from
transaction-scoped advisory locks. A new database is created at the newest
schema by the first write, never by a command that only reads (a mistyped
``--db`` must not print a report of zeros); an older one is refused with a
pointer to ``sop db upgrade``, and a database holding another application's
tables is refused outright.

A damaged SQLite file (SQLite finds it malformed, not a database, or cannot
read it) is reported in one line pointing to ``sop db check``, whatever the
command was doing when it met the damage.

A SQLite file this process may not write (a supervisor's copy on a read-only
share or USB stick, another user's file) is opened read-only: reading works,
and a write is refused up front with one clear line.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sopcli.config import passwords_in, without_password
from sopcli.errors import DatabaseBusy, DatabaseDamaged, DatabaseError, NoLogbook, os_reason
from sopcli.i18n import _

# The newest migration in migrations/versions. The everyday path compares
# against this constant instead of loading Alembic; a test keeps them equal.
HEAD_REVISION = "0008"

BUSY_TIMEOUT_MS = 5000
LOCK_RETRIES = 5
WAIT_NOTICE_MS = 1000  # a writer waiting this long for the lock says so, then keeps waiting
CONNECT_TIMEOUT_S = 10  # an unreachable server is an error, not a hang

# PostgreSQL advisory locks, held until the transaction ends. SQLite's
# BEGIN IMMEDIATE serialises writers there; these do it here.
SCHEMA_LOCK = 7420000  # creating or upgrading the schema
JOURNAL_LOCK = 7420001  # appending to the journal chain (every write)


def default_path() -> Path:
    import typer

    return Path(typer.get_app_dir("sopcli")) / "sop.db"


def resolve_url(option: str | None, configured: str | None = None) -> str:
    """A SQLAlchemy URL from ``--db``, ``SOP_DATABASE_URL``, config, or the default file."""
    value = option or os.environ.get("SOP_DATABASE_URL") or configured
    if not value:
        return f"sqlite:///{default_path()}"
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def sqlite_path(url: str) -> Path | None:
    if not url.startswith("sqlite"):
        return None
    raw = url.split(":///", 1)[1] if ":///" in url else ""
    return None if raw in ("", ":memory:") else Path(raw)


class Database:
    """One database: an SQLAlchemy engine plus the rules for using it."""

    def __init__(self, url: str):
        self.url = url
        self.path = sqlite_path(url)
        self._engine = None
        self._read_only: bool | None = None
        self.commits = 0  # write transactions committed: an interrupt afterwards must not say "nothing was written"
        self._to_create = False  # no logbook here yet: the first write transaction makes it
        self.on_wait: Callable[[], None] | None = None  # told once when a writer waits for the lock
        # A screen that reads again and again (sop board): a Ctrl+C during a read's commit stops it right after,
        # instead of being dropped as it is while a command's own work commits.
        self.interrupt_reads = False

    @property
    def engine(self):
        if self._engine is None:
            self._refuse_damaged_wal()
            self._engine = _create_engine(self.url, self.path, read_only=self.read_only)
        return self._engine

    def _refuse_damaged_wal(self) -> None:
        """Refuse a -wal whose commits past a damaged frame SQLite would drop without a word.

        A writer opening the file would then throw those frames away for good; refused
        here, they stay on disk for 'sop db check' and a salvage. Only a -wal left
        by a crash or by another command still running is read, and only once per run.

        Raises:
            DatabaseDamaged: the -wal holds commits past a damaged frame.
        """
        if self.path is None:
            return
        wal = Path(f"{self.path}-wal")
        try:
            if wal.stat().st_size <= 32:
                return
        except OSError:
            return
        from sopcli.store.wal import wal_problem

        problem = wal_problem(wal)
        if problem:
            raise self.damaged(problem)

    def open_read_only(self) -> None:
        """From now on read the file without writing anything (a damaged file is left as it is)."""
        self.close()
        self._read_only = True

    @property
    def read_only(self) -> bool:
        """Whether this is an existing SQLite file that this process may read but not write.

        Writing needs the file and its folder (where SQLite keeps the -wal and -shm
        files beside it). Always false for a database server, and for a file not yet made.
        """
        if self._read_only is None and self.path is not None and self.path.exists():
            self._read_only = not _may_write(self.path)
        return bool(self._read_only)

    def refuse_if_read_only(self) -> None:
        """Raise before any work (or any question to the user) that would end in a write.

        Raises:
            DatabaseError: the file can only be read.
        """
        if self.read_only:
            raise DatabaseError(
                _("the logbook {path} can only be read (read-only): changes cannot be saved").format(path=self.path),
                _("ask its owner for write access to the file and its folder"),
            )

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    def session_user(self) -> str:
        """The database role this logbook's connections log in as (PostgreSQL): who the server says writes."""
        from sqlalchemy import text
        from sqlalchemy.exc import DatabaseError as SADatabaseError

        try:
            with self.engine.connect() as connection:
                return str(connection.execute(text("SELECT session_user")).scalar_one())
        except SADatabaseError as exc:
            raise self.translated(exc) from exc

    def close(self) -> None:
        """Close the pooled connections (a PostgreSQL server counts them)."""
        if self._engine is not None:
            with interrupts_held():
                self._engine.dispose()
            self._engine = None

    def ensure_ready(self) -> None:
        """Check an existing logbook is at the current schema; a new one is made by the first write transaction.

        Raises:
            DatabaseError: the schema is older or newer than this program, the file is not a
                database, or it holds another application's tables.
        """
        if self.path is not None and not self.path.exists():
            self._to_create = True  # connecting would create the file: leave that to a writer
            return
        revision = self.current_revision()
        if revision == HEAD_REVISION:
            return
        if revision is None:
            self.refuse_foreign()
            self._to_create = True
            return
        if revision < HEAD_REVISION:
            raise DatabaseError(
                _("the database schema is older than this version of sop ({found})").format(found=revision or "-"),
                _("run 'sop db upgrade' (make a backup first)"),
            )
        raise DatabaseError(
            _("the database was made by a newer sop (schema {found})").format(found=revision), _("upgrade sop")
        )

    @property
    def where(self) -> str:
        """The file's path, or the server URL with its password hidden: for messages."""
        return str(self.path) if self.path is not None else self.display()

    @property
    def is_new(self) -> bool:
        """No logbook here yet (after ``ensure_ready``): the first write transaction makes one."""
        return self._to_create or (self.path is not None and not self.path.exists())

    def create_file(self) -> None:
        """Create the (empty) SQLite file, owner-only, for something that fills it whole (a restore)."""
        if self.path is not None:
            _create_private_file(self.path)

    def require_logbook(self) -> None:
        """Raise unless a logbook exists here: for commands that only read.

        Raises:
            NoLogbook: the file does not exist, or the database holds no sop schema yet.
        """
        if self.is_new:
            raise NoLogbook(
                _("no logbook at {where}").format(where=self.where),
                _("check --db; 'sop new' makes a new one"),
            )

    def refuse_foreign(self) -> None:
        """Refuse a database that has tables but no sop schema: another application's, not to be written into.

        Raises:
            DatabaseError: it holds tables sop did not make.
        """
        from sqlalchemy import inspect
        from sqlalchemy.exc import DatabaseError as SADatabaseError

        if self.path is not None and not self.path.exists():
            return
        try:
            with self.engine.connect() as conn:
                tables = inspect(conn).get_table_names()
        except SADatabaseError as exc:
            raise self.translated(exc) from exc
        self._refuse_tables(tables)

    def _refuse_tables(self, tables) -> None:
        if tables and "alembic_version" not in tables:
            names = sorted(tables)
            shown = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
            raise DatabaseError(
                _("{where} is not a sop logbook: it holds another application's tables ({tables})").format(
                    where=self.where, tables=shown
                ),
                _("check --db; sop adds nothing to it"),
            )

    def translated(self, exc) -> Exception:
        """A SQLAlchemy database error as the one-line error a user sees: damage, a lock, or the reason."""
        from sqlalchemy.exc import OperationalError

        if is_damage(exc.orig):
            return self.damaged(exc.orig)
        if isinstance(exc, OperationalError):
            return _operational(exc, self)
        return DatabaseError(
            _("{url} is not a usable database: {reason}").format(
                url=self.display(), reason=self.hidden(_first_line(exc.orig))
            )
        )

    def damaged(self, error) -> DatabaseDamaged:
        """The one line for a damaged file, pointing to ``sop db check``."""
        return DatabaseDamaged(
            _("the logbook {where} is damaged: {reason}").format(where=self.where, reason=_first_line(error)),
            _("run 'sop db check' to see what can still be read"),
        )

    def current_revision(self) -> str | None:
        from sqlalchemy import text
        from sqlalchemy.exc import DatabaseError as SADatabaseError

        if self.path is not None and not self.path.exists():
            return None  # connecting would create the file, without its private mode
        try:
            with self.engine.connect() as conn:
                if not self._inspect_has(conn, "alembic_version"):
                    return None
                return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except SADatabaseError as exc:  # ProgrammingError and OperationalError among them
            raise self.translated(exc) from exc

    @staticmethod
    def _inspect_has(conn, table: str) -> bool:
        from sqlalchemy import inspect

        return inspect(conn).has_table(table)

    def upgrade(self, revision: str = "head") -> None:
        """Bring the schema to ``revision`` with Alembic (the only way the schema changes).

        Runs under the write lock, so operators opening a new database at the
        same moment do not both create it: the second finds it done. On
        PostgreSQL it also waits for writers in flight and keeps new ones out. A
        database that has tables but no Alembic revision (another application's)
        is refused instead of migrated over.
        """
        from alembic import command
        from alembic.util import CommandError
        from sqlalchemy import inspect
        from sqlalchemy.exc import DatabaseError as SADatabaseError

        self.refuse_if_read_only()
        try:
            with self.engine.connect() as conn:
                conn.info["sop_write"] = True
                with conn.begin():
                    if conn.dialect.name == "postgresql":
                        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK})")
                        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({JOURNAL_LOCK})")
                    self._refuse_tables(inspect(conn).get_table_names())
                    try:
                        command.upgrade(alembic_config(conn), revision)
                    except CommandError as exc:  # a revision this sop has no migration for
                        raise DatabaseError(
                            _("cannot upgrade {url}: {reason}").format(url=self.display(), reason=exc),
                            _("restore a backup made by this version of sop"),
                        ) from exc
        except SADatabaseError as exc:
            raise self.translated(exc) from exc

    def display(self) -> str:
        """The URL with every password hidden (even in a URL SQLAlchemy cannot parse)."""
        return without_password(self.url)

    def hidden(self, text: str) -> str:
        """``text`` (a driver's message, which may echo the connection string) with the URL's passwords blanked."""
        for password in sorted(passwords_in(self.url), key=len, reverse=True):
            text = text.replace(password, "***")
        return text

    @contextmanager
    def transaction(self, write: bool = False) -> Iterator:
        """A session in one transaction: committed on success, rolled back on any error.

        Write transactions on SQLite take the write lock first; a lock held by
        others past the busy timeout is retried a few times, then reported. A
        writer still waiting after about a second says so (``on_wait``), then
        keeps waiting. A write transaction on a file this process may only read
        is refused before it starts. The first write transaction on a database
        that is not a logbook yet creates it; a read transaction there is refused.
        """
        from sqlalchemy.exc import DatabaseError as SADatabaseError
        from sqlalchemy.exc import OperationalError
        from sqlmodel import Session

        if write:
            self.refuse_if_read_only()
            if self._to_create:
                self._create()
        else:
            self.require_logbook()

        # A writer first waits WAIT_NOTICE_MS, says it is waiting, then waits as long as ever.
        notice = write and self.is_sqlite and self.on_wait is not None
        attempts = LOCK_RETRIES + notice
        for attempt in range(attempts):
            started = False
            short_wait = notice and attempt == 0
            try:
                with self.engine.connect() as conn:
                    conn.info["sop_write"] = write
                    if notice:
                        _set_busy_timeout(conn, WAIT_NOTICE_MS if short_wait else BUSY_TIMEOUT_MS)
                    with Session(bind=conn, expire_on_commit=False) as session:  # closing it rolls back on error
                        session.begin()
                        session.connection()  # BEGIN (IMMEDIATE) now: wait for the lock before any work
                        started = True
                        if short_wait:
                            _set_busy_timeout(conn, BUSY_TIMEOUT_MS)
                        yield session
                        with interrupts_held(deliver_after=self.interrupt_reads and not write):
                            session.commit()
                            self.commits += write
                return
            except SADatabaseError as exc:
                # Only a lock refused before the work began is retried; anything later is reported.
                if is_damage(exc.orig):
                    raise self.damaged(exc.orig) from exc
                if not isinstance(exc, OperationalError):
                    raise
                if started or not _is_locked(exc) or attempt + 1 == attempts:
                    raise _operational(exc, self) from exc
                if short_wait and self.on_wait is not None:
                    self.on_wait()
                else:
                    time.sleep(0.05 * (attempt + 1))

    def _create(self) -> None:
        """Make the logbook: the file owner-only, the schema at its newest (decided under the write lock)."""
        if self.path is not None and not self.path.exists():
            _create_private_file(self.path)
        self.upgrade()  # another operator may be creating it right now: then this finds it done
        self._to_create = False


@contextmanager
def interrupts_held(deliver_after: bool = False) -> Iterator[None]:
    """Hold Ctrl+C back while a commit or the closing of connections runs.

    Neither can stop half-way: an interrupt delivered as a commit returns finds
    the work saved (and the user told "nothing was written"), and one during a
    close makes SQLAlchemy print a traceback. Both take a moment. With
    ``deliver_after``, a Ctrl+C pressed meanwhile is raised once the block is
    done, so it is never lost: a screen refreshing its reads (``sop board``)
    stops at the first press. Without it (a command's commit, the closing as
    sop ends) it is dropped: the command is as good as done.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():  # only the main thread gets signals
        yield
        return
    pressed: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: pressed.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if pressed and deliver_after:
        raise KeyboardInterrupt


def _create_engine(url: str, path: Path | None, read_only: bool = False):
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import URL

    if path is None and not url.startswith("sqlite"):
        return _create_server_engine(url)
    target_url: str | URL = url
    if read_only and path is not None:  # only a file is ever read-only (Database.read_only asks the file)
        target, options = _read_only_target(path)
        target_url = URL.create("sqlite", database=target, query={**options, "uri": "true"})
    engine = create_engine(target_url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if not read_only:  # a reader leaves the journal mode as the writers set it
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("sop_write") else "BEGIN")

    return engine


def _may_write(path: Path) -> bool:
    """Whether this process may write ``path`` and create files beside it (SQLite's -wal and -shm).

    ``os.access`` also says no on a read-only mount, where even root may not write.
    """
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def read_only_uri(path: Path) -> str:
    """A SQLite URI (for ``sqlite3.connect(..., uri=True)``) that reads ``path`` without writing anything."""
    target, options = _read_only_target(path)
    return target + "?" + "&".join(f"{key}={value}" for key, value in options.items())


def _read_only_target(path: Path) -> tuple[str, dict[str, str]]:
    """A SQLite URI's file part and parameters that read ``path`` without writing anything: not the file, and no file beside it.

    A WAL database is read through its -wal and -shm files. When a -wal exists
    (a writer has the logbook open, or left changes in it), ``mode=ro`` reads
    through both; since SQLite 3.22 it can read a -shm it may not write. When
    there is none, ``mode=ro`` would have to create the -wal and -shm as this
    user: impossible in a folder it may not write, and in one it may, files the
    owner then cannot write, which would leave the logbook read-only for its
    owner too. No -wal, though, means no connection has the file open and the
    file itself holds every committed change: so it is opened ``immutable=1``,
    with no locks and no files beside it. The price: a writer starting during
    this run goes unseen (a checkpoint landing mid-read could even show part of
    it); the run reads for a moment, and the next one sees the new state.
    """
    from urllib.parse import quote

    target = "file:" + quote(os.path.abspath(path))
    if _is_wal_file(path) and not Path(f"{path}-wal").exists():
        return target, {"mode": "ro", "immutable": "1"}
    return target, {"mode": "ro"}


def _is_wal_file(path: Path) -> bool:
    """Whether the file's header says WAL mode (its read and write versions are 2)."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(20)
    except OSError:
        return False  # then SQLite gives the reason it cannot read it
    return len(header) == 20 and header[18] == 2 and header[19] == 2


def _create_server_engine(url: str):
    """An engine for a database server (PostgreSQL), or one clear error about the URL or driver."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
        if parsed.drivername == "postgresql":  # psycopg 3 is the driver the postgres extra installs
            parsed = parsed.set(drivername="postgresql+psycopg")
        options = {}
        if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
            options["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT_S}
        return create_engine(parsed, pool_pre_ping=True, **options)
    except ImportError as exc:
        raise DatabaseError(
            _("the database driver {driver} is not installed").format(driver=exc.name or exc),
            _("for PostgreSQL: pip install 'sopcli[postgres]'"),
        ) from exc
    except (ArgumentError, ValueError) as exc:
        raise DatabaseError(
            _("{url} is not a database URL sop can use: {reason}").format(
                url=without_password(url), reason=_url_problem(url, exc)
            ),
            _("give a file path, sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST/DATABASE"),
        ) from exc


def _url_problem(url: str, exc: Exception) -> str:
    """Why ``url`` cannot be read, without a piece of its password: the reader's complaint about the URL with
    its passwords hidden (it quotes what it could not read); if that one reads, the password was the trouble."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    hidden = without_password(url)
    if hidden == url:
        return _first_line(exc)
    try:
        make_url(hidden)
    except (ArgumentError, ValueError) as without:
        return _first_line(without)
    return _("write the password percent-encoded: @ as %40, : as %3A, / as %2F")


def _create_private_file(path: Path) -> None:
    """Create an empty database file readable by its owner only (WAL files inherit the mode).

    Only the default location gets its directory made; a directory the user
    named that does not exist is more likely a typo than a wish.
    """
    try:
        if path == default_path():
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        elif not path.parent.is_dir():
            raise DatabaseError(
                _("the directory {path} does not exist").format(path=path.parent),
                _("create it first, or choose another --db"),
            )
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass
    except OSError as exc:
        raise DatabaseError(
            _("cannot create the database {path}: {reason}").format(path=path, reason=os_reason(exc)),
            _("choose another place with --db or SOP_DATABASE_URL"),
        ) from exc


def _set_busy_timeout(conn, milliseconds: int) -> None:
    """Set SQLite's lock wait on the connection's driver connection (not through SQLAlchemy: that would begin)."""
    conn.connection.dbapi_connection.execute(f"PRAGMA busy_timeout = {milliseconds}")


# SQLite's primary result codes for a file it cannot trust: I/O error, corrupt, not a database.
DAMAGE_CODES = (10, 11, 26)


def is_damage(error) -> bool:
    """Whether a driver error means the SQLite file is damaged (not busy, not a mistake in the query)."""
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in DAMAGE_CODES


def _is_locked(exc) -> bool:
    text = str(exc.orig).lower()
    return "locked" in text or "busy" in text


def _first_line(error) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _operational(exc, database: Database) -> DatabaseError:
    if _is_locked(exc):
        return DatabaseBusy(_("the database is busy: other operators are writing"), _("try again in a moment"))
    return DatabaseError(
        _("cannot use the database {url}: {reason}").format(
            url=database.display(), reason=database.hidden(_first_line(exc.orig))
        )
    )


def migrations_dir() -> Path:
    """Migrations ship inside the wheel as sopcli/migrations; a checkout has them at the top."""
    packaged = Path(__file__).resolve().parent.parent / "migrations"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "migrations"


def alembic_config(connection=None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["connection"] = connection
    return config
