"""The batch pool (pebble underneath) with real worker processes: a worker that holds too much
memory is replaced without losing its next task, a crash names the real exit status, a hung task
is stopped at its time limit and the pool goes on."""
from __future__ import annotations

import os
import signal
import time

import pytest

from scorereader.batch import worker
from scorereader.batch.pool import Task, WorkerPool

_held: list[bytes] = []


def task_fn(kind: str, payload: object) -> int:
    """Runs in a worker (pickled by name, so this module is imported there)."""
    if kind == "grow":   # hold more than the recycling threshold, resident (written, not just mapped)
        _held.append(b"x" * (worker.RECYCLE_RSS_KB + 20 * 1024) * 1024)
    elif kind == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif kind == "hang":
        time.sleep(3600)
    return os.getpid()


@pytest.fixture
def pool(monkeypatch):
    monkeypatch.setattr(worker, "run", task_fn)
    p = WorkerPool(1, timeout=20)
    yield p
    p.close(force=True)


def test_worker_over_the_memory_threshold_is_replaced_and_its_next_task_still_runs(pool):
    results = {r.task.id: r for r in pool.run([Task(0, "grow", None)])}
    results |= {r.task.id: r for r in pool.run([Task(1, "pid", None), Task(2, "pid", None)])}
    assert all(r.ok for r in results.values()), results
    assert results[1].value != results[0].value           # task 1 ran in a fresh worker
    assert results[2].value == results[1].value           # which stays (it is small)
    assert pool.stats.workers_replaced == 1
    assert pool.stats.max_worker_rss_mb > worker.RECYCLE_RSS_KB / 1024


def test_a_crash_names_the_signal_and_is_retried_once(pool):
    results = {r.task.id: r for r in pool.run([Task("k", "kill", None), Task("ok", "pid", None)])}
    assert results["ok"].ok
    assert not results["k"].ok and results["k"].error == "the worker reading it crashed (signal 9)"
    assert pool.stats.workers_replaced == 2                  # the first try and the retry


def test_a_hung_task_is_stopped_at_its_time_limit(monkeypatch):
    monkeypatch.setattr(worker, "run", task_fn)
    pool = WorkerPool(1, timeout=2)
    try:
        t0 = time.monotonic()
        results = {r.task.id: r for r in pool.run([Task("h", "hang", None), Task("ok", "pid", None)])}
        assert time.monotonic() - t0 < 60
    finally:
        pool.close(force=True)
    assert results["ok"].ok
    assert not results["h"].ok and "took longer than 2 s" in results["h"].error
