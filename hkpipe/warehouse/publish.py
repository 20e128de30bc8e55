"""The DuckDB warehouse file: read-only access, and build-then-replace publishing.

DuckDB allows one read-write process or many read-only ones per file, never both. So no
command ever writes the live file: a build copies it, changes the copy, checkpoints it and
atomically renames it over the live path. Analysts' open read-only connections keep the old
snapshot; new connections see the new one; a failed or killed build leaves the live file as
it was. Builds are serialised by an advisory lock next to the file.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import stat
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from filelock import FileLock, Timeout

from .. import sqlfiles
from ..errors import DiskFull, InputError, PipelineError, WarehouseBusy
from . import migrations

DUCKDB_MAGIC = b"DUCK"  # bytes 8..12 of every DuckDB database file
BUILD_TAG = ".building-"
HEADER_BYTES = 3 * 4096  # a DuckDB file's main header and two database headers, then blocks


def check_is_duckdb(path: Path) -> None:
    """Raise InputError unless ``path`` is a DuckDB database file."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(12)
    except IsADirectoryError:
        raise InputError(path, "is a directory, not a DuckDB warehouse file") from None
    except OSError as exc:
        raise InputError(path, f"cannot read warehouse: {exc.strerror}") from None
    if head[8:12] != DUCKDB_MAGIC:
        raise InputError(path, "not a DuckDB database file (wrong header); point --warehouse "
                         "at a DuckDB file or at a new path")


def connect_read_only(path: Path, *, verify: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the published warehouse for reading; never takes the write lock.

    A file shorter than DuckDB's own block count says is refused (truncated); with ``verify``
    every table is read whole first (``verify_whole``)."""
    path = Path(path)
    if not path.exists():
        raise PipelineError(f"no warehouse at {path}; build it with `hkpipe run`")
    check_is_duckdb(path)
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise InputError(path, f"cannot open warehouse: {exc}") from None
    try:
        verify_whole(con, path, path, full=verify)
    except BaseException:
        con.close()
        raise
    return con


def verify_whole(con: duckdb.DuckDBPyConnection, file: Path, name: Path | None = None, *,
                 full: bool = True) -> None:
    """InputError unless the database of ``con`` (the file ``file``; ``name`` in messages)
    is whole: the file is as long as DuckDB's block count says (a truncated copy opens
    cleanly, its catalog being at the start, and fails only when a missing block is read)
    and, with ``full``, every row of every table reads back (DuckDB checks each block's
    checksum as it reads it). A full read of the bundled build takes about 0.2 s."""
    name = name or file
    damaged = ("the warehouse file is damaged (truncated or corrupt); restore it from a "
               "copy or rebuild it with `hkpipe run`")
    try:
        block_size, blocks = con.execute(sqlfiles.query("meta/database_blocks")).fetchone()
        size = Path(file).stat().st_size
        wal = Path(f"{file}.wal").exists()  # a WAL's blocks may not be in the file yet
        need = HEADER_BYTES + block_size * blocks
        # DuckDB writes whole blocks: a file cut inside one is damaged; free blocks at the end
        # may not have been written yet, so only the blocks in use must be there
        cut = size > HEADER_BYTES and (size - HEADER_BYTES) % block_size
        if not wal and (size < need or cut):
            raise InputError(name, f"{damaged}: {size:,} bytes, not the header and whole "
                             f"blocks ({blocks:,} in use need {need:,})")
        if full:
            table_checksums(con)
    except duckdb.Error as exc:
        raise InputError(name, f"{damaged}: {_first_line(exc)}") from None


def _build_files(live: Path) -> list[Path]:
    return sorted(live.parent.glob(f".{live.name}{BUILD_TAG}*"))


@contextmanager
def write_lock(live: Path, timeout: float) -> Iterator[None]:
    """Hold the warehouse's advisory write lock; wait up to ``timeout`` s, then refuse.

    ``filelock`` (flock on POSIX, msvcrt on Windows), so this works where fcntl does not.
    The lock sits beside the file the data is in: a symlinked path is resolved first, so
    writers through the link and through the real path take the same lock.
    """
    live = Path(os.path.realpath(live))
    lock_path = live.parent / f".{live.name}.lock"
    if not live.parent.is_dir():  # filelock would create it; a missing folder is an error
        raise InputError(live, f"folder {live.parent} does not exist; create it or choose "
                         "another --warehouse path")
    lock = FileLock(lock_path, timeout=max(timeout, 0), poll_interval=0.1)
    try:
        lock.acquire()
    except Timeout:  # before OSError: filelock's Timeout is a TimeoutError
        raise WarehouseBusy(
            f"another hkpipe command is writing {live} (lock {lock_path}); "
            f"gave up after {timeout:.0f} s, try again when it has finished") from None
    except OSError as exc:
        raise InputError(live, f"cannot write in its folder {live.parent} (creating the lock "
                         f"file failed: {exc.strerror or exc}); choose a writable --warehouse "
                         "path") from None
    try:
        yield
    finally:
        lock.release()


def check_target(live: Path) -> None:
    """Reject a warehouse path whose folder is missing, or that is not a DuckDB file."""
    parent = live.parent
    if not parent.is_dir():
        raise InputError(live, f"folder {parent} does not exist; create it or choose another "
                         "--warehouse path")
    if live.exists():
        check_is_duckdb(live)


@contextmanager
def build(live: str | Path, *, lock_timeout: float = 600.0, memory_limit: str | None = None,
          migrated: list | None = None, publish: bool = True
          ) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a read-write connection to a private copy of the warehouse; publish on success.

    On a clean exit the copy is checkpointed, closed and renamed over ``live`` in one atomic
    step. On any exception (or a kill) the copy is discarded and ``live`` is untouched. Pending
    migrations (``sql/migrations``) are applied to the copy first, so an older warehouse is
    upgraded by whichever command writes next, and a failed upgrade publishes nothing.
    ``memory_limit`` (e.g. '2GB') caps DuckDB's memory; it spills to disk beyond it.
    ``migrated``, when given, receives the migrations applied to this build. With
    ``publish=False`` the copy is discarded at the end (a trial run: ``migrate --dry-run``).
    """
    # Resolved once: through a symlinked path the build is made, published and locked beside
    # the file the data is in, so the link stays a link and the real file is what changes.
    live = Path(os.path.realpath(live))
    check_target(live)
    with write_lock(live, lock_timeout):
        # Under the lock no other build is running, so any build file left is from a killed run.
        for stale in _build_files(live):
            stale.unlink(missing_ok=True)
        tmp = live.parent / f".{live.name}{BUILD_TAG}{os.getpid()}-{uuid.uuid4().hex[:8]}"
        wal = Path(f"{tmp}.wal")
        con = None
        try:
            try:
                if live.exists():
                    _create_private(tmp)
                    shutil.copyfile(live, tmp)
                    live_wal = Path(f"{live}.wal")
                    if live_wal.exists():  # someone wrote the live file directly; keep it
                        shutil.copyfile(live_wal, wal)
                else:
                    create_empty(tmp)
                con = duckdb.connect(str(tmp))
                verify_whole(con, tmp, live)  # a damaged warehouse is refused before any work
            except OSError as exc:
                if _disk_full(exc):
                    raise  # exit 3 below: the input is fine, the disk is not
                raise InputError(live, f"cannot write a build next to the warehouse: "
                                 f"{exc.strerror or exc}") from None
            except duckdb.Error as exc:
                raise InputError(live, f"cannot open the warehouse: {exc}") from None
            if memory_limit:
                con.execute(sqlfiles.query("meta/set_memory_limit"), {"limit": memory_limit})
            applied = apply_schema(con, live)
            if migrated is not None:
                migrated.extend(applied)
            yield con
            if not publish:
                return
            con.execute("CHECKPOINT")
            con.close()
            con = None
            if wal.exists():
                raise PipelineError(f"build {tmp} left a WAL after CHECKPOINT; not publishing")
            if live.exists():
                _keep_owner_and_mode(tmp, live.stat())
            _fsync(tmp)
            os.replace(tmp, live)
            _fsync(live.parent)
        except BaseException as exc:
            if _disk_full(exc):
                need = (f"a whole copy of the warehouse ({live.stat().st_size / 1e6:,.0f} MB) "
                        "and what the run adds" if live.exists() else "the new warehouse")
                raise DiskFull(
                    f"disk full while building {live} ({_first_line(exc)}); nothing was "
                    f"published and the warehouse is as it was. A build needs free space in "
                    f"{live.parent} for {need}") from None
            raise
        finally:
            if con is not None:
                con.close()
            tmp.unlink(missing_ok=True)
            wal.unlink(missing_ok=True)


def _create_private(path: Path) -> None:
    """Create the empty file ``path`` readable by its owner only: a private warehouse's copy
    is never readable by others while it is built (``_keep_owner_and_mode`` sets the live
    file's mode before it is published)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _keep_owner_and_mode(path: Path, live: os.stat_result) -> None:
    """Give ``path`` the mode of the file it replaces, and its owner and group where
    permitted: an owner may give a file to a group it is in, only root may give it away;
    otherwise the builder's own are kept (PermissionError is not a failure)."""
    chown = getattr(os, "chown", None)  # not on Windows
    if chown is not None:
        for uid, gid in ((live.st_uid, live.st_gid), (-1, live.st_gid)):
            try:
                chown(path, uid, gid)
                break
            except PermissionError:
                continue
    os.chmod(path, stat.S_IMODE(live.st_mode))  # after chown, which may clear set-id bits


def _disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` is the disk (or a quota) filling up: an OSError ENOSPC/EDQUOT, or
    DuckDB's own report of one (it raises an IOException, or a FatalException at CHECKPOINT,
    carrying the system's message)."""
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    if isinstance(exc, duckdb.Error):
        text = str(exc)
        return any(words in text for words in (os.strerror(errno.ENOSPC),
                                               os.strerror(errno.EDQUOT)))
    return False


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def views_digest() -> str:
    digest = hashlib.sha256()
    for path in sqlfiles.folder("views"):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def create_empty(path: Path) -> None:
    """A new, empty warehouse file in a storage format DuckDB 1.4+ clients can open."""
    con = duckdb.connect()
    try:
        con.execute(sqlfiles.query("meta/create_database"), {"path": str(path)})
        con.execute("DETACH new_warehouse")
    finally:
        con.close()


def apply_schema(con: duckdb.DuckDBPyConnection, warehouse: str | Path = ":memory:"
                 ) -> list[migrations.Migration]:
    """Bring ``con`` to this code's schema: pending migrations (``sql/migrations``), then the
    views and macros (``sql/views``) when they changed or a migration ran, and the source
    registry the macros read (``source_registry``) when it changed. Returns the
    migrations applied; refuses a warehouse newer than this code (``migrations.verify``)."""
    applied = migrations.migrate(con, warehouse)
    digest = views_digest()
    current = con.execute(sqlfiles.query("load/meta_get"), {"key": "views"}).fetchall()
    # hkpipe before 0.2.0 cannot see schema versions: when one wrote this file after its
    # upgrade, it left its digest row ('schema') and its own views. Put ours back.
    old_writer = con.execute(sqlfiles.query("load/meta_get"), {"key": "schema"}).fetchall()
    if applied or old_writer or not current or current[0][0] != digest:
        sqlfiles.apply_folder(con, "views")
        con.execute(sqlfiles.query("load/meta_set"), {"key": "views", "value": digest})
        con.execute(sqlfiles.query("load/meta_delete"), {"key": "schema"})
    from .writes import sync_sources

    sync_sources(con)  # the macros' precedence comes from the source registry
    return applied


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def table_checksums(con: duckdb.DuckDBPyConnection, tables: list[str] | None = None
                    ) -> dict[str, tuple[int, int]]:
    """(row count, order-independent content hash) per base table: equal iff same content."""
    if tables is None:
        tables = [r[0] for r in con.execute(sqlfiles.query("meta/base_tables")).fetchall()]
    out = {}
    for name in tables:
        # The relation API quotes the identifier itself: no SQL text is built here.
        n, h = con.table(name).aggregate(
            "count(*)::BIGINT, coalesce(sum(hash(*COLUMNS(*))::HUGEINT), 0)::VARCHAR"
        ).fetchall()[0]
        out[name] = (n, int(h))
    return out
