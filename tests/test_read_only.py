"""A logbook the user may read but not write: reading works, a write is refused in one line.

The real cases: a supervisor opening the office's logbook on a read-only share
or USB stick, or another user's file. The database is in WAL mode, so SQLite
wants -wal and -shm files beside it; without care every command failed with
"attempt to write a readonly database".

The CLI runs in a subprocess that really cannot write the file. As root
(which ignores file modes) that process runs as user ``nobody``; otherwise the
file and folder are made unwritable with chmod. Two layouts: the file is not
writable in a folder that is, and the folder is not writable (no -wal or -shm
can be made there).
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
from contextlib import closing
from pathlib import Path

import pytest

from sopcli.store.database import Database, _read_only_target, read_only_uri

pytestmark = [pytest.mark.sqlite_only("file and folder permissions of a SQLite logbook"), pytest.mark.slow]

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "pengaduan-november-2026.csv"
REFUSED = (
    "Error: the logbook {path} can only be read (read-only): changes cannot be saved "
    "(ask its owner for write access to the file and its folder)\n"
)
NOW = "2026-11-30T10:00:00+07:00"


def _search_path() -> str:
    """Where sop and its libraries live, for an interpreter other than this venv's own."""
    import sqlalchemy

    import sopcli

    folders = [Path(sopcli.__file__).resolve().parents[1], Path(sqlalchemy.__file__).resolve().parents[1]]
    return os.pathsep.join(dict.fromkeys(str(folder) for folder in folders))


class Reader:
    """Runs ``sop`` as a process that may read, but not write, the logbooks it is given."""

    def __init__(self):
        self.root = os.geteuid() == 0
        self.uid = self.gid = None
        self.python = sys.executable
        self.base = Path(tempfile.mkdtemp(prefix="sop-read-only-"))
        os.chmod(self.base, 0o755)  # mkdtemp's 0700 would keep the other user out
        self.home = self.base / "home"
        self.home.mkdir()
        self.env = {key: value for key, value in os.environ.items() if not key.startswith(("SOP_", "PYTHON"))}
        self.env.update(
            HOME=str(self.home),
            XDG_CACHE_HOME=str(self.home / "cache"),
            SOP_CONFIG=str(self.home / "config.toml"),
            SOP_LANG="en",
            SOP_NOW=NOW,
            SOP_OPERATOR="budi",
            NO_COLOR="1",
            COLUMNS="200",
            PYTHONPATH=_search_path(),
        )
        if self.root:
            import pwd

            try:
                nobody = pwd.getpwnam("nobody")
            except KeyError:
                self.close()
                pytest.skip("running as root, and there is no user 'nobody' to read the logbook as")
            self.uid, self.gid = nobody.pw_uid, nobody.pw_gid
            os.chown(self.home, self.uid, self.gid)
            self.python = self._interpreter_for_nobody()

    def _interpreter_for_nobody(self) -> str:
        """This venv's interpreter, or another of the same Python version, if user nobody can run it with sop."""
        candidates = [
            sys.executable,
            getattr(sys, "_base_executable", sys.executable),
            shutil.which("python3"),
            f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}",
        ]
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        for candidate in dict.fromkeys(c for c in candidates if c):
            probe = f"import sys, sopcli.cli, sqlmodel; assert '%d.%d' % sys.version_info[:2] == {version!r}"
            try:
                done = subprocess.run(
                    [candidate, "-c", probe], env=self.env, preexec_fn=self._drop, capture_output=True, timeout=60
                )
            except OSError:
                continue
            if done.returncode == 0:
                return candidate
        self.close()
        pytest.skip(
            f"running as root, and user nobody cannot run a Python {version} that imports sop "
            "(the interpreter or its libraries are in a folder only root may enter)"
        )

    def _drop(self) -> None:
        os.setgroups([])
        os.setgid(self.gid)
        os.setuid(self.uid)

    def logbook(self, layout: str, build) -> Path:
        """A logbook made by ``build(path)`` as this test's user, then laid out so the reader cannot write it.

        ``file``: the file is read-only in a folder the reader may write.
        ``folder``: the folder is read-only (the file too, as root; as another user, only the folder).
        """
        folder = self.base / layout
        folder.mkdir()
        path = folder / "sop.db"
        build(path)
        assert sorted(p.name for p in folder.iterdir()) == ["sop.db"], "the writer left -wal/-shm files behind"
        if layout == "file":
            os.chmod(path, 0o644 if self.root else 0o444)
            os.chmod(folder, 0o777 if self.root else 0o755)  # a shared folder: others may write it
        else:
            os.chmod(path, 0o644)
            os.chmod(folder, 0o755 if self.root else 0o555)
        if not self.root and os.access(path, os.W_OK) and os.access(folder, os.W_OK):
            pytest.skip("chmod does not make files unwritable here (a file system that ignores modes)")
        return path

    def run(self, path: Path, *args: str) -> subprocess.CompletedProcess:
        env = {**self.env, "SOP_DATABASE_URL": f"sqlite:///{path}"}
        return subprocess.run(
            [self.python, "-c", "from sopcli.cli import main; main()", *args],
            env=env,
            preexec_fn=self._drop if self.root else None,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
        )

    def close(self) -> None:
        for folder, _dirs, _files in os.walk(self.base):
            os.chmod(folder, 0o755)  # what chmod took away, so the tree can be removed
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture
def reader():
    made = Reader()
    yield made
    made.close()


@pytest.fixture
def build(sop, monkeypatch):
    """``build(path)``: the November sample imported into a new logbook at ``path``, by this test's user."""

    def make(path: Path) -> None:
        monkeypatch.setenv("SOP_DATABASE_URL", str(path))
        monkeypatch.setenv("SOP_NOW", NOW)
        result = sop("import", str(SAMPLE))
        assert result.exit_code == 0, result.output

    return make


def _state(path: Path) -> tuple:
    """The logbook as the disk has it: its bytes and modification time, and what lies beside it."""
    info = path.stat()
    return path.read_bytes(), info.st_mtime_ns, sorted(p.name for p in path.parent.iterdir())


def _ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


@pytest.mark.parametrize("layout", ["file", "folder"])
def test_read_commands_work_on_a_logbook_the_user_cannot_write(reader, build, layout):
    path = reader.logbook(layout, build)
    before = _state(path)

    listed = _ok(reader.run(path, "list", "--sort", "received", "--limit", "3")).stdout
    assert "ADU-2026-00001" in listed and "ADU-2026-00004" not in listed
    shown = _ok(reader.run(path, "show", "ADU-2026-00001")).stdout
    assert "ADU-2026-00001" in shown and "TLP-20261026-01" in shown
    assert _ok(reader.run(path, "report", "--daily")).stdout.startswith("Daily report")
    assert _ok(reader.run(path, "verify")).stdout == "OK: 300 journal entries, chain intact.\n"
    exported = list(csv.DictReader(io.StringIO(_ok(reader.run(path, "export", "complaints")).stdout)))
    assert len(exported) == 300 and exported[0]["ref"] == "TLP-20261026-01"
    assert _ok(reader.run(path, "db", "check")).stdout.endswith("OK.\n")

    # Nothing written: not the file, and no -wal or -shm beside it (in a shared folder, files
    # the reader made would be ones the owner cannot write, leaving the logbook read-only for them too).
    assert _state(path) == before


@pytest.mark.parametrize("layout", ["file", "folder"])
def test_a_write_is_refused_in_one_line_and_changes_nothing(reader, build, layout):
    path = reader.logbook(layout, build)
    before = _state(path)

    for args in (
        [
            "new",
            "--sop",
            "kaltim-db",
            "--description",
            "Server mati",
            "--reporter",
            "Sari",
            "--unit",
            "BKD",
            "--system",
            "SIMPEG",
        ],
        ["next", "ADU-2026-00001"],
        ["note", "ADU-2026-00001", "dicek"],
        ["import", str(SAMPLE)],
        ["operator", "add", "sari", "--role", "admin"],
    ):
        result = reader.run(path, *args)
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert result.stderr == REFUSED.format(path=path), args
        assert result.stdout == "", args

    assert _state(path) == before


def test_a_reader_sees_what_a_writer_has_not_yet_copied_into_the_file(reader, build):
    # The owner has the logbook open: the newest commit is only in the -wal file.
    path = reader.logbook("folder", build)
    os.chmod(path.parent, 0o755)  # the owner's own folder (as root, nobody still cannot write it)
    writer = sqlite3.connect(path)
    try:
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute("UPDATE complaint SET description = 'Baru saja diubah' WHERE number = 'ADU-2026-00002'")
        writer.commit()
        if not reader.root:
            os.chmod(path, 0o444)
            os.chmod(path.parent, 0o555)
        assert {"sop.db-wal", "sop.db-shm"} <= {p.name for p in path.parent.iterdir()}
        assert "?mode=ro" in read_only_uri(path) and "immutable" not in read_only_uri(path)
        shown = _ok(reader.run(path, "show", "ADU-2026-00002", "--json")).stdout
        assert "Baru saja diubah" in shown
    finally:
        writer.close()


def test_backup_copies_a_logbook_the_user_cannot_write(reader, build):
    path = reader.logbook("folder", build)
    before = _state(path)
    target = reader.home / "salinan.db"
    result = _ok(reader.run(path, "db", "backup", str(target)))
    assert result.stdout == f"Backed up to {target}: 300 journal entries.\n"
    assert _state(path) == before
    with closing(sqlite3.connect(f"file:{target}?mode=ro", uri=True)) as copy:
        assert copy.execute("SELECT COUNT(*) FROM complaint").fetchone()[0] == 300


# How a read-only file is opened: decided from the files on disk, no other user needed.


def _wal_logbook(folder: Path) -> Path:
    path = folder / "sop.db"
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("CREATE TABLE t (x)")
    return path


def test_a_wal_file_without_a_wal_is_opened_immutable(tmp_path):
    path = _wal_logbook(tmp_path)
    assert not (tmp_path / "sop.db-wal").exists()
    assert _read_only_target(path)[1] == {"mode": "ro", "immutable": "1"}


def test_a_wal_file_being_written_is_opened_read_only_through_its_wal(tmp_path):
    path = _wal_logbook(tmp_path)
    with closing(sqlite3.connect(path)) as open_by_a_writer:
        open_by_a_writer.execute("SELECT * FROM t").fetchall()
        assert (tmp_path / "sop.db-wal").exists()
        assert _read_only_target(path)[1] == {"mode": "ro"}


def test_a_rollback_journal_file_is_opened_read_only_with_locks(tmp_path):
    path = tmp_path / "copy.db"  # like a 'sop db backup' copy
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE t (x)")
    assert _read_only_target(path)[1] == {"mode": "ro"}


def test_the_uri_quotes_what_sqlite_would_read_as_its_own(tmp_path):
    folder = tmp_path / "a b%20#?&=c"
    folder.mkdir()
    path = _wal_logbook(folder)
    uri = read_only_uri(path)
    assert uri.endswith("/a%20b%2520%23%3F%26%3Dc/sop.db?mode=ro&immutable=1")
    with closing(sqlite3.connect(uri, uri=True)) as db:
        assert db.execute("SELECT name FROM sqlite_master").fetchone() == ("t",)


def test_what_is_not_an_existing_file_is_never_read_only(tmp_path):
    assert not Database(f"sqlite:///{tmp_path / 'new.db'}").read_only  # sop creates it
    assert not Database("postgresql+psycopg://sop@localhost/sop").read_only
    assert not Database("sqlite://").read_only


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write any file: os.access says yes")
def test_a_file_made_read_only_with_chmod_is_read_only(tmp_path):
    path = _wal_logbook(tmp_path)
    assert not Database(f"sqlite:///{path}").read_only
    path.chmod(stat.S_IRUSR)
    try:
        assert Database(f"sqlite:///{path}").read_only
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)
