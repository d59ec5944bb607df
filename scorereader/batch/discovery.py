"""Find the score reports in a folder: PDF and image files, symlink loops and unreadable entries noted.

Files are chosen by extension (a folder of reports also holds notes, spreadsheets, ...); whether a
chosen file really is a PDF or an image is decided later by its content (scorereader.detect).
Hidden entries (`.git`, macOS `._report.pdf` resource forks) and the output folder are skipped.
Identical files (same sha256) are grouped: the first path (sorted) is processed, the rest noted.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..detect import sha256_of
from ..errors import InputUnreadable

EXTENSIONS = frozenset({".pdf", ".png", ".jpg", ".jpeg", ".webp", ".tif", ".tiff"})


@dataclass
class Entry:
    path: Path                    # absolute path as found (symlinks not resolved)
    rel: str                      # POSIX path relative to DIR: the summary's `file` and the output name
    sha256: str | None = None     # None when the file could not be read
    size: int = 0
    error: str | None = None      # why it could not be read (then it is a failed row)
    duplicate_of: str | None = None


@dataclass
class Discovery:
    entries: list[Entry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)   # symlink loops, unreadable folders, ignored files
    ignored: int = 0                                  # files with other extensions

    @property
    def unique(self) -> list[Entry]:
        return [e for e in self.entries if e.error is None and e.duplicate_of is None]


def check_dir(root: Path) -> Path:
    """The folder, resolved; InputUnreadable (exit 3) with one sentence when it cannot be used."""
    if not root.exists():
        raise InputUnreadable(f"{root} does not exist.")
    if not root.is_dir():
        raise InputUnreadable(f"{root} is not a folder; use 'scorereader plan {root}' for a single report.")
    if not os.access(root, os.R_OK | os.X_OK):
        raise InputUnreadable(f"{root} cannot be read (permission denied).")
    try:
        next(iter(os.scandir(root)), None)
    except OSError as err:
        raise InputUnreadable(f"{root} cannot be read ({err.strerror or err}).") from err
    return root.resolve()


def discover(root: Path, *, recursive: bool = False, exclude: Path | None = None) -> Discovery:
    """Walk `root` (and its subfolders with `recursive`), hash each candidate file, mark duplicates."""
    root = Path(root)
    found = Discovery()
    exclude_id = _dir_id(exclude) if exclude is not None and exclude.exists() else None
    seen_dirs: dict[tuple[int, int], str] = {}

    def walk(folder: Path, rel: str) -> None:
        did = _dir_id(folder)
        if did is not None:
            if did in seen_dirs:
                found.notes.append(f"{rel or '.'}/ leads back to {seen_dirs[did] or '.'}/ "
                                   "(a symlink loop or a second link to the same folder); not read twice.")
                return
            seen_dirs[did] = rel
        try:
            with os.scandir(folder) as it:
                items = sorted(it, key=lambda e: e.name)
        except OSError as err:
            found.notes.append(f"{rel or '.'}/ could not be read ({err.strerror or err}); skipped.")
            return
        for item in items:
            if item.name.startswith("."):
                continue
            item_rel = f"{rel}/{item.name}" if rel else item.name
            path = Path(item.path)
            try:
                st = path.stat()  # follows symlinks
            except OSError as err:
                if path.is_symlink():
                    msg = ("is a symlink loop" if getattr(err, "errno", None) == 40
                           else "is a broken symlink")
                    if path.suffix.lower() in EXTENSIONS:
                        found.entries.append(Entry(path, item_rel, error=f"{item_rel} {msg}."))
                    else:
                        found.notes.append(f"{item_rel} {msg}; skipped.")
                else:
                    found.notes.append(f"{item_rel} could not be read ({err.strerror or err}); skipped.")
                continue
            if stat.S_ISDIR(st.st_mode):
                if exclude_id is not None and (st.st_dev, st.st_ino) == exclude_id:
                    continue
                if recursive:
                    walk(path, item_rel)
                continue
            if path.suffix.lower() not in EXTENSIONS:
                found.ignored += 1
                continue
            if not stat.S_ISREG(st.st_mode):  # fifo, socket, device: never open it (a fifo blocks)
                kind = ("a named pipe" if stat.S_ISFIFO(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode)
                        else "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else "special")
                found.entries.append(Entry(path, item_rel, error=f"{item_rel} is {kind}, not a regular file; "
                                                                 "not read."))
                continue
            entry = Entry(path, item_rel, size=st.st_size)
            try:
                entry.sha256 = sha256_of(path)
            except OSError as err:
                entry.error = f"{item_rel} cannot be read ({err.strerror or err})."
            found.entries.append(entry)

    walk(root, "")
    first: dict[str, Entry] = {}
    for e in found.entries:
        if e.sha256 is None:
            continue
        if e.sha256 in first:
            e.duplicate_of = first[e.sha256].rel
        else:
            first[e.sha256] = e
    if found.ignored:
        found.notes.append(f"{found.ignored} file{'s' if found.ignored != 1 else ''} that "
                           f"{'are' if found.ignored != 1 else 'is'} not PDF or image "
                           f"({', '.join(sorted(EXTENSIONS))}) ignored.")
    return found


def _dir_id(path: Path | None) -> tuple[int, int] | None:
    if path is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)
