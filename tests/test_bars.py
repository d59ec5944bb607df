"""Bar measurement from vector shapes: rects, paths, rounded ends, thick lines, with and without a track."""
from __future__ import annotations

import pytest
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from scorereader.extract.bars import Shape, group_bars
from scorereader.extract.pdf_text import extract_pdf_text
from scorereader.ir import Box

X0, W, H = 300.0, 200.0, 10.0


def _pdf(tmp_path, draw) -> list:
    path = tmp_path / "bars.pdf"
    c = canvas.Canvas(str(path), pagesize=letter)
    draw(c)
    c.save()
    return extract_pdf_text(str(path), "0" * 64).pages[0].bars


def _track(c, y, color=(0.9, 0.9, 0.9)):
    c.setFillColorRGB(*color)
    c.rect(X0, y, W, H, stroke=0, fill=1)


@pytest.mark.parametrize("frac", [0.12, 0.5, 0.87])
def test_rect_track_and_fill(tmp_path, frac):
    def draw(c):
        _track(c, 500)
        c.setFillColorRGB(0.1, 0.3, 0.8)
        c.rect(X0, 500, W * frac, H, stroke=0, fill=1)
    bars = _pdf(tmp_path, draw)
    assert len(bars) == 1 and bars[0].fraction == pytest.approx(frac, abs=0.005)
    assert bars[0].source == "rect"


def test_rounded_path_bars(tmp_path):
    def draw(c):
        c.setFillColorRGB(0.93, 0.93, 0.93)
        c.roundRect(X0, 500, W, H, 5, stroke=0, fill=1)
        c.setFillColorRGB(0.2, 0.6, 0.3)
        c.roundRect(X0, 500, W * 0.63, H, 5, stroke=0, fill=1)
    bars = _pdf(tmp_path, draw)
    assert len(bars) == 1
    assert bars[0].source == "curve"
    assert bars[0].fraction == pytest.approx(0.63, abs=0.01)


def test_generic_path_with_arc_ends(tmp_path):
    def draw(c):
        for width, color in ((W, (0.85, 0.85, 0.85)), (W * 0.4, (0.9, 0.5, 0.1))):
            c.setFillColorRGB(*color)
            p = c.beginPath()
            p.moveTo(X0 + H / 2, 500)
            p.lineTo(X0 + width - H / 2, 500)
            p.arcTo(X0 + width - H, 500, X0 + width, 500 + H, startAng=-90, extent=180)
            p.lineTo(X0 + H / 2, 500 + H)
            p.arcTo(X0, 500, X0 + H, 500 + H, startAng=90, extent=180)
            p.close()
            c.drawPath(p, stroke=0, fill=1)
    bars = _pdf(tmp_path, draw)
    assert len(bars) == 1 and bars[0].fraction == pytest.approx(0.4, abs=0.01)


def test_thick_stroked_lines(tmp_path):
    def draw(c):
        c.setLineWidth(8)
        c.setStrokeColorRGB(0.88, 0.88, 0.88)
        c.line(X0, 500, X0 + W, 500)
        c.setStrokeColorRGB(0.3, 0.3, 0.3)
        c.line(X0, 500, X0 + W * 0.71, 500)
    bars = _pdf(tmp_path, draw)
    assert len(bars) == 1 and bars[0].fraction == pytest.approx(0.71, abs=0.01)


def test_white_track_with_border_and_end_markers(tmp_path):
    def draw(c):
        c.setStrokeColorRGB(0.4, 0.4, 0.4)
        c.setFillColorRGB(1, 1, 1)
        c.rect(X0, 500, W, H, stroke=1, fill=1)
        c.setFillColorRGB(0.0, 0.45, 0.8)
        c.rect(X0, 500, W * 0.3, H, stroke=0, fill=1)
        c.setFillColorRGB(0, 0, 0)
        for x in (X0 - 2, X0 + W):  # end markers: small ticks, not fill
            c.rect(x, 498, 2, H + 4, stroke=0, fill=1)
    bars = _pdf(tmp_path, draw)
    assert len(bars) == 1 and bars[0].fraction == pytest.approx(0.3, abs=0.01)


def test_lone_fill_uses_gridlines_for_full_scale(tmp_path):
    def draw(c):
        c.setStrokeColorRGB(0.7, 0.7, 0.7)
        c.setLineWidth(0.5)
        for i in range(5):
            c.line(X0 + i * W / 4, 470, X0 + i * W / 4, 530)
        c.setFillColorRGB(0.1, 0.3, 0.8)
        c.rect(X0, 500, W * 0.55, H, stroke=0, fill=1)
    bars = _pdf(tmp_path, draw)
    assert len(bars) == 1 and bars[0].fraction == pytest.approx(0.55, abs=0.01)


def test_lone_fill_without_scale_is_unknown():
    bars = group_bars([Shape(Box(300, 100, 400, 110), (0.1, 0.3, 0.8), True, "rect")], 792)
    assert len(bars) == 1 and bars[0].track is None and bars[0].fraction is None


def test_cmyk_and_gray_colours(tmp_path):
    def draw(c):
        c.setFillGray(0.92)
        c.rect(X0, 500, W, H, stroke=0, fill=1)
        c.setFillColorCMYK(0.9, 0.5, 0, 0.1)
        c.rect(X0, 500, W * 0.66, H, stroke=0, fill=1)
    bars = _pdf(tmp_path, draw)
    assert len(bars) == 1 and bars[0].fraction == pytest.approx(0.66, abs=0.01)


def test_rules_and_text_underlines_are_not_bars():
    shapes = [Shape(Box(50, 100, 550, 100.8), (0, 0, 0), True, "rect"),   # a table rule
              Shape(Box(50, 120, 70, 128), (0.1, 0.3, 0.8), True, "rect")]  # a legend swatch
    assert group_bars(shapes, 792) == []
