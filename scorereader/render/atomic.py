"""Atomic output: write a temp file in the target's directory, fsync, then os.replace()."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import OutputUnwritable


def atomic_write(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write `data` to `path` so that readers see the old file or the whole new one, never half."""
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name[:64]}.", suffix=".tmp")
    except OSError as err:
        raise OutputUnwritable(f"{target}: cannot write there ({err.strerror or err}).") from err
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException as err:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(err, OSError):
            raise OutputUnwritable(f"{target}: cannot write there ({err.strerror or err}).") from err
        raise
    return target
