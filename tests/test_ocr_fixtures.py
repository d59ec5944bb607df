"""End to end over fixtures/images/*: `scorereader parse --json FILE` against `<name>.expected.json`.

Exact: score, passing score, passed, exam code, exam date, every domain's band.
Within ±0.05: every domain's performance (bars measured from pixels). Needs Tesseract.
"""
from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from conftest import parse_json

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "fixtures" / "images"
TOL = 0.05

CASES = sorted(p for p in IMAGES.glob("*") if p.is_file() and not p.name.endswith(".json")) if IMAGES.is_dir() else []

pytestmark = [
    pytest.mark.skipif(importlib.util.find_spec("scorereader.pipeline") is None,
                       reason="scorereader.pipeline does not exist yet (the CLI cannot parse files)"),
    pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract is not installed"),
    pytest.mark.skipif(not CASES, reason="no fixtures in fixtures/images (run fixtures/generate.py)"),
]


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_image_fixture(path: Path) -> None:
    expected = json.loads(path.with_name(path.name.rsplit(".", 1)[0] + ".expected.json").read_text())
    got = parse_json(path)
    assert got["source"]["method"] == expected["source"]["method"]
    assert got["source"]["pages"] == expected["source"]["pages"]
    for key in ("score", "passing_score", "passed", "exam_date", "report_type"):
        assert got[key] == expected[key], f"{key}: {got[key]!r} != {expected[key]!r}"
    assert got["exam"]["code"] == expected["exam"]["code"]
    names = [d["name"] for d in got["domains"]]
    assert len(got["domains"]) == len(expected["domains"]), f"domains read: {names}"
    for g, e in zip(got["domains"], expected["domains"]):
        assert g["name"] == e["name"], f"domain {g['name']!r} != {e['name']!r}"
        assert g["band"] == e["band"], f"{e['name']}: band {g['band']} != {e['band']} ({g['performance']})"
        if e["performance"] is None:
            assert g["performance"] is None
        else:
            assert g["performance"] is not None, f"{e['name']}: no performance read"
            assert abs(g["performance"] - e["performance"]) <= TOL, \
                f"{e['name']}: performance {g['performance']} vs {e['performance']}"
