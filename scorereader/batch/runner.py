"""`scorereader batch DIR`: discover → read (pool) → history → plan (pool) → cohort → summary.

Two rounds of work on one pool of long-lived workers: every report is read first, because a plan
needs the candidate's earlier attempts (attempt number, retake dates, band movement). What is
already up to date (manifest) is not redone; `--force` redoes everything.
"""
from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from .. import __version__
from ..errors import ExitCode, InputUnreadable, OutputUnwritable
from . import summary as S
from .discovery import Discovery, check_dir, discover
from .history import build_history
from .manifest import Manifest, digest
from .naming import plan_names
from .pool import PoolStats, Task, WorkerPool

COHORT_NAME = "cohort.pdf"
WORKER_MB = 250          # a worker's resident budget (pool.RECYCLE_RSS_KB replaces it above 200 MB)
POOL_MARGIN_S = 5.0      # the pool stops a task this long after its own read budget should have
DEFAULT_OUT = "scorereader-out"


@dataclass
class BatchOptions:
    directory: Path
    outdir: Path | None = None
    jobs: int | None = None
    recursive: bool = False
    force: bool = False
    timeout: float | None = 60.0     # per file: the read budget (scorereader.budget); the pool allows a margin
    baseline: float | None = None
    ocr: str = "auto"
    paper: str = "a4"
    progress: bool | None = None     # None: only when stderr is a terminal
    formats: tuple[str, ...] = ("pdf",)  # plan renderings to write: pdf, html, ics, json


@dataclass
class BatchResult:
    rows: list[S.Row]
    outdir: Path
    notes: list[str]
    exit_code: int
    elapsed: float
    stats: PoolStats
    work: dict[str, int] = field(default_factory=dict)   # tasks actually run, per kind


# --------------------------------------------------------------------------- names

def cap_jobs(requested: int | None) -> tuple[int, str | None]:
    """Worker count: the request, but at most the cores and what memory holds (~WORKER_MB each)."""
    cores = os.cpu_count() or 1
    avail_mb = _available_mb()
    by_memory = max(1, avail_mb // WORKER_MB) if avail_mb else cores
    cap = max(1, min(cores, by_memory))
    if requested is None:
        return cap, None
    if requested > cap:
        why = f"{cores} CPU core{'s' if cores != 1 else ''}" + (
            f" and {avail_mb} MB of free memory" if by_memory < cores else "")
        return cap, f"--jobs {requested} lowered to {cap} ({why}; more workers only add waiting)."
    return requested, None


def _available_mb() -> int:
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


# --------------------------------------------------------------------------- output folder

def prepare_outdir(outdir: Path) -> Path:
    """Create OUTDIR and prove it is writable (exit 3 otherwise)."""
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=outdir, prefix=".scorereader-probe.", suffix=".tmp")
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise OutputUnwritable(f"The output folder {outdir} cannot be written ({err.strerror or err}).") from err
    return outdir.resolve()


def sweep_temp_files(outdir: Path) -> int:
    """Remove temp files a stopped worker could leave (atomic_write names them .<name>.<random>.tmp)."""
    n = 0
    for dirpath, _dirs, files in os.walk(outdir):
        for f in files:
            if f.startswith(".") and f.endswith(".tmp"):
                try:
                    os.unlink(os.path.join(dirpath, f))
                    n += 1
                except OSError:
                    pass
    return n


# --------------------------------------------------------------------------- progress

class Progress:
    """A rich progress bar on stderr (done / failed / ETA); silent when stderr is not a terminal."""

    def __init__(self, enabled: bool | None) -> None:
        from rich.console import Console

        self.console = Console(stderr=True)
        self.enabled = self.console.is_terminal if enabled is None else enabled
        self._progress = None
        self._task = None
        self.done = self.failed = 0

    @contextmanager
    def phase(self, label: str, total: int) -> Iterator["Progress"]:
        self.done = self.failed = 0
        if not self.enabled or total == 0:
            yield self
            return
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress as RichProgress, SpinnerColumn,
                                   TextColumn, TimeElapsedColumn, TimeRemainingColumn)

        with RichProgress(SpinnerColumn(), TextColumn("{task.description:<16}"), BarColumn(),
                          MofNCompleteColumn(), TextColumn("done {task.fields[ok]} · failed {task.fields[bad]}"),
                          TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                          console=self.console, transient=False) as p:
            self._progress = p
            self._task = p.add_task(label, total=total, ok=0, bad=0)
            try:
                yield self
            finally:
                self._progress = None

    def advance(self, ok: bool) -> None:
        if ok:
            self.done += 1
        else:
            self.failed += 1
        if self._progress is not None:
            self._progress.update(self._task, advance=1, ok=self.done, bad=self.failed)

    def say(self, text: str) -> None:
        if self._progress is not None:
            self._progress.console.print(text, markup=False, highlight=False)
        else:
            print(text, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- the batch

def run_batch(opts: BatchOptions, *, say_errors: bool = True) -> BatchResult:
    t0 = time.monotonic()
    root = check_dir(Path(opts.directory))
    outdir = prepare_outdir(Path(opts.outdir) if opts.outdir else root / DEFAULT_OUT)
    if outdir == root:
        raise InputUnreadable(f"The output folder must not be the input folder {root} itself; "
                              "pass another folder with -o.")
    sweep_temp_files(outdir)
    found: Discovery = discover(root, recursive=opts.recursive, exclude=outdir)
    manifest = Manifest.load(outdir, ignore=opts.force)
    jobs, jobs_note = cap_jobs(opts.jobs)
    if jobs_note:
        found.notes.append(jobs_note)
    progress = Progress(opts.progress)
    parse_opts = digest({"baseline": opts.baseline, "ocr": opts.ocr, "version": __version__})
    plan_opts = {"paper": opts.paper, "version": __version__, "parse": parse_opts,
                 **({"formats": sorted(opts.formats)} if set(opts.formats) != {"pdf"} else {})}
    work = {"parse": 0, "plan": 0, "cohort": 0}

    rows: dict[str, S.Row] = {}
    reports: dict[str, dict[str, Any]] = {}
    cached: set[str] = set()
    read_seconds: dict[str, float] = {}
    to_parse: list[Task] = []
    own: set[str] = set()   # our own plans / cohort PDFs found in DIR: a note, not a row
    for e in found.entries:
        if e.error:
            rows[e.rel] = S.Row(e.rel, "failed", error=e.error, exit_code=int(ExitCode.unreadable))
        elif e.duplicate_of:
            rows[e.rel] = S.Row(e.rel, "duplicate", duplicate_of=e.duplicate_of,
                                error=None)
        else:
            hit = manifest.cached_parse(e.sha256, parse_opts)
            if hit is None:
                to_parse.append(Task(e.rel, "parse", {"path": str(e.path), "rel": e.rel, "seconds": opts.timeout,
                                                      "baseline": opts.baseline, "ocr": opts.ocr}))
            elif hit["ok"] and "other_programme" in (hit["report"] or {}):
                rows[e.rel] = _other_programme_row(e.rel, hit["report"])
            elif hit["ok"] and "own_output" in (hit["report"] or {}):
                own.add(e.rel)
                found.notes.append(hit["report"]["own_output"])
            elif hit["ok"]:
                reports[e.rel] = hit["report"]
                cached.add(e.rel)
            else:
                rows[e.rel] = S.Row(e.rel, "failed", error=hit["error"], exit_code=hit.get("exit_code"))
    by_rel = {e.rel: e for e in found.entries}
    n_jobs = max(1, jobs)  # workers start on demand: never more than there are tasks

    def report_error(rel: str, error: str) -> None:
        if say_errors:
            progress.say(f"scorereader: {error}" if rel in error else f"scorereader: {rel}: {error}")

    pool = WorkerPool(n_jobs, None if opts.timeout is None else opts.timeout + POOL_MARGIN_S)
    previous_term = _sigterm_as_interrupt()
    try:
        # ---- round 1: read every report that is not already known
        with progress.phase("Reading reports", len(to_parse)):
            for res in pool.run(to_parse):
                rel = res.task.id
                work["parse"] += 1
                if res.ok and "other_programme" in res.value:
                    rows[rel] = _other_programme_row(rel, res.value, round(res.seconds, 2))
                    manifest.record_parse(by_rel[rel].sha256, parse_opts, report=res.value)
                    report_error(rel, rows[rel].error)  # said once, as for a file that failed
                elif res.ok and "own_output" in res.value:
                    own.add(rel)
                    found.notes.append(res.value["own_output"])
                    manifest.record_parse(by_rel[rel].sha256, parse_opts, report=res.value)
                elif res.ok:
                    reports[rel] = res.value
                    read_seconds[rel] = round(res.seconds, 2)
                    manifest.record_parse(by_rel[rel].sha256, parse_opts, report=res.value)
                else:
                    rows[rel] = S.Row(rel, "failed", error=_sentence(res.error, rel), exit_code=res.exit_code,
                                      seconds={"read": round(res.seconds, 2)})
                    manifest.record_parse(by_rel[rel].sha256, parse_opts, error=rows[rel].error,
                                          exit_code=res.exit_code)
                    report_error(rel, rows[rel].error)
                progress.advance(res.ok)

        # ---- history and plan tasks
        attempts = build_history(reports)
        names = plan_names([by_rel[r] for r in reports], reports,
                           previous={r: p["out"] for r, p in manifest.plans.items() if p.get("out")})
        plan_tasks: list[Task] = []
        keys: dict[str, str] = {}
        for rel, rep in reports.items():
            a = attempts[rel]
            keys[rel] = digest({**plan_opts, "sha": by_rel[rel].sha256,
                                "history": [by_rel[h].sha256 for h in a.earlier]})
            hit = None if opts.force else manifest.plan_up_to_date(rel, keys[rel], outdir)
            if hit and (hit.get("out") != names[rel] or not _plan_of(outdir / names[rel], by_rel[rel].path)):
                hit = None  # renamed, or the file there is not this input's plan: make it again
            row = S.Row(rel, "skipped" if hit and rel in cached else "ok", report=rep, attempt=a.number,
                        earlier=a.earlier, improved=a.improved, regressed=a.regressed, trend_text=a.trend)
            rows[rel] = row
            if rel in read_seconds:
                row.seconds["read"] = read_seconds[rel]
            if hit:
                row.plan = hit["out"]
                row.attempt = hit.get("attempt", a.number)
                continue
            plan_tasks.append(Task(rel, "plan", {
                "report": rep, "history": [reports[h] for h in a.earlier], "moves": a.moves,
                "out": str(outdir / names[rel]), "paper": opts.paper, "formats": list(opts.formats),
                "source": str(by_rel[rel].path), "root": str(outdir)}))

        # ---- round 2: the plans
        with progress.phase("Writing plans", len(plan_tasks)):
            for res in pool.run(plan_tasks):
                rel = res.task.id
                work["plan"] += 1
                row = rows[rel]
                row.seconds["plan"] = round(res.seconds, 2)
                if res.ok:
                    row.plan = names[rel]
                    row.attempt = res.value.get("attempt", row.attempt)
                    row.status = "ok"
                    manifest.record_plan(rel, keys[rel], names[rel], res.value)
                else:
                    row.status = "failed"
                    row.exit_code = res.exit_code
                    row.error = f"{rel} was read, but its plan could not be written: {res.error}"
                    manifest.plans.pop(rel, None)
                    report_error(rel, row.error)
                progress.advance(res.ok)

        ordered = [rows[e.rel] for e in found.entries if e.rel in rows]

        # ---- the cohort PDF
        from .cohort import cohort_data

        cohort_rows = [{**r.to_json(), "report": r.report} for r in ordered if r.report and r.status != "failed"]
        data = cohort_data(cohort_rows, title=f"Cohort: {root.name}")
        ckey = digest({**data, "generated": None, "version": __version__})
        cohort_path = outdir / COHORT_NAME
        if opts.force or manifest.cohort.get("key") != ckey or not cohort_path.is_file():
            with progress.phase("Cohort summary", 1):
                for res in pool.run([Task("cohort", "cohort", {"data": data, "out": str(cohort_path)})]):
                    work["cohort"] += 1
                    if res.ok:
                        manifest.cohort = {"key": ckey, "out": COHORT_NAME}
                    else:
                        manifest.cohort = {}
                        found.notes.append(f"The cohort PDF could not be written: {res.error}")
                        report_error("cohort.pdf", f"the cohort PDF could not be written: {res.error}")
                    progress.advance(res.ok)
    except BaseException:
        pool.close(force=True)
        sweep_temp_files(outdir)
        _save_quietly(manifest)  # finished work is kept: the next run resumes from here
        raise
    finally:
        _restore_sigterm(previous_term)
    pool.close()
    sweep_temp_files(outdir)

    manifest.prune({e.sha256 for e in found.entries if e.sha256}, set(reports))
    manifest.save()
    elapsed = time.monotonic() - t0
    failed = sum(1 for r in ordered if r.status == "failed")
    meta = {
        "input_dir": str(root), "output_dir": str(outdir),
        "generated": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "options": {"recursive": opts.recursive, "force": opts.force, "jobs": n_jobs, "timeout": opts.timeout,
                    "baseline": opts.baseline, "paper": opts.paper},
        "notes": list(found.notes),
        "cohort": COHORT_NAME if (outdir / COHORT_NAME).is_file() else None,
        "run": {"seconds": round(elapsed, 2), "work": work, "workers_started": pool.stats.workers_started,
                "workers_replaced": pool.stats.workers_replaced,
                "worker_peak_rss_mb": pool.stats.max_worker_rss_mb, "rss_source": "getrusage(RUSAGE_SELF) in each worker"},
        "scorereader_version": __version__,
    }
    S.write_summary(outdir, ordered, meta, names=_summary_names(outdir, found.notes))
    code = int(ExitCode.partial_batch) if failed else int(ExitCode.ok)
    return BatchResult(ordered, outdir, found.notes, code, elapsed, pool.stats, work)


def _sigterm_as_interrupt():  # noqa: ANN202
    """`kill PID` stops a batch as cleanly as Ctrl-C does (workers stopped, no partial files)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None

    def handler(signum, frame):  # noqa: ANN001, ARG001
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGTERM, handler)
    except (ValueError, OSError):
        return None


def _restore_sigterm(previous) -> None:  # noqa: ANN001
    import signal

    if previous is not None:
        try:
            signal.signal(signal.SIGTERM, previous)
        except (ValueError, OSError):
            pass


def _plan_of(path: Path, source: Path) -> bool:
    """Whether `path` is the plan scorereader made from `source` (its metadata says so)."""
    from ..render.outputs import own_output, source_key

    mine = own_output(path)
    return mine is not None and mine["kind"] == "plan" and mine["source"] == source_key(source)


def _summary_names(outdir: Path, notes: list[str]) -> tuple[str, str]:
    """summary.csv / summary.json, or free names beside them when a folder already has that name."""
    names = []
    for name in ("summary.csv", "summary.json"):
        stem, ext = os.path.splitext(name)
        chosen, n = name, 2
        while (outdir / chosen).exists() and not (outdir / chosen).is_file():
            chosen, n = f"{stem}-{n}{ext}", n + 1
        if chosen != name:
            notes.append(f"{name} in the output folder is not a file; the summary was written to {chosen}.")
        names.append(chosen)
    return names[0], names[1]


def _sentence(error: str | None, rel: str) -> str:
    error = (error or "failed").strip()
    if rel not in error:
        error = f"{rel}: {error}"
    return error if error.endswith((".", "!", "?", ")")) else error + "."


def _save_quietly(manifest: Manifest) -> None:
    try:
        manifest.save()
    except Exception:  # noqa: BLE001 - never mask the interrupt
        pass


def _other_programme_row(rel: str, value: dict, seconds: float | None = None) -> S.Row:
    """Another programme's report (Pega, SAS, …): listed as such, left out of the cohort, never planned."""
    return S.Row(rel, "other_programme", error=value.get("message"), exit_code=int(ExitCode.not_a_report),
                 seconds={"read": seconds} if seconds is not None else {})
