"""Every text-layer fixture through the real CLI (`scorereader parse --json`) against its expected JSON."""
from __future__ import annotations

import json

import pytest

from conftest import FIXTURES, assert_no_traceback, run_cli, validate_report
from expected import compare_report

PDFS = sorted((FIXTURES / "text").glob("*.pdf"))


@pytest.fixture(scope="module")
def parsed() -> dict[str, dict]:
    """One CLI run over all fixtures (JSON Lines, one per input, in order)."""
    proc = run_cli("parse", "--json", *map(str, PDFS))
    assert_no_traceback(proc)
    lines = [json.loads(x) for x in proc.stdout.splitlines() if x.strip()]
    return {obj["source"]["file"]: obj for obj in lines}


def test_there_are_enough_fixtures():
    assert len(PDFS) >= 12


@pytest.mark.parametrize("pdf", PDFS, ids=[p.stem for p in PDFS])
def test_text_fixture(pdf, parsed):
    assert pdf.name in parsed, f"{pdf.name} produced no JSON"
    actual = parsed[pdf.name]
    validate_report(actual)
    expected = json.loads(pdf.with_suffix(".expected.json").read_text())
    diffs = compare_report(actual, expected, perf_tol=0.02)
    assert not diffs, "\n".join(diffs)
