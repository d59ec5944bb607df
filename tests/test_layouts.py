"""Layouts the fixture generator does not draw, built here with reportlab and read by the real parser.

Each one changes something a real provider might: two charts side by side, percentages printed
inside the bars, the exam named only in a title, short-form area names, the header as one run.
"""
from __future__ import annotations

import datetime as dt

import pytest
from reportlab.lib.pagesizes import A4, landscape, letter
from reportlab.pdfgen import canvas

from scorereader.errors import NotAScoreReport
from scorereader.pipeline import read_report

AZ104 = ["Manage Azure identities and governance", "Implement and manage storage",
         "Deploy and manage Azure compute resources", "Implement and manage virtual networking",
         "Monitor and maintain Azure resources"]


def _bar(c, x, y, w, h, frac, fill=(0.15, 0.35, 0.75), track=(0.88, 0.88, 0.88)):
    c.setFillColorRGB(*track)
    c.rect(x, y, w, h, stroke=0, fill=1)
    c.setFillColorRGB(*fill)
    c.rect(x, y, w * frac, h, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)


def _header(c, top, lines, font="Helvetica", size=10):
    c.setFont(font, size)
    for i, text in enumerate(lines):
        c.drawString(50, top - 15 * i, text)


def test_two_charts_side_by_side(tmp_path):
    path = tmp_path / "wide.pdf"
    c = canvas.Canvas(str(path), pagesize=landscape(A4))
    W, H = landscape(A4)
    _header(c, H - 50, ["Exam: AZ-104 Microsoft Azure Administrator", "Candidate: Ana Lima",
                        "Exam Date: 07/01/2026", "Passing Score: 700", "Your Score: 688", "Result: Fail"])
    fracs = [0.82, 0.40, 0.61, 0.30, 0.91]
    c.setFont("Helvetica", 9)
    for i, (name, f) in enumerate(zip(AZ104, fracs)):
        col, row = divmod(i, 3)
        x = 50 + col * (W / 2)
        y = H - 200 - row * 30
        c.drawString(x, y + 2, name)
        _bar(c, x + 200, y, 150, 10, f)
    c.save()
    report = read_report(path)
    assert [d.name for d in report.domains] == AZ104
    assert [d.performance for d in report.domains] == pytest.approx(fracs, abs=0.01)
    assert report.score == 688 and report.passed is False


def test_percentages_printed_inside_the_bars(tmp_path):
    path = tmp_path / "inside.pdf"
    c = canvas.Canvas(str(path), pagesize=letter)
    W, H = letter
    _header(c, H - 60, ["AZ-104: Microsoft Azure Administrator", "Name: Kim Ode", "Date: 2026-07-02",
                        "Score: 702", "Required Score: 700", "PASS"])
    fracs = [0.74, 0.66, 0.88, 0.58, 0.95]
    for i, (name, f) in enumerate(zip(AZ104, fracs)):
        y = H - 220 - 32 * i
        c.setFont("Helvetica", 9)
        c.drawString(60, y + 14, name)
        _bar(c, 60, y, 300, 11, f)
        c.setFillColorRGB(1, 1, 1)
        c.setFont("Helvetica-Bold", 8)
        c.drawString(64, y + 2.5, f"{round(f * 100)}%")
        c.setFillColorRGB(0, 0, 0)
    c.save()
    report = read_report(path)
    assert [d.performance for d in report.domains] == pytest.approx(fracs, abs=0.006)
    assert report.passed is True and report.exam_date == dt.date(2026, 7, 2)


def test_exam_named_in_a_title_short_area_names_and_one_run_header(tmp_path):
    path = tmp_path / "short.pdf"
    c = canvas.Canvas(str(path), pagesize=letter)
    W, H = letter
    c.setFont("Times-Bold", 15)
    c.drawString(50, H - 50, "Microsoft Azure Administrator (AZ-104) — Score Report")
    c.setFont("Times-Roman", 10)
    c.drawString(50, H - 75, "Name: Jo Park   Candidate ID: 5550123   Date: 12-May-2026   Score: 640 / 1000   Result: Fail")
    short = ["Identity & Governance", "Storage", "Compute Resources", "Virtual Networking", "Monitor & Maintain"]
    fracs = [0.35, 0.80, 0.44, 0.62, 0.90]
    for i, (name, f) in enumerate(zip(short, fracs)):
        y = H - 140 - 24 * i
        c.drawString(50, y + 1, name)
        _bar(c, 200, y, 250, 9, f, fill=(0.2, 0.55, 0.3))
    c.save()
    report = read_report(path)
    assert report.exam.code == "AZ-104"
    assert report.candidate.name == "Jo Park" and report.candidate.candidate_id == "5550123"
    assert report.score == 640 and report.max_score == 1000 and report.passed is False
    assert report.exam_date == dt.date(2026, 5, 12)
    assert [d.name for d in report.domains] == AZ104
    assert [d.band for d in report.domains] == ["needs_improvement", "above_baseline", "needs_improvement",
                                                 "near_baseline", "above_baseline"]


def test_unknown_exam_keeps_printed_names_and_warns(tmp_path):
    path = tmp_path / "zz.pdf"
    c = canvas.Canvas(str(path), pagesize=letter)
    W, H = letter
    _header(c, H - 60, ["Exam: ZZ-999 Underwater Basket Weaving", "Your Score: 720", "Passing Score: 700",
                        "Result: Pass", "Exam Date: 01/02/2026"])
    for i, (name, f) in enumerate([("Choose reeds", 0.8), ("Hold your breath", 0.5)]):
        y = H - 200 - 30 * i
        c.drawString(60, y + 1, name)
        _bar(c, 250, y, 200, 10, f)
    c.save()
    report = read_report(path)
    assert report.exam.code == "ZZ-999" and report.exam.outline is None
    assert [d.name for d in report.domains] == ["Choose reeds", "Hold your breath"]
    assert any("not in the exam catalog" in w for w in report.warnings)


def test_a_chart_without_any_exam_is_not_a_report(tmp_path):
    path = tmp_path / "chart.pdf"
    c = canvas.Canvas(str(path), pagesize=letter)
    W, H = letter
    _header(c, H - 60, ["Quarterly sales by region", "Prepared 01/02/2026"])
    for i, f in enumerate([0.3, 0.6, 0.9]):
        c.drawString(60, H - 200 - 30 * i + 1, f"Region {i + 1}")
        _bar(c, 250, H - 200 - 30 * i, 200, 10, f)
    c.save()
    with pytest.raises(NotAScoreReport):
        read_report(path)
