"""Files only the service account may read: the data directory is 0700, the SQLite database
and its ``-wal``/``-shm`` 0600, whatever the process umask.

SQLite creates the ``-wal``, ``-shm`` and ``-journal`` files with the mode of the database
file, so creating that file 0600 before SQLAlchemy opens it is what keeps them private;
:func:`restrict_sqlite_files` tightens what already exists (a database made by an older
version) after opening.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from pathlib import Path

log = logging.getLogger("gridline.files")

DIR_MODE = 0o700
FILE_MODE = 0o600
SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def ensure_private_dir(path: Path) -> Path:
    """Create directory ``path`` (and missing parents) and make it 0700. An existing
    directory not owned by this user is left as it is, with a warning if others can enter it."""
    path.mkdir(parents=True, exist_ok=True)
    _restrict(path, DIR_MODE)
    return path


def create_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if it does not exist; an existing file is
    tightened to 0600. A missing directory is not created (the caller's open then fails
    with its own clear error)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        _restrict(path, FILE_MODE)
        return
    except FileNotFoundError:
        return
    try:
        os.fchmod(fd, FILE_MODE)  # the umask may have taken bits away; never added any
    finally:
        os.close(fd)


def restrict_sqlite_files(path: Path) -> None:
    """Make the database ``path`` and its -wal/-shm/-journal files 0600 where they exist."""
    for suffix in SQLITE_SUFFIXES:
        p = path.with_name(path.name + suffix)
        with contextlib.suppress(FileNotFoundError):
            _restrict(p, FILE_MODE)


def _restrict(path: Path, mode: int) -> None:
    st = path.stat()
    if stat.S_IMODE(st.st_mode) == mode:
        return
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        if stat.S_IMODE(st.st_mode) & 0o077:
            log.warning("%s is not owned by this user and others may read it (mode %o)",
                        path, stat.S_IMODE(st.st_mode))
        return
    try:
        os.chmod(path, mode)
    except OSError as exc:  # e.g. a read-only mount: work on, but say so
        log.warning("cannot make %s private (mode %o): %s", path, mode, exc)
