"""End to end over fixtures/robust/* (issue 11's layout and image failure classes, gen_robust.py):
`scorereader parse --json FILE` against `<name>.expected.json`.

Exact: score, passing score, result, exam code, date, report type, every skill area's catalog
name, printed weights and band. Within ±0.05: performance. Every expected warning substring
(class 1: a code resolved by inference) must occur. Needs Tesseract.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import parse_json

ROOT = Path(__file__).resolve().parents[1]
ROBUST = ROOT / "fixtures" / "robust"
TOL = 0.05

CASES = sorted(p for p in ROBUST.glob("*") if p.is_file() and not p.name.endswith(".json")) if ROBUST.is_dir() else []

pytestmark = [
    pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract is not installed"),
    pytest.mark.skipif(not CASES, reason="no fixtures in fixtures/robust (run fixtures/generate.py)"),
]


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_robust_fixture(path: Path) -> None:
    want = json.loads(path.with_name(path.name.rsplit(".", 1)[0] + ".expected.json").read_text())
    got = parse_json(path)
    problems = []
    assert got["source"]["method"] == want["source"]["method"]
    for key in ("score", "passing_score", "passed", "exam_date", "report_type"):
        if got[key] != want[key]:
            problems.append(f"{key}: {got[key]!r} != {want[key]!r}")
    if got["exam"]["code"] != want["exam"]["code"]:
        problems.append(f"exam code {got['exam']['code']!r} != {want['exam']['code']!r}")
    if len(got["domains"]) != len(want["domains"]):
        problems.append(f"domains read: {[d['name'] for d in got['domains']]}")
    for g, e in zip(got["domains"], want["domains"]):
        for key in ("name", "weight_min", "weight_max", "band"):
            if g[key] != e[key]:
                problems.append(f"{e['name']}: {key} {g[key]!r} != {e[key]!r}")
        if (g["performance"] is None) != (e["performance"] is None) or (
                e["performance"] is not None and abs(g["performance"] - e["performance"]) > TOL):
            problems.append(f"{e['name']}: performance {g['performance']} vs {e['performance']}")
    for sub in want["warnings"]:
        if not any(sub.lower() in w.lower() for w in got["warnings"]):
            problems.append(f"no warning containing {sub!r}: {got['warnings']}")
    assert not problems, "\n".join(problems)
