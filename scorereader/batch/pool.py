"""A small process pool with a per-task time limit and a watchdog.

Why not concurrent.futures.ProcessPoolExecutor: it cannot stop one hung task, and one crashed
worker breaks the whole pool (BrokenProcessPool). Here each worker is a long-lived process with its
own pipe (so WeasyPrint, fonts and Tesseract settings load once per worker, not per file); the
parent hands out one task at a time and watches every worker:

- a task that runs past `timeout` seconds: its worker (and the worker's process group, so a
  Tesseract child goes too) is stopped (SIGTERM, then SIGKILL) and replaced; the task fails;
- a worker that dies (segfault, OOM killer): replaced; its task is retried once in a fresh worker,
  then fails;
- Ctrl-C: workers ignore SIGINT (they are in their own process group); the parent stops them and
  re-raises KeyboardInterrupt. Outputs are written atomically (temp file + rename), and the temp file
  of a stopped task is removed by the worker's SIGTERM handler or by the caller's sweep.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from typing import Any, Callable, Iterable, Iterator

GRACE_S = 1.0  # between SIGTERM and SIGKILL
WARM_UP_S = 90.0  # a worker that is not ready by then is replaced
RECYCLE_RSS_KB = 200 * 1024  # a worker whose resident memory grew past this is replaced after its task
# (keeps every worker under the 250 MB budget over hundreds of files: caches and heap creep add up)


@dataclass
class Task:
    id: Any
    kind: str
    payload: Any
    tries: int = 0


@dataclass
class Result:
    task: Task
    ok: bool
    value: Any = None              # the task function's return value
    error: str | None = None       # one sentence
    exit_code: int | None = None   # the ScoreReaderError exit code, when there is one
    seconds: float = 0.0
    worker_pid: int | None = None


@dataclass
class _Worker:
    proc: Any
    conn: Any
    task: Task | None = None
    started: float = 0.0
    peak_rss_kb: int = 0
    tasks_done: int = 0
    ready: bool = False
    spawned: float = field(default_factory=time.monotonic)


@dataclass
class PoolStats:
    workers_started: int = 0
    workers_replaced: int = 0
    peak_rss_kb: dict[int, int] = field(default_factory=dict)   # pid → peak RSS reported by the worker

    @property
    def max_worker_rss_mb(self) -> float:
        return round(max(self.peak_rss_kb.values(), default=0) / 1024, 1)


def _context() -> mp.context.BaseContext:
    if sys.platform.startswith("linux") or sys.platform == "darwin":
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["scorereader.batch.worker"])
        return ctx
    return mp.get_context("spawn")


def _worker_main(conn) -> None:  # noqa: ANN001 - a multiprocessing Connection
    """The loop each worker runs: receive (kind, payload), run it, send the outcome."""
    os.environ["OMP_THREAD_LIMIT"] = "1"   # Tesseract: one thread per worker; the pool is the parallelism
    try:
        os.setpgid(0, 0)   # own process group: Ctrl-C goes to the parent, which stops us cleanly
    except OSError:
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwinds, so atomic writes clean up
    from . import worker

    worker.warm_up()   # heavy imports and font set-up once, before the first task's clock starts
    try:
        conn.send(("ready",))
    except OSError:
        return
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        kind, payload = msg
        t0 = time.monotonic()
        try:
            value = worker.run(kind, payload)
            out = ("ok", value, None, None)
        except Exception as err:  # noqa: BLE001 - every failure becomes a row in the summary
            out = ("error", None, *worker.describe(err))
        try:
            conn.send((*out, time.monotonic() - t0, worker.peak_rss_kb(), worker.current_rss_kb()))
        except (BrokenPipeError, OSError):
            return


class WorkerPool:
    def __init__(self, jobs: int, timeout: float | None, *, retries: int = 1) -> None:
        self.jobs = max(1, int(jobs))
        self.timeout = timeout if timeout and timeout > 0 else None
        self.retries = retries
        self.ctx = _context()
        self.workers: list[_Worker] = []
        self.stats = PoolStats()

    # ---- lifecycle
    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *exc) -> None:  # noqa: ANN002
        self.close(force=exc[0] is not None)

    def _spawn(self) -> _Worker:
        parent, child = self.ctx.Pipe(duplex=True)
        proc = self.ctx.Process(target=_worker_main, args=(child,), daemon=True, name="scorereader-worker")
        proc.start()
        child.close()
        self.stats.workers_started += 1
        w = _Worker(proc, parent)
        self.workers.append(w)
        return w

    def _stop(self, w: _Worker) -> None:
        """Stop one worker now (its group too: a Tesseract child must not outlive it)."""
        pid = w.proc.pid
        for sig, wait_s in ((signal.SIGTERM, GRACE_S), (signal.SIGKILL, 5.0)):
            if not w.proc.is_alive():
                break
            try:
                os.killpg(pid, sig)
            except (ProcessLookupError, PermissionError, OSError):
                try:
                    os.kill(pid, sig)
                except OSError:
                    pass
            w.proc.join(wait_s)
        try:
            os.killpg(pid, signal.SIGKILL)  # leftovers in the group (Tesseract)
        except OSError:
            pass
        w.proc.join(0.1)
        try:
            w.conn.close()
        except OSError:
            pass
        if w in self.workers:
            self.workers.remove(w)

    def close(self, force: bool = False) -> None:
        for w in list(self.workers):
            if force or w.task is not None:
                self._stop(w)
                continue
            try:
                w.conn.send(None)
            except OSError:
                pass
        for w in list(self.workers):
            self._join(w)

    # ---- running
    def run(self, tasks: Iterable[Task], on_start: Callable[[Task], None] | None = None) -> Iterator[Result]:
        """Yield one Result per task, in completion order. Safe to interrupt (KeyboardInterrupt)."""
        pending: deque[Task] = deque(tasks)
        start_failures = 0
        try:
            while pending or any(w.task is not None for w in self.workers):
                busy_n = sum(1 for w in self.workers if w.task is not None)
                while len(self.workers) < min(self.jobs, busy_n + len(pending)):
                    self._spawn()
                # hand out work to the workers that are ready
                for idle in [w for w in self.workers if w.ready and w.task is None]:
                    if not pending:
                        break
                    task = pending.popleft()
                    try:
                        idle.conn.send((task.kind, task.payload))
                    except OSError:  # the idle worker died meanwhile: replace it, keep the task
                        pending.appendleft(task)
                        self._stop(idle)
                        self.stats.workers_replaced += 1
                        continue
                    idle.task, idle.started = task, time.monotonic()
                    if on_start:
                        on_start(task)
                watched = [w for w in self.workers if w.task is not None or not w.ready]
                if not watched:
                    continue
                now = time.monotonic()
                wait_for = 0.5
                deadlines = [w.started + self.timeout for w in watched if w.task is not None and self.timeout]
                deadlines += [w.spawned + WARM_UP_S for w in watched if not w.ready]
                if deadlines:
                    wait_for = max(0.0, min(wait_for, min(deadlines) - now))
                ready = set(wait([w.conn for w in watched] + [w.proc.sentinel for w in watched], timeout=wait_for))
                now = time.monotonic()
                for w in watched:
                    if not w.ready:   # still starting up
                        if w.conn in ready or (w.proc.sentinel in ready and _poll(w.conn)):
                            try:
                                w.conn.recv()
                                w.ready = True
                                continue
                            except (EOFError, OSError):
                                pass
                        elif w.proc.sentinel not in ready and now - w.spawned <= WARM_UP_S:
                            continue
                        self._stop(w)
                        start_failures += 1
                        if start_failures > 2 * self.jobs + 2:   # workers cannot start at all
                            while pending:
                                yield Result(pending.popleft(), False, error="no worker process could start")
                        continue
                    task = w.task
                    if w.conn in ready or (w.proc.sentinel in ready and _poll(w.conn)):
                        try:
                            status, value, error, code, seconds, rss, now_rss = w.conn.recv()
                        except (EOFError, OSError):
                            yield from self._crashed(w, pending)
                            continue
                        w.task = None
                        w.tasks_done += 1
                        w.peak_rss_kb = max(w.peak_rss_kb, rss or 0)
                        self.stats.peak_rss_kb[w.proc.pid] = w.peak_rss_kb
                        pid = w.proc.pid
                        if now_rss and now_rss > RECYCLE_RSS_KB:
                            self._retire(w)  # memory held after a large scan: start afresh
                        yield Result(task, status == "ok", value, error, code, seconds, pid)
                    elif w.proc.sentinel in ready:
                        yield from self._crashed(w, pending)
                    elif self.timeout and now - w.started > self.timeout:
                        self._stop(w)
                        self.stats.workers_replaced += 1
                        yield Result(task, False, error=f"took longer than {self.timeout:g} s and was stopped "
                                     "(--timeout)", exit_code=None, seconds=now - w.started,
                                     worker_pid=w.proc.pid)
        except BaseException:
            for w in list(self.workers):
                if w.task is not None or not w.ready:
                    self._stop(w)
            raise

    def _retire(self, w: _Worker) -> None:
        try:
            w.conn.send(None)
        except OSError:
            pass
        self._join(w)
        self.stats.workers_replaced += 1

    def _join(self, w: _Worker) -> None:
        """Wait briefly for a worker told to stop; kill it if it does not."""
        w.proc.join(2.0)
        if w.proc.is_alive():
            self._stop(w)
        else:
            w.conn.close()
            self.workers.remove(w)

    def _crashed(self, w: _Worker, pending: deque[Task]) -> Iterator[Result]:
        task = w.task
        w.proc.join(1.0)  # reap it, so its exit status is known
        code = w.proc.exitcode
        self._stop(w)
        self.stats.workers_replaced += 1
        assert task is not None
        if task.tries < self.retries:
            task.tries += 1
            pending.append(task)   # once more, in a fresh worker
            return
        how = f"signal {-code}" if isinstance(code, int) and code < 0 else f"exit code {code}"
        yield Result(task, False, error=f"the worker reading it crashed ({how})",
                     seconds=time.monotonic() - w.started, worker_pid=w.proc.pid)


def _poll(conn) -> bool:  # noqa: ANN001
    try:
        return conn.poll()
    except (EOFError, OSError):
        return False
