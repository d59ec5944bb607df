"""Batch tasks on `pebble.ProcessPool`: per-file time limit, crash isolation, memory recycling.

pebble stops the worker of a task past `timeout` (TimeoutError) and fails only a dead worker's task
(ProcessExpired, with its exit status); we retry a crashed task once in a fresh worker and rerun a task
whose worker retired for memory (`worker.call`). Workers load the reader once (`worker.start`).
"""
from __future__ import annotations

from concurrent.futures import FIRST_COMPLETED, TimeoutError, wait
from dataclasses import dataclass, field
from typing import Any, Iterator

from pebble import ProcessExpired, ProcessPool

from . import worker


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


@dataclass
class PoolStats:
    workers_started: int = 0
    workers_replaced: int = 0
    peak_rss_kb: dict[int, int] = field(default_factory=dict)   # pid → peak RSS reported by the worker

    @property
    def max_worker_rss_mb(self) -> float:
        return round(max(self.peak_rss_kb.values(), default=0) / 1024, 1)


class WorkerPool:
    def __init__(self, jobs: int, timeout: float | None, *, retries: int = 1) -> None:
        self.jobs, self.retries = max(1, int(jobs)), retries
        self.timeout = timeout if timeout and timeout > 0 else None
        self.stats, self._size = PoolStats(), 0   # _size: workers in the open pool
        self._pool: ProcessPool | None = None

    def _open(self, n_tasks: int) -> ProcessPool:
        want = min(self.jobs, max(1, n_tasks))   # never more workers than the largest round has tasks
        if self._pool is None or want > self._size:
            self.close()
            self._pool, self._size = ProcessPool(want, initializer=worker.start, context=worker.mp_context()), want
            self.stats.workers_started += want
        return self._pool

    def close(self, force: bool = False) -> None:
        if self._pool is not None:
            self._pool.stop() if force or not self._pool.active else self._pool.close()
            self._pool.join()
            self._pool = None

    def run(self, tasks: list[Task]) -> Iterator[Result]:
        """One Result per task, in completion order. On Ctrl-C the caller calls close(force=True)."""
        pool = self._open(len(tasks)) if tasks else None
        schedule = lambda t: pool.schedule(worker.call, (worker.run, t.kind, t.payload), timeout=self.timeout)  # noqa: E731
        running = {schedule(t): t for t in tasks}
        while running:
            for future in wait(running, return_when=FIRST_COMPLETED).done:
                task = running.pop(future)
                if (res := self._outcome(task, future)) is None:   # once more, in a fresh worker
                    running[schedule(task)] = task
                else:
                    yield res

    def _outcome(self, task: Task, future: Any) -> Result | None:
        try:
            ok, value, error, code, seconds, pid, rss = future.result()
        except (TimeoutError, ProcessExpired) as err:   # pebble has replaced the worker
            self.stats.workers_replaced += 1
            self.stats.workers_started += 1
            if isinstance(err, TimeoutError):
                return Result(task, False, error=f"took longer than {self.timeout:g} s and was stopped (--timeout)",
                              seconds=self.timeout or 0.0)
            task.tries += err.exitcode != worker.RETIRED
            if task.tries <= self.retries:
                return None
            how = f"signal {-err.exitcode}" if err.exitcode < 0 else f"exit code {err.exitcode}"
            return Result(task, False, error=f"the worker reading it crashed ({how})")
        except Exception as err:  # noqa: BLE001 - a broken pool: the task fails, the batch goes on
            self._size = 0   # the next round starts a fresh pool; no exit code: not the file's result
            return Result(task, False, error=f"the worker pool failed ({type(err).__name__}: {err})")
        self.stats.peak_rss_kb[pid] = max(self.stats.peak_rss_kb.get(pid, 0), rss or 0)
        return Result(task, ok, value, error, code, seconds)
