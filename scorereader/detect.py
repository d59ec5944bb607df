"""What kind of file is this? Decided by content (magic bytes), never by the extension."""
from __future__ import annotations

import stat
from pathlib import Path

from .errors import InputTooLarge, InputUnreadable
from .limits import MAX_FILE_BYTES

_MAGIC = [
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"II+\x00", "tiff"),  # BigTIFF
    (b"MM\x00+", "tiff"),
    (b"GIF8", "gif"),
    (b"BM", "bmp"),
]


def sniff(head: bytes) -> str | None:
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if b"%PDF-" in head[:1024]:  # some producers put junk before the header; readers accept it
        return "pdf"
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return None


def check_input(path: str | Path) -> str:
    """Return the content type, or raise one clear sentence why the file cannot be read."""
    p = Path(path)
    if not p.exists():
        raise InputUnreadable(f"{p} does not exist")
    if p.is_dir():
        raise InputUnreadable(f"{p} is a folder; use 'scorereader batch {p}' for a folder of reports")
    try:
        st = p.stat()
        # a fifo, socket or device (/dev/zero, /dev/stdin) is never a report, and opening a fifo
        # blocks until someone writes to it: refuse before open()
        if not stat.S_ISREG(st.st_mode):
            raise InputUnreadable(f"{p} is not a regular file (it is a {_file_kind(st.st_mode)}); "
                                  "save the report as a file and try that")
        size = st.st_size
        with open(p, "rb") as fh:
            head = fh.read(2048)
    except OSError as err:
        raise InputUnreadable(f"{p} cannot be read ({err.strerror or err})") from err
    if size == 0:
        raise InputUnreadable(f"{p} is empty (0 bytes)")
    if size > MAX_FILE_BYTES:
        raise InputTooLarge(f"{p} is {size / 2**20:.0f} MB, larger than any score report "
                            f"(limit {MAX_FILE_BYTES // 2**20} MB)")
    kind = sniff(head)
    if kind is None:
        raise InputUnreadable(f"{p} is not a PDF or an image (PNG, JPEG, WEBP, TIFF) that scorereader can read")
    return kind


def _file_kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "named pipe"), (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "device"),
                       (stat.S_ISBLK, "device")):
        if test(mode):
            return name
    return "special file"


def sha256_of(path: str | Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
