"""Shared test helpers: run the real CLI, validate JSON against the SPEC schemas."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SCHEMAS = Path(__file__).resolve().parent / "schema"
CLI = [sys.executable, "-m", "scorereader"]


def _validator(name: str) -> jsonschema.Validator:
    schema = json.loads((SCHEMAS / name).read_text())
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


REPORT_SCHEMA = _validator("report.schema.json")
PLAN_SCHEMA = _validator("plan.schema.json")


def validate_report(obj: dict) -> None:
    REPORT_SCHEMA.validate(obj)


def validate_plan(obj: dict) -> None:
    PLAN_SCHEMA.validate(obj)


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """The real command in a subprocess, as a user runs it."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1", PYTHONWARNINGS="ignore")
    return subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout)


_MEASURE = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[2:]); "
            "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); "
            "sys.exit(p.returncode)")


def run_measured(*args: str, tmp: Path, cwd: Path | None = None, timeout: float = 120,
                 env: dict | None = None) -> tuple[subprocess.CompletedProcess, float, float]:
    """The real command as a subprocess: (result, wall seconds, peak resident MB of its whole process
    tree — the largest of the command and every process it waited for, budget children included)."""
    import time

    out = tmp / f".rss-{time.monotonic_ns()}"
    full_env = dict(os.environ, OMP_THREAD_LIMIT="1", PYTHONWARNINGS="ignore", **(env or {}))
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _MEASURE, str(out), *CLI, *args], capture_output=True, text=True,
                          cwd=cwd, env=full_env, timeout=timeout)
    seconds = time.perf_counter() - t0
    peak_mb = int(out.read_text()) / 1024 if out.exists() else 0.0
    return proc, seconds, peak_mb


def parse_json(path: Path) -> dict:
    """`scorereader parse --json FILE` as a user runs it: exit 0, one JSON line, valid against the
    SPEC's report schema."""
    proc = run_cli("parse", "--json", str(path), timeout=600)
    assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr.strip()}"
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stdout
    obj = json.loads(lines[0])
    validate_report(obj)
    return obj


def assert_no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stdout, proc.stdout


@pytest.fixture
def cli():
    return run_cli


_LAYOUT_SUMMARY: list[str] = []
PDFS_PER_TEST = 4


def pytest_terminal_summary(terminalreporter):  # noqa: ANN001, ANN201 - pytest hook
    for line in _LAYOUT_SUMMARY:
        terminalreporter.write_line(line)


@pytest.fixture(scope="session", autouse=True)
def _every_produced_pdf_is_laid_out_cleanly(tmp_path_factory):
    """At the end of the session, every plan and cohort PDF any test wrote under pytest's temporary
    folders (CLI runs, batches, renders) goes through the layout checker; problems fail the run
    (reported as an error in the last test's teardown). tests/test_layout.py covers the fixtures and
    edge cases on purpose; this catches whatever else the suite prints."""
    yield
    from layout_check import check_pdf, scorereader_pdfs

    base = tmp_path_factory.getbasetemp()
    # a few per test folder: a 200-file batch writes 200 plans of one design, and checking each page
    # costs a render (CI time); every design a test produces is still looked at
    per_test: dict[str, list[Path]] = {}
    for path in scorereader_pdfs(base):
        per_test.setdefault(path.relative_to(base).parts[0], []).append(path)
    problems, pages = [], 0
    pdfs = [p for group in per_test.values() for p in sorted(group)[:PDFS_PER_TEST]]
    for path in pdfs:
        found, n = check_pdf(path)
        pages += n
        problems += [f"{path.relative_to(base)}: {p}" for p in found]
    if pdfs:
        _LAYOUT_SUMMARY.append(f"layout check: {len(pdfs)} PDF(s) the tests wrote, {pages} page(s), "
                               f"{len(problems)} problem(s)")
    if problems:
        pytest.fail(f"{len(problems)} layout problem(s) in PDFs the tests produced:\n" + "\n".join(problems[:50]),
                    pytrace=False)
