"""Rendering tests with real WeasyPrint and pdfplumber reading the PDF back; iCalendar; offline fetching."""
from __future__ import annotations

import datetime as dt
import io
import json

import pdfplumber
import pytest

from listener import Listener
from conftest import validate_plan
from scorereader.render import atomic_write, render_html
from scorereader.render.html import fmt_day, fmt_range
from test_planner import (ALL_WEAK, FOUR_WEAK, ONE_WEAK, PASSED, TWO_WEAK, D, plan, report)

SCENARIOS = {
    "one_weak": lambda: plan(report(ONE_WEAK)),
    "two_weak": lambda: plan(report(TWO_WEAK), start=D(2026, 12, 21)),
    "four_weak": lambda: plan(report(FOUR_WEAK)),
    "all_weak": lambda: plan(report(ALL_WEAK)),
    "passed": lambda: plan(report(PASSED, passed=True, score=781)),
    "practice": lambda: plan(report(ONE_WEAK, practice=True, score=58)),
}


def pdf_text(data: bytes) -> tuple[str, int]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        return " ".join(text.split()), len(pdf.pages)


def column_text(data: bytes) -> str:
    """The text read column by column (left half, then right half of each page): the week cards
    sit two to a row, so a card's sentences are contiguous only when read this way."""
    parts = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            half = page.width / 2
            for box in ((0, 0, half, page.height), (half, 0, page.width, page.height)):
                parts.append(page.crop(box).extract_text() or "")
    return " ".join(" ".join(parts).split())


@pytest.fixture(scope="module")
def rendered():
    from scorereader.render.pdf import render_pdf

    out = {}
    for name, make in SCENARIOS.items():
        p = make()
        data = render_pdf(p, paper="letter" if name == "passed" else "a4")
        out[name] = (p, data, *pdf_text(data))
    return out


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_pdf_says_what_the_plan_says(rendered, name):
    p, data, text, pages = rendered[name]
    assert data.startswith(b"%PDF")
    assert "AZ-104" in text
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    for d in p.domains:
        assert d.name in text
        # the domain detail header: hours and share exactly as in the plan JSON
        assert f"{d.hours:g} h · {round(d.share * 100)} %" in text, d.name
    for w in p.weeks_plan:
        assert f"Week {w.week} {fmt_range(w.start, w.end)}" in text
        head = {"practice_assessment": "Practice assessment", "mock_exam": "Mock exam"}.get(w.milestone, "Checkpoint")
        assert f"{head} {w.checkpoint:%a} {w.checkpoint.day} {w.checkpoint:%b}" in text
        assert w.checkpoint_task in column_text(data)
    assert fmt_day(p.recommended_exam_date) in text
    if p.earliest_retake:
        shown = "now" if p.earliest_retake <= p.start else fmt_day(p.earliest_retake)
        assert f"Earliest allowed retake: {shown}" in text
    for pat in p.patterns:
        assert pat.title in text and pat.evidence in text
    assert f"{p.total_hours:g} h" in text


def test_pdf_specific_dates_and_patterns(rendered):
    _, _, text, _ = rendered["one_weak"]
    assert "13 May 2026" in text                     # earliest retake: exam 12 May 2026 + 1 day
    assert "18 May – 24 May 2026" in text and "15 Jun – 21 Jun 2026" in text
    assert "Networking nightmare" in text
    _, _, text, _ = rendered["two_weak"]
    assert "28 Dec 2026 – 3 Jan 2027" in text        # a week across the year end
    _, _, text, _ = rendered["all_weak"]
    assert "Foundations first: AZ-900" in text and "Broad weakness" in text
    _, _, text, _ = rendered["passed"]
    assert "STRENGTHEN PLAN" in text.upper() and "READY BY" in text.upper()
    _, _, text, _ = rendered["practice"]
    assert "practice assessment" in text.lower() and "35 % correct" in text


def test_summary_comes_first_and_fits_one_page(rendered):

    p, data, _, pages = rendered["four_weak"]
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        first = " ".join((pdf.pages[0].extract_text() or "").split())
        second = " ".join((pdf.pages[1].extract_text() or "").split())
        assert pdf.pages[0].width == pytest.approx(595, abs=2)  # A4
    assert "What to fix first, by when" in first and "Skill-area results" in first
    assert "Week by week" in second and "Week by week" not in first
    _, letter, _, _ = rendered["passed"]
    with pdfplumber.open(io.BytesIO(letter)) as pdf:
        assert pdf.pages[0].width == pytest.approx(612, abs=2)  # Letter


def test_plan_json_matches_pdf(rendered):
    p, _, text, _ = rendered["two_weak"]
    j = json.loads(json.dumps(p.to_json()))
    validate_plan(j)
    assert fmt_day(dt.date.fromisoformat(j["earliest_retake"])) in text
    assert fmt_day(dt.date.fromisoformat(j["recommended_exam_date"])) in text
    for d in j["domains"]:
        assert f"{d['hours']:g} h · {round(d['share'] * 100)} %" in text
    for w in j["weeks_plan"]:
        for b in w["blocks"]:
            assert b["domain"] in text


def test_candidate_name_is_escaped_and_appears_literally():
    from scorereader.render.pdf import render_pdf

    p = plan(report(ONE_WEAK, name='<b>&"\''))
    html = render_html(p)
    assert "<b>&" not in html and "&lt;b&gt;&amp;" in html
    text, _ = pdf_text(render_pdf(p))
    assert '<b>&"\'' in text


def test_template_cannot_fetch_network_or_local_files(tmp_path):
    from scorereader.render.fetcher import LocalOnlyFetcher
    from scorereader.render.html import template_roots
    from scorereader.render.pdf import html_to_pdf

    listener = Listener()
    try:
        url = f"http://127.0.0.1:{listener.port}"
        (tmp_path / "ok.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                                         '<rect width="10" height="10" fill="red"/></svg>')
        (tmp_path / "plan.html").write_text(
            '{% extends "base.html" %}{% block extra_css %}'
            f'@import url("{url}/import.css"); body {{ background: url("{url}/bg.png"); }}'
            '{% endblock %}{% block body %}'
            f'<link rel="stylesheet" href="{url}/x.css"><img src="{url}/x.png">'
            '<img src="file:///etc/passwd"><img src="https://example.invalid/y.png"><img src="ftp://127.0.0.1/z">'
            '<iframe src="file:///etc/hostname"></iframe><img src="ok.svg">'
            '<img src="../../../../../etc/passwd"><h1>{{ plan.exam_code }}</h1>{% endblock %}')
        p = plan(report(ONE_WEAK))
        html = render_html(p, template_dir=tmp_path)
        fetcher = LocalOnlyFetcher(template_roots(tmp_path))
        data = html_to_pdf(html, template_dir=tmp_path, fetcher=fetcher)
        assert data.startswith(b"%PDF")
        assert listener.connections == 0
        refused = " ".join(fetcher.refused)
        for bad in (f"{url}/x.png", f"{url}/bg.png", "file:///etc/passwd", "https://example.invalid/y.png"):
            assert bad in refused
        assert any(u.endswith("/ok.svg") for u in fetcher.served)
        assert not any("passwd" in u for u in fetcher.served)
        text, _ = pdf_text(data)
        assert "root:" not in text
    finally:
        listener.close()


def test_default_pdf_render_fetches_nothing(monkeypatch):
    from scorereader.render import fetcher as fetcher_mod
    from scorereader.render.pdf import render_pdf

    calls = []
    original = fetcher_mod.LocalOnlyFetcher.fetch

    def spy(self, url, headers=None):
        calls.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(fetcher_mod.LocalOnlyFetcher, "fetch", spy)
    render_pdf(plan(report(TWO_WEAK)))
    assert not [u for u in calls if not u.startswith("data:")]


def test_ics_has_one_event_per_block_and_checkpoint_on_the_right_dates():
    from icalendar import Calendar

    from scorereader.render.ics import render_ics

    p = plan(report(TWO_WEAK), start=D(2026, 12, 21))
    cal = Calendar.from_ical(render_ics(p))
    events = list(cal.walk("VEVENT"))
    blocks = [e for e in events if ": " in str(e["SUMMARY"]) and ("Study" in str(e["SUMMARY"]) or "Review" in str(e["SUMMARY"]))]
    checkpoints = [e for e in events if any(k in str(e["SUMMARY"]) for k in ("checkpoint", "practice assessment",
                                                                           "mock exam"))]
    assert len(blocks) == sum(len(w.blocks) for w in p.weeks_plan)
    assert len(checkpoints) == p.weeks
    for w, e in zip(p.weeks_plan, checkpoints):
        assert e.decoded("DTSTART") == w.checkpoint and w.checkpoint.weekday() == 4
        assert e.decoded("DTEND") == w.checkpoint + dt.timedelta(days=1)
    for w in p.weeks_plan:
        for b in w.blocks:
            match = [e for e in blocks if b.domain in str(e["SUMMARY"]) and e.decoded("DTSTART") == w.start]
            assert len(match) == 1 and f"({b.hours:g} h)" in str(match[0]["SUMMARY"])
            assert match[0].decoded("DTEND") == w.end + dt.timedelta(days=1)
    singles = {str(e["SUMMARY"]): e.decoded("DTSTART") for e in events}
    assert "AZ-104: earliest allowed retake" not in singles   # 13 May: before the plan starts, so not an event
    assert singles["AZ-104: recommended exam date"] == p.recommended_exam_date
    assert len({str(e["UID"]) for e in events}) == len(events)
    assert len(events) == len(blocks) + len(checkpoints) + 1


def test_atomic_write_replaces_whole_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "a.pdf"
    atomic_write(target, b"one")
    atomic_write(target, "two")
    assert target.read_text() == "two"
    assert [x.name for x in tmp_path.iterdir()] == ["a.pdf"]
    from scorereader.errors import OutputUnwritable

    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputUnwritable):
        atomic_write(tmp_path / "file" / "sub.pdf", b"x")


def test_unknown_paper_is_rejected():
    with pytest.raises(ValueError):
        render_html(plan(report(ONE_WEAK)), paper="a3")


# ---------------------------------------------------------------- the command

@pytest.fixture
def fake_reports(monkeypatch, tmp_path):
    """`read_report` stubbed: files named *.pdf in tmp_path map to constructed reports."""
    import scorereader.pipeline as pipeline
    from scorereader.errors import InputUnreadable

    table = {"one.pdf": report(ONE_WEAK), "pass.pdf": report(PASSED, passed=True, score=781),
             "prac.pdf": report(ONE_WEAK, practice=True, score=58)}
    for n in table:
        (tmp_path / n).write_bytes(b"%PDF-stub")

    def fake(path, *, baseline=None, ocr="auto"):
        from pathlib import Path

        name = Path(path).name
        if name not in table:
            raise InputUnreadable(f"{path}: no such file.")
        return table[name]

    monkeypatch.setattr(pipeline, "read_report", fake)
    return tmp_path


def _run(args, capsys):
    from scorereader.cli import main

    with pytest.raises(SystemExit) as exc:
        main(args)
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def test_plan_command_writes_beside_input_and_prints_summary(fake_reports, capsys):
    code, out, err = _run(["plan", str(fake_reports / "one.pdf"), "--start", "2026-05-18", "--ics"], capsys)
    assert code == 0, err
    assert (fake_reports / "one.retake-plan.pdf").read_bytes().startswith(b"%PDF")
    assert (fake_reports / "one.retake-plan.ics").exists()
    lines = out.strip().splitlines()
    assert "one.retake-plan.pdf" in lines[0] and len(lines) == 4
    assert "Earliest retake now" in out   # the exam was 12 May; the plan starts 18 May


def test_plan_command_json_lines_on_stdout_and_worst_exit_code(fake_reports, capsys):
    outdir = fake_reports / "plans"
    code, out, err = _run(["plan", str(fake_reports / "one.pdf"), str(fake_reports / "missing.pdf"),
                           str(fake_reports / "pass.pdf"), "--json", "-o", str(outdir) + "/",
                           "--weeks", "3", "--hours-per-week", "6.5", "--paper", "letter", "--html"], capsys)
    assert code == 3
    objs = [json.loads(line) for line in out.strip().splitlines()]
    assert len(objs) == 2
    for o in objs:
        validate_plan(o)
        assert o["weeks"] == 3 and o["total_hours"] == 19.5
    assert "missing.pdf" in err and "Traceback" not in err
    assert (outdir / "one.retake-plan.pdf").exists() and (outdir / "pass.retake-plan.html").exists()


def test_plan_command_usage_errors(fake_reports, capsys):
    code, _, err = _run(["plan", str(fake_reports / "one.pdf"), "--hours-per-week", "7.3"], capsys)
    assert code == 2
    target = fake_reports / "single.pdf"
    code, _, err = _run(["plan", str(fake_reports / "one.pdf"), "-o", str(target)], capsys)
    assert code == 0 and target.exists()
    code, _, err = _run(["plan", str(fake_reports / "one.pdf"), str(fake_reports / "pass.pdf"),
                         "-o", str(target)], capsys)
    assert code == 2 and "directory" in err


def test_a_retake_wait_already_over_says_now(tmp_path):
    """The exam was months ago: the earliest retake date is history, so the plan says "now"."""
    import subprocess
    import sys
    from pathlib import Path

    import pdfplumber

    src = Path(__file__).resolve().parent.parent / "fixtures" / "text" / "az104-fail-classic.pdf"
    texts = {}
    for start in ("2026-05-13", "2026-11-30"):  # the exam was on 2026-05-12
        out = tmp_path / start
        subprocess.run([sys.executable, "-m", "scorereader", "plan", str(src), "-o", f"{out}/", "--start", start],
                       check=True, capture_output=True)
        with pdfplumber.open(next(out.glob("*.pdf"))) as pdf:
            texts[start] = " ".join((pdf.pages[0].extract_text() or "").split())
    for text in texts.values():   # the wait ends on the first start day itself, long before the second
        assert "EARLIEST RETAKE" in text and " now " in text and "the wait ended 13 May 2026" in text
        assert "Earliest retake 13 May" not in text and "book now" not in text


# ---------------------------------------------------------------- --template-dir redraws the charts

def _chart_override(tmp_path):  # noqa: ANN202
    """A template folder holding only a changed copy of the packaged chart macros."""
    from scorereader.render.html import packaged_templates

    source = (packaged_templates() / "partials" / "charts.html").read_text(encoding="utf-8")
    changed = (source
               .replace('<div class="sc" role="img">', '<p>Zebra hours split</p><div class="sc" role="img">', 1)
               .replace("baseline {{ chart.baseline_percent }} %", "zebra line {{ chart.baseline_percent }} %", 1)
               .replace('"fail": "#c0392b"', '"fail": "#0000ff"', 1))   # histogram bars below the pass mark
    assert changed.count("zebra") + changed.count("Zebra") + changed.count("#0000ff") == 3, \
        "the packaged macros changed: update this test"
    folder = tmp_path / "tpl"
    (folder / "partials").mkdir(parents=True)
    (folder / "partials" / "charts.html").write_text(changed, encoding="utf-8")
    return folder


def test_template_dir_with_a_changed_chart_macro_changes_the_charts_in_the_pdf(tmp_path, capsys):
    """The SPEC's promise: charts are templates, so `plan --template-dir` can redraw them."""
    import shutil

    from conftest import FIXTURES

    src = tmp_path / "az104.pdf"
    shutil.copy(FIXTURES / "text" / "az104-fail-classic.pdf", src)
    folder = _chart_override(tmp_path)
    texts = {}
    for name, extra in (("plain", []), ("custom", ["--template-dir", str(folder)])):
        out = tmp_path / f"{name}.pdf"
        code, _, err = _run(["plan", str(src), "--start", "2026-05-18", "-o", str(out), *extra], capsys)
        assert code == 0, err
        texts[name], _ = pdf_text(out.read_bytes())
    plain, custom = texts["plain"], texts["custom"]
    assert "Zebra hours split" in custom and "Zebra hours split" not in plain
    assert "zebra line 70 %" in custom and "baseline 70 %" in plain and "baseline 70 %" not in custom
    # the rest of the plan, and the chart's numbers, come from the packaged templates and the plan
    assert "1 · " in custom and "Week by week" in custom and "Skill-area results" in custom


def test_cohort_charts_follow_the_template_dir_too(tmp_path):
    from conftest import FIXTURES
    from scorereader.batch.cohort import cohort_data
    from scorereader.render.cohort import write_cohort_pdf

    rep = json.loads((FIXTURES / "text" / "az104-fail-classic.expected.json").read_text(encoding="utf-8"))
    rows = [{"file": "a.pdf", "status": "ok", "report": rep, "attempt": 1}]
    data = cohort_data(rows, title="Cohort: override")

    def blue_bars(path):  # noqa: ANN001, ANN202 - filled shapes drawn pure blue
        with pdfplumber.open(path) as pdf:
            return [r for page in pdf.pages for r in page.rects
                    if tuple(round(c, 2) for c in (r.get("non_stroking_color") or ())) == (0, 0, 1)]

    assert not blue_bars(write_cohort_pdf(data, tmp_path / "plain.pdf"))
    assert rep["passed"] is False and len(blue_bars(write_cohort_pdf(
        data, tmp_path / "custom.pdf", template_dir=_chart_override(tmp_path)))) == 1  # the one failing score


def test_plan_and_cohort_colour_each_band_alike():
    """One palette: the plan's chips and the cohort's heat map paint a band the same colour."""
    import re

    from conftest import FIXTURES
    from scorereader.bands import BANDS
    from scorereader.batch.cohort import cohort_data
    from scorereader.render.cohort import render_cohort_html

    plan_html = render_html(SCENARIOS["two_weak"]())
    rep = json.loads((FIXTURES / "text" / "az104-fail-classic.expected.json").read_text(encoding="utf-8"))
    cohort_html = render_cohort_html(cohort_data([{"file": "a.pdf", "status": "ok", "report": rep, "attempt": 1}],
                                                 title="Cohort"))
    for band in BANDS:
        chip = re.search(rf"\.chip\.{band.value} {{ background: (#[0-9a-f]{{6}}); }}", plan_html)
        cell = re.search(rf'background: (#[0-9a-f]{{6}}); color: #[0-9a-f]{{6}}">{re.escape(band.mark)}</span> {band.label}',
                         cohort_html)
        assert chip and cell, band
        assert chip.group(1) == cell.group(1) == band.colour, band
