"""What a batch worker process does for one task. Pure functions of their payload (JSON-able dicts).

Imported once per worker (and preloaded in the fork server); heavy modules (pdfplumber, WeasyPrint)
load on a worker's first task and stay loaded for the rest of the batch.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys
import time
from typing import Any, Callable

from ..bands import words as band_words
from ..errors import OtherProgramme, ScoreReaderError

RECYCLE_RSS_KB = 200 * 1024  # keeps every worker under the 250 MB budget over hundreds of files
RETIRED = 75                 # exit status of a worker that retires itself (memory) before a task
_tasks_done = 0


def run(kind: str, payload: dict[str, Any]) -> Any:
    if kind == "parse":
        return parse_task(payload)
    if kind == "plan":
        return plan_task(payload)
    if kind == "cohort":
        from ..render.cohort import write_cohort_pdf

        write_cohort_pdf(payload["data"], payload["out"])
        return {"out": payload["out"]}
    raise ValueError(f"unknown task kind {kind!r}")


def warm_up() -> None:
    """Load the reader and the PDF renderer (and its fonts) once per worker, not per file."""
    try:
        from .. import pipeline  # noqa: F401 - pdfplumber, pypdfium2
        from ..extract import embedded, ocr, pdf_text  # noqa: F401 - imported once, inherited by every
        # file's budgeted child (scorereader.budget), instead of once per file
        from ..render.pdf import html_to_pdf

        html_to_pdf("<p>scorereader</p>")
    except Exception:  # noqa: BLE001 - a broken renderer shows up as each task's own error
        pass


def describe(err: BaseException) -> tuple[str, int]:
    """(one sentence, exit code) for a failed task."""
    if isinstance(err, ScoreReaderError):
        return str(err), int(err.exit_code)
    return f"internal error ({type(err).__name__}: {err})", 1


def mp_context() -> Any:
    """Workers fork from a server that has this module loaded (fast start); spawn on Windows."""
    ctx = mp.get_context("spawn" if sys.platform == "win32" else "forkserver")
    if ctx.get_start_method() == "forkserver":
        ctx.set_forkserver_preload([__name__])
    return ctx


def start() -> None:
    """The pool's initializer, once per worker process."""
    os.environ["OMP_THREAD_LIMIT"] = "1"   # Tesseract: one thread per worker; the pool is the parallelism
    try:
        os.setpgid(0, 0)   # own process group: the terminal's Ctrl-C reaches only the parent (which
        # stops us), and stopping us (SIGTERM) takes a running Tesseract child down too
        signal.signal(signal.SIGTERM, lambda *_: os.killpg(0, signal.SIGKILL))
    except (AttributeError, OSError):   # Windows: pebble's own SIGTERM handling
        pass
    warm_up()


def call(fn: Callable[[str, Any], Any], kind: str, payload: Any) -> tuple:
    """One task in a worker: (ok, value, error, exit code, seconds, pid, peak RSS in KB)."""
    global _tasks_done
    if _tasks_done and current_rss_kb() > RECYCLE_RSS_KB:
        # Retire before this task rather than after the last: pebble has no "exit when idle", and a
        # worker exiting between tasks could take the next one with it. The pause lets pebble record
        # that this task runs here (a death before that is attributed to no task); the pool reruns it.
        time.sleep(0.5)
        os._exit(RETIRED)
    _tasks_done += 1
    t0 = time.monotonic()
    try:
        out = (True, fn(kind, payload), None, None)
    except Exception as err:  # noqa: BLE001 - every failure becomes a row in the summary
        out = (False, None, *describe(err))
    return (*out, time.monotonic() - t0, os.getpid(), peak_rss_kb())


def parse_task(p: dict[str, Any]) -> dict[str, Any]:
    from ..errors import OwnOutput
    from ..pipeline import read_report

    path, rel = p["path"], p["rel"]
    try:
        report = read_report(path, baseline=p.get("baseline"), ocr=p.get("ocr", "auto"), seconds=p.get("seconds"))
    except OtherProgramme as err:
        # not a failure: listed in the summary as another programme's report, never planned
        return {"other_programme": err.programme, "message": str(err).replace(path, rel)}
    except OwnOutput as err:  # an earlier run's plan or cohort PDF inside DIR: noted, not a row
        return {"own_output": str(err).replace(path, rel) + "."}
    except ScoreReaderError as err:
        # name the file as the user knows it (relative to DIR), not by its absolute path
        raise type(err)(str(err).replace(path, rel)) from None
    return report.to_json()


def plan_task(p: dict[str, Any]) -> dict[str, Any]:
    """Build the plan (with the candidate's earlier attempts) and write its renderings (the one writer)."""
    import datetime as dt
    from pathlib import Path

    from ..model import Report
    from ..plan import PlanOptions, build_plan
    from ..render.outputs import choose_paths, write_plan_outputs

    report = Report.from_json(p["report"])
    history = [Report.from_json(h) for h in p.get("history", [])]
    options = PlanOptions(history=history)
    if p.get("start"):
        options.start = dt.date.fromisoformat(p["start"])
    plan = build_plan(report, options)
    moves = p.get("moves") or []
    if history:
        _annotate_history(plan, history, moves)
    source = Path(p.get("source") or p["out"])
    paths = choose_paths(plan, source, output=p["out"], formats=p.get("formats") or ("pdf",), inputs=[source],
                         root=Path(p["root"]) if p.get("root") else None)
    write_plan_outputs(plan, paths, source=source, paper=p.get("paper", "a4"))
    return {"out": p["out"], "attempt": plan.attempt, "kind": plan.kind,
            "earliest_retake": plan.earliest_retake.isoformat() if plan.earliest_retake else None,
            "recommended_exam_date": plan.recommended_exam_date.isoformat()
            if plan.recommended_exam_date else None}


def _annotate_history(plan: Any, history: list[Any], moves: list[dict[str, Any]]) -> None:
    """Give the plan's history entries each attempt's bands, and say how the bands moved.

    The planner records earlier attempts' dates and scores; the per-domain bands and their movement
    come from the batch (it has all the reports). They go into `plan.history` (data for templates)
    and, as readable sentences, into the plan's notes, so any template shows them.
    """
    by_date = {h.exam_date.isoformat(): h for h in history if h.exam_date}
    for entry in plan.history:
        h = by_date.get(entry.get("exam_date"))
        if h is not None:
            entry["bands"] = {d.name: d.band for d in h.domains}
    notes = []
    if not _templates_mention("plan.history"):
        parts = []
        for entry in plan.history:
            result = {True: "passed", False: "not passed"}.get(entry.get("passed"), "result unknown")
            score = entry.get("score") if entry.get("score") is not None else "—"
            parts.append(f"{entry.get('exam_date')}: {score} ({result})")
        if parts:
            notes.append(f"Earlier attempts: {'; '.join(parts)}. This is attempt {plan.attempt}.")
    changed = [m for m in moves if m.get("from") != m.get("to")]
    if changed:
        word = {"improved": "better", "regressed": "worse"}
        text = "; ".join(f"{m['name']}: {band_words(m.get('from'), '—')} → "
                         f"{band_words(m.get('to'), '—')} ({word.get(m.get('trend'), 'changed')})"
                         for m in changed)
        notes.append(f"Since the previous attempt: {text}.")
    elif moves:
        notes.append("Since the previous attempt: every skill area is in the same band.")
    plan.warnings[:0] = notes


_TEMPLATE_TEXT: str | None = None


def _templates_mention(needle: str) -> bool:
    """Whether the packaged plan templates already render something (then no duplicate note)."""
    global _TEMPLATE_TEXT
    if _TEMPLATE_TEXT is None:
        try:
            from ..render.html import packaged_templates

            root = packaged_templates()
            files = [p for p in [*root.glob("*.html"), *root.glob("partials/*.html")]
                     if not p.name.startswith("cohort")]
            _TEMPLATE_TEXT = " ".join(p.read_text(encoding="utf-8", errors="replace") for p in files)
        except Exception:  # noqa: BLE001
            _TEMPLATE_TEXT = ""
    return needle in _TEMPLATE_TEXT


def peak_rss_kb() -> int:
    try:
        import resource
    except ImportError:  # Windows
        return 0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss // 1024 if sys.platform == "darwin" else rss


def current_rss_kb() -> int:
    """Resident memory now (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, ValueError, IndexError):
        return 0
