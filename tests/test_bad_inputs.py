"""Bad files give the SPEC exit code and one sentence naming the file, never a traceback."""
from __future__ import annotations

import json

import pytest

from conftest import FIXTURES, assert_no_traceback, run_cli

BAD = FIXTURES / "bad"
EXPECTED = json.loads((BAD / "expected.json").read_text()) if (BAD / "expected.json").exists() else {}


@pytest.mark.parametrize("name,code", sorted(EXPECTED.items()))
def test_bad_file_exit_code(name, code):
    proc = run_cli("parse", "--json", str(BAD / name))
    assert_no_traceback(proc)
    assert proc.returncode == code, proc.stderr
    assert proc.stdout == ""
    lines = [x for x in proc.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and name in lines[0], proc.stderr


def test_missing_file(tmp_path):
    proc = run_cli("parse", str(tmp_path / "nope.pdf"))
    assert proc.returncode == 3 and "does not exist" in proc.stderr
    assert_no_traceback(proc)


def test_good_files_survive_a_bad_one():
    good = sorted((FIXTURES / "text").glob("*.pdf"))[0]
    proc = run_cli("parse", "--json", str(BAD / "zero-byte.pdf"), str(good))
    assert proc.returncode == 3
    assert len(proc.stdout.splitlines()) == 1 and good.name in proc.stdout


def test_usage_error_exit_code():
    proc = run_cli("parse", "--baseline", "7", "x.pdf")
    assert proc.returncode == 2
    assert_no_traceback(proc)


def test_debug_shows_traceback():
    proc = run_cli("--debug", "parse", str(BAD / "truncated.pdf"))
    assert proc.returncode == 3 and "Traceback" in proc.stderr
