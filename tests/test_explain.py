"""`parse --explain` draws what was read where: one PNG per page, with field, area and bar outlines."""
from __future__ import annotations

import shutil

import numpy as np
from PIL import Image

from conftest import FIXTURES, assert_no_traceback, run_cli
from scorereader.explain import COLORS, FIELD_COLOR


def _pixels_of(img: Image.Image, rgb: tuple[int, int, int]) -> int:
    a = np.asarray(img.convert("RGB")).astype(int)
    return int((np.abs(a - np.array(rgb)).sum(axis=2) < 30).sum())


def test_explain_outlines_fields_areas_and_bars(tmp_path):
    src = tmp_path / "report.pdf"
    shutil.copy(FIXTURES / "text" / "az204-fail-twopage.pdf", src)
    proc = run_cli("parse", "--explain", str(src))
    assert_no_traceback(proc)
    assert proc.returncode == 0
    pages = sorted(tmp_path.glob("report.explain-p*.png"))
    assert [p.name for p in pages] == ["report.explain-p1.png", "report.explain-p2.png"]
    first = Image.open(pages[0])
    for color in (FIELD_COLOR, COLORS["bar"], COLORS["skill area"]):
        assert _pixels_of(first, color) > 200, color
    # page 2 holds two skill areas and the (ignored) comparison chart: areas outlined, no header fields
    second = Image.open(pages[1])
    assert _pixels_of(second, COLORS["skill area"]) > 100
    assert _pixels_of(second, FIELD_COLOR) == 0


def test_explain_on_an_ocr_input(tmp_path):
    src = tmp_path / "shot.png"
    shutil.copy(FIXTURES / "images" / "az104-pass-stacked-screenshot2x.png", src)
    proc = run_cli("parse", "--explain", str(src))
    assert proc.returncode == 0, proc.stderr
    out = Image.open(tmp_path / "shot.explain-p1.png")
    assert _pixels_of(out, COLORS["bar"]) > 200 and _pixels_of(out, FIELD_COLOR) > 200
