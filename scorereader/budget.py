"""A time and memory budget for one file's work, enforced where the work happens (`parse`, `plan`,
and each batch worker all read through `pipeline.parse_file`).

The work runs in a forked child process: a memory ceiling (RLIMIT_DATA: heap and anonymous maps,
so a C library's allocations count too) and a wall clock that the parent enforces by killing the
child, which stops C code (pdfium) as well as Python loops. Forking a process that already holds
the readers costs a few milliseconds (see benchmarks/NOTES.md). Low-level failures a hostile file
provokes (RecursionError, MemoryError, pdfium errors, a crash) become one typed sentence (exit 3).
Without fork (Windows), the work runs in-process with only the in-loop guards.
"""
from __future__ import annotations

import os
import pickle
import select
import signal
import time
from typing import Any, Callable, TypeVar

from . import limits
from .errors import InputTooLarge, InputUnreadable, ScoreReaderError

T = TypeVar("T")


def time_limit() -> float:
    try:
        return float(os.environ.get("SCOREREADER_TIME_LIMIT", limits.FILE_SECONDS))
    except ValueError:
        return float(limits.FILE_SECONDS)


def memory_limit_mb() -> int:
    try:
        return int(os.environ.get("SCOREREADER_MEMORY_MB", limits.FILE_MEMORY_MB))
    except ValueError:
        return limits.FILE_MEMORY_MB


def typed(err: BaseException, what: str) -> BaseException:
    """The typed error for a low-level failure while reading `what` (others are returned as they are)."""
    from .extract.guards import GuardTripped

    cause, seen = err, 0
    while cause is not None and not isinstance(cause, (GuardTripped, RecursionError, MemoryError)) and seen < 20:
        cause, seen = cause.__cause__ or cause.__context__, seen + 1  # pdfplumber wraps pdfminer's errors
    if isinstance(cause, (GuardTripped, RecursionError, MemoryError)):
        err = cause
    elif isinstance(err, ScoreReaderError):
        return err
    if isinstance(err, GuardTripped):
        return InputTooLarge(f"{what} {err}")
    if isinstance(err, RecursionError):
        return InputUnreadable(f"{what} is not a readable PDF: its structure nests too deeply or refers back "
                               "to itself")
    if isinstance(err, MemoryError):
        return InputTooLarge(f"{what} needs more than {memory_limit_mb()} MB of memory to read; the file "
                             "looks malformed")
    if type(err).__name__ == "PdfiumError":
        return InputUnreadable(f"{what} could not be rendered ({err}); the file looks malformed")
    return err


def run(fn: Callable[..., T], *args: Any, what: str, seconds: float | None = None, **kwargs: Any) -> T:
    """fn(*args, **kwargs) within the budget; `what` names the file in the one-sentence refusal."""
    seconds = time_limit() if seconds is None else seconds
    if not hasattr(os, "fork") or os.environ.get("SCOREREADER_IN_PROCESS") == "1":
        try:
            return fn(*args, **kwargs)
        except (RecursionError, MemoryError) as err:
            raise typed(err, what) from None
    import gc

    r, w = os.pipe()
    pid = -1
    gc.freeze()  # the child's collector then skips the inherited heap: no copy-on-write of every page
    try:
        pid = os.fork()
    finally:
        if pid != 0:
            gc.unfreeze()
    if pid == 0:  # the child: never returns
        os.close(r)
        _child(w, fn, args, kwargs, what)
    os.close(w)
    try:
        data, timed_out = _collect(r, seconds)
    except BaseException:
        _kill(pid)
        raise
    finally:
        os.close(r)
    if timed_out:
        _kill(pid)
        raise InputUnreadable(f"{what} took longer than {seconds:g} s to read; the file looks malformed")
    _, status = os.waitpid(pid, 0)
    if not data:  # killed (OOM, a C library's abort) or out of memory even to report back
        raise InputTooLarge(f"{what} could not be read: the reader ran out of memory or crashed "
                            f"(limit {memory_limit_mb()} MB); the file looks malformed")
    try:
        ok, value = pickle.loads(data)
    except Exception as err:  # noqa: BLE001 - an exception type that cannot be rebuilt here
        raise RuntimeError(f"{what}: the reader's result could not be read back ({err})") from None
    if ok:
        return value
    raise value


def _child(w: int, fn: Callable[..., Any], args: tuple, kwargs: dict, what: str) -> None:
    code = 0
    try:
        _die_with_parent()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        _limit_memory(memory_limit_mb())
        try:
            payload = (True, fn(*args, **kwargs))
        except BaseException as err:  # noqa: BLE001 - everything goes back to the parent as a value
            import traceback

            where = "".join(traceback.format_exception(err))
            err = typed(err, what)
            if hasattr(err, "add_note"):  # --debug in the parent shows where it failed in here
                err.add_note("In the reading process (scorereader.budget):\n" + where.rstrip())
            payload = (False, err)
        try:
            data = pickle.dumps(payload)
        except Exception as err:  # noqa: BLE001 - an unpicklable exception: its text is enough
            data = pickle.dumps((False, RuntimeError(f"{type(payload[1]).__name__}: {payload[1]}")))
        view = memoryview(data)
        while view:
            n = os.write(w, view)
            view = view[n:]
    except BaseException:  # noqa: BLE001
        code = 70
    finally:
        os._exit(code)


def _collect(r: int, seconds: float) -> tuple[bytes, bool]:
    deadline = time.monotonic() + seconds
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return b"", True
        ready, _, _ = select.select([r], [], [], left)
        if not ready:
            continue
        chunk = os.read(r, 1 << 20)
        if not chunk:
            return b"".join(chunks), False
        chunks.append(chunk)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def _limit_memory(mb: int) -> None:
    try:
        import resource

        limit = mb * 1024 * 1024
        soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    except (ImportError, ValueError, OSError):
        pass


def _die_with_parent() -> None:
    """If the parent is killed (a batch worker stopped for its time limit), the child goes too."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - not Linux: the parent's own limits still apply
        pass
