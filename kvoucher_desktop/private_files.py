"""Owner-only permissions for what the app keeps on disk (POSIX only).

The data folder is `0700`; the SQLite store with its `-wal`/`-shm` files, the migration lock
and the log files are `0600`. On Windows the per-user profile's ACLs already keep other users
out, and `os.chmod` only toggles the read-only flag there, so these helpers do nothing.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
#: the files SQLite keeps beside a store (WAL mode; `-journal` only outside WAL)
SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def enforced() -> bool:
    return os.name == "posix"


def _restrict(path: Path, mode: int) -> None:
    try:
        current = path.stat().st_mode & 0o777
    except FileNotFoundError:
        return
    if current & ~mode == 0:
        return  # already no wider than wanted (a 0400 file stays 0400)
    try:
        os.chmod(path, current & mode)
    except OSError as exc:  # not our file (a shared folder): say so, do not stop the app
        log.warning("could not restrict %s to %o: %s", path, mode, exc)


def private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) and make it owner-only."""
    path = Path(path)
    if enforced():
        path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
        _restrict(path, PRIVATE_DIR_MODE)
    else:
        path.mkdir(parents=True, exist_ok=True)
    return path


def restrict_file(path: Path) -> None:
    """Take group and other permissions away from an existing file (missing: nothing to do)."""
    if enforced():
        _restrict(Path(path), PRIVATE_FILE_MODE)


def create_private_file(path: Path) -> None:
    """Create an empty owner-only file unless it exists; an existing one is restricted."""
    if not enforced():
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE_MODE)
    except OSError as exc:  # a folder we may not write to: the store's own open reports it
        log.warning("could not create %s: %s", path, exc)
        return
    os.close(fd)
    _restrict(Path(path), PRIVATE_FILE_MODE)


def private_opener(path: str, flags: int) -> int:
    """`open(..., opener=private_opener)`: a file created by it is owner-only on POSIX."""
    return os.open(path, flags, PRIVATE_FILE_MODE if enforced() else 0o666)


def restrict_sqlite_files(database: str | Path) -> None:
    """The store and the files SQLite keeps beside it."""
    for suffix in SQLITE_SUFFIXES:
        restrict_file(Path(f"{database}{suffix}"))
