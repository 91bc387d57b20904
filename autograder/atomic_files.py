"""Write files so that readers see either the old content or the new, never half of it.

The data goes to a temporary file in the same folder (so `os.replace` is a rename on one
file system), is flushed to disk, then replaces the target in one step.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Replace `path` with `data` atomically, creating parent folders; return the path."""
    return write_chunks_atomic(path, [data])


def write_chunks_atomic(path: str | os.PathLike[str], chunks: Iterable[bytes]) -> Path:
    """Replace `path` with the concatenated `chunks` atomically, written one by one (a
    large file need never be whole in memory); return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode_for(path)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as tmp:
            for chunk in chunks:
                tmp.write(chunk)
            tmp.flush()
            os.fsync(tmp.fileno())
            # mkstemp creates the file 0600; give it the mode a plain open() would have, so
            # e.g. feedback copied on by `nbgrader release_feedback` stays readable.
            os.fchmod(tmp.fileno(), mode)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_folder(path.parent)
    return path


def write_text_atomic(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    """Replace `path` with `text` atomically (no newline translation); return the path."""
    return write_bytes_atomic(path, text.encode(encoding))


def _mode_for(path: Path) -> int:
    """Keep the mode of the file being replaced, else what the umask allows for a new file."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        return 0o666 & ~_umask()


def _umask() -> int:
    # /proc avoids os.umask's set-and-restore, which is racy when threads create files.
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable; not every platform can open a folder, so best effort."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
