"""`scorereader` whose batch workers hang or crash on chosen files: proof that one bad worker cannot
sink a batch. Test-only; production code has no such hooks.

    SCOREREADER_TEST_HANG=NAME SCOREREADER_TEST_CRASH=NAME python tests/faulty_batch.py batch DIR ...

A file whose name contains NAME hangs (sleeps an hour) / kills its worker (exit status 70, no reply,
like a segfault in a C library). "plan:NAME" acts only while its plan is written, "parse:NAME" only
while it is read. The pool pickles the task function by name, so workers import this module (its
folder is on sys.path, which the fork server passes on) and run `run` below instead of the worker's.
"""
from __future__ import annotations

import os
import sys
import time
from typing import Any

from scorereader.batch import worker

HANG_ENV = "SCOREREADER_TEST_HANG"
CRASH_ENV = "SCOREREADER_TEST_CRASH"
_real_run = worker.run


def _hit(value: str | None, name: str, phase: str) -> bool:
    if not value:
        return False
    want, _, needle = value.rpartition(":")
    return (not want or want == phase) and needle in name


def run(kind: str, payload: dict[str, Any]) -> Any:
    if kind not in ("parse", "plan"):
        return _real_run(kind, payload)
    name = payload["rel"] if kind == "parse" else os.path.basename(payload["out"])
    if _hit(os.environ.get(HANG_ENV), name, kind):
        time.sleep(3600)
    if _hit(os.environ.get(CRASH_ENV), name, kind):
        time.sleep(0.3)   # a crash in the middle of the work, not at the very instant the task arrives
        os._exit(70)
    return _real_run(kind, payload)


def install() -> None:
    worker.run = run


if __name__ == "__main__":
    import faulty_batch   # this file under its own name, so that `run` pickles as faulty_batch.run
    from scorereader.cli import main

    faulty_batch.install()
    main(sys.argv[1:])
