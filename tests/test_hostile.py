"""Hostile and broken inputs (fixtures/hostile/, made by fixtures/gen_hostile.py): each gets the
SPEC exit code and one sentence naming the file — fast, without a traceback, without touching the
network — and values copied from a document into the outputs are rendered literally, never
evaluated, fetched or used as paths."""
from __future__ import annotations

import io
import json
import socket
import sys
import time
from pathlib import Path

import pdfplumber
import pytest

from conftest import FIXTURES, assert_no_traceback, run_cli, run_measured, validate_report

HOSTILE = FIXTURES / "hostile"
EXPECTED = json.loads((HOSTILE / "expected.json").read_text()) if (HOSTILE / "expected.json").exists() else {}
SLOW_OCR = {"really-a-png.pdf"}  # a real screenshot through Tesseract
GOOD = FIXTURES / "text" / "az104-fail-classic.pdf"

sys.path.insert(0, str(FIXTURES))


def test_corpus_is_complete_and_small():
    names = set(EXPECTED)
    assert {p.name for p in HOSTILE.iterdir()} - {"expected.json"} == names
    for must in ("loop-length.pdf", "loop-font.pdf", "loop-mediabox.pdf", "loop-kids.pdf", "loop-count.pdf",
                 "loop-lastmodified.pdf", "page-tree-3000-deep.pdf", "flate-bomb-20mb-rects.pdf",
                 "flate-bomb-50mb-string.pdf", "many-rects-8mb.pdf", "page-199in-chart-picture.pdf",
                 "page-10pt-by-194in.pdf", "name-terminal-escapes.pdf", "zero-byte.pdf", "truncated.pdf", "garbage-after-eof.pdf", "encrypted-user-password-aes256.pdf",
                 "encrypted-owner-only-aes256.pdf", "really-a-png.pdf", "really-a-pdf.png", "5000-pages.pdf",
                 "page-200in-wide.pdf", "30000x30000.png", "png-bomb.png", "german-letter.pdf",
                 "javascript-attachment-links.pdf", "name-html.pdf", "name-template.pdf"):
        assert must in names
    assert max(p.stat().st_size for p in HOSTILE.iterdir()) < 2 * 2**20


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_input(name, tmp_path):
    exp = EXPECTED[name]
    proc, elapsed, peak_mb = run_measured("parse", "--json", str(HOSTILE / name), tmp=tmp_path)
    assert_no_traceback(proc)
    assert proc.returncode == exp["exit"], proc.stderr
    assert elapsed < (30 if name in SLOW_OCR else 10), f"{name} took {elapsed:.1f} s"
    assert peak_mb < 1024, f"{name} used {peak_mb:.0f} MB resident"
    if exp["exit"]:
        assert proc.stdout == ""
        lines = [x for x in proc.stderr.splitlines() if x.strip()]
        assert len(lines) == 1 and name in lines[0], proc.stderr
        assert exp["message"].lower() in lines[0].lower(), lines[0]
        return
    (line,) = proc.stdout.splitlines()
    report = json.loads(line)
    validate_report(report)
    checks = exp.get("checks", {})
    if "exam" in checks:
        assert report["exam"]["code"] == checks["exam"]
    if "score" in checks:
        assert report["score"] == checks["score"]
    if "candidate" in checks:
        assert report["candidate"]["name"] == checks["candidate"]
    if "method" in checks:
        assert report["source"]["method"] == checks["method"]
    if "pages" in checks:
        assert report["source"]["pages"] == checks["pages"]
    if "warning" in checks:
        assert any(checks["warning"] in w.lower() for w in report["warnings"]), report["warnings"]
    assert len(report["domains"]) == 5


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_special_files_are_refused_without_blocking(tmp_path, kind):
    """A fifo named .pdf used to block forever in open(); a device (/dev/zero) is never a report."""
    import os

    path = tmp_path / "report.pdf"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    t0 = time.perf_counter()
    proc = run_cli("parse", str(path), timeout=30)
    assert time.perf_counter() - t0 < 10
    assert_no_traceback(proc)
    assert proc.returncode == 3 and "not a regular file" in proc.stderr and "report.pdf" in proc.stderr


def test_debug_still_shows_the_traceback_for_hostile_input():
    proc = run_cli("--debug", "parse", str(HOSTILE / "encrypted-user-password-aes256.pdf"))
    assert proc.returncode == 3 and "Traceback" in proc.stderr


def test_many_pages_materializes_only_the_first_few():
    from scorereader.extract.pdf_text import open_pdf
    from scorereader.limits import MAX_PAGES_READ

    t0 = time.perf_counter()
    pdf = open_pdf(str(HOSTILE / "5000-pages.pdf"))
    try:
        assert len(pdf.pages) == MAX_PAGES_READ and pdf.page_count == 5000
    finally:
        pdf.close()
    assert time.perf_counter() - t0 < 2


# ---------------------------------------------------------------------------------------------
# Nothing leaves the machine: no socket is even attempted while reading and rendering.
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def no_network(monkeypatch):
    attempts: list[str] = []

    def refuse(*args, **kwargs):
        attempts.append(repr(args)[:200])
        raise OSError("network access attempted in a test")

    for obj, attr in ((socket.socket, "connect"), (socket.socket, "connect_ex"), (socket, "create_connection"),
                      (socket, "getaddrinfo")):
        monkeypatch.setattr(obj, attr, refuse)
    return attempts


@pytest.mark.parametrize("name", ["javascript-attachment-links.pdf", "name-html.pdf", "name-template-words.pdf"])
def test_reading_and_rendering_touch_no_network(no_network, name):
    from scorereader.pipeline import read_report
    from scorereader.plan import PlanOptions, build_plan
    from scorereader.render.fetcher import LocalOnlyFetcher
    from scorereader.render.html import render_html, template_roots
    from scorereader.render.pdf import html_to_pdf

    report = read_report(HOSTILE / name)
    plan = build_plan(report, PlanOptions())
    html = render_html(plan)
    fetcher = LocalOnlyFetcher(template_roots())
    data = html_to_pdf(html, fetcher=fetcher)
    assert data.startswith(b"%PDF")
    assert no_network == []
    assert not [u for u in fetcher.refused if "127.0.0.1" in u]
    # the attachment was not read into the model
    assert "must never be read" not in json.dumps(report.to_json())


def _listener():
    from test_render import Listener

    return Listener()


def test_hostile_name_with_a_live_listener_is_never_fetched(tmp_path):
    """A report whose candidate name is an <img> pointing at a live local listener: the CLI writes
    the plan (PDF + HTML) with the name as text, and the listener receives no connection."""
    import gen_hostile

    listener = _listener()
    try:
        name = f"<img src=http://127.0.0.1:{listener.port}/x>"
        src = tmp_path / "live.pdf"
        src.write_bytes(gen_hostile.report(name))
        out = tmp_path / "out"
        proc = run_cli("plan", "--html", "-o", f"{out}/", str(src))
        assert_no_traceback(proc)
        assert proc.returncode == 0, proc.stderr
        html = (out / "live.retake-plan.html").read_text()
        assert name not in html and f"&lt;img src=http://127.0.0.1:{listener.port}/x&gt;" in html
        assert name in _pdf_text(out / "live.retake-plan.pdf")
        time.sleep(0.3)
        assert listener.connections == 0
    finally:
        listener.close()


def test_a_template_that_injects_the_name_unescaped_still_cannot_fetch(tmp_path):
    """Defence in depth: even a --template-dir that marks the name |safe (so the <img> becomes a
    real element) cannot make WeasyPrint fetch it: the fetcher refuses, the listener sees nothing."""
    from scorereader.pipeline import read_report
    from scorereader.plan import PlanOptions, build_plan
    from scorereader.render.fetcher import LocalOnlyFetcher
    from scorereader.render.html import render_html, template_roots
    from scorereader.render.pdf import html_to_pdf
    import gen_hostile

    listener = _listener()
    try:
        url = f"http://127.0.0.1:{listener.port}/x"
        src = tmp_path / "live.pdf"
        src.write_bytes(gen_hostile.report(f"<img src={url}>"))
        (tmp_path / "tpl").mkdir()
        (tmp_path / "tpl" / "plan.html").write_text(
            '{% extends "base.html" %}{% block body %}<h1>{{ plan.candidate.name | safe }}</h1>{% endblock %}')
        plan = build_plan(read_report(src), PlanOptions())
        html = render_html(plan, template_dir=tmp_path / "tpl")
        assert f'<img src={url}>' in html  # the template really did inject it
        fetcher = LocalOnlyFetcher(template_roots(tmp_path / "tpl"))
        assert html_to_pdf(html, template_dir=tmp_path / "tpl", fetcher=fetcher).startswith(b"%PDF")
        assert url in " ".join(fetcher.refused)
        time.sleep(0.3)
        assert listener.connections == 0
    finally:
        listener.close()


# ---------------------------------------------------------------------------------------------
# Names are rendered literally, never evaluated, never used as paths
# ---------------------------------------------------------------------------------------------
def _pdf_text(path: Path) -> str:
    with pdfplumber.open(io.BytesIO(path.read_bytes())) as pdf:
        return " ".join(" ".join(page.extract_text() or "" for page in pdf.pages).split())


@pytest.fixture(scope="module")
def name_plans(tmp_path_factory):
    out = tmp_path_factory.mktemp("names") / "out"
    files = [str(HOSTILE / n) for n in ("name-html.pdf", "name-template.pdf", "name-template-words.pdf",
                                        "name-path.pdf")]
    before = Path("/tmp/pwned").exists()
    proc = run_cli("plan", "--html", "--json", "-o", f"{out}/", *files)
    assert_no_traceback(proc)
    assert proc.returncode == 0, proc.stderr
    assert Path("/tmp/pwned").exists() == before
    return out, [json.loads(x) for x in proc.stdout.splitlines()]


def test_outputs_are_named_after_the_input_files_only(name_plans):
    out, _ = name_plans
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{stem}.retake-plan.{ext}" for stem in ("name-html", "name-template", "name-template-words", "name-path")
        for ext in ("pdf", "html"))
    assert [p for p in out.parent.iterdir() if p != out] == []  # nothing beside the chosen directory


@pytest.mark.parametrize("stem,name", [
    ("name-html", "<img src=http://127.0.0.1:9/x>"),
    ("name-template-words", "Eve {{7*7}} ${7*7} {{ 'ab'*3 }}"),
    ("name-template", "{{7*7}}"),
    ("name-path", "/../../../tmp/pwned"),
])
def test_hostile_names_appear_literally(name_plans, stem, name):
    import html as htmllib

    out, _ = name_plans
    text = _pdf_text(out / f"{stem}.retake-plan.pdf")
    assert name in text
    page = (out / f"{stem}.retake-plan.html").read_text()
    assert name not in page or not set(name) & set("<>&'\"")  # markup characters are escaped ...
    assert name in htmllib.unescape(page)                      # ... and the name reads literally
    assert "<img src=http" not in page
    for evaluated in ("Eve 49", "ababab", "{{ 'ab'*3 }}49"):
        assert evaluated not in text and evaluated not in page


def test_template_only_name_is_not_evaluated(name_plans):
    out, plans = name_plans
    text = _pdf_text(out / "name-template.retake-plan.pdf")
    page = (out / "name-template.retake-plan.html").read_text()
    assert "for 49" not in text and ">49<" not in page
    assert any(p["candidate"].get("name") == "{{7*7}}" for p in plans)


# ---------------------------------------------------------------------------------------------
# Unwritable output: exit 3 and one sentence; nothing half-written
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("target", ["file-as-dir", "proc"])
def test_unwritable_output_is_exit_3_with_a_sentence(tmp_path, target):
    if target == "file-as-dir":
        (tmp_path / "somefile.txt").write_text("x")
        output = f"{tmp_path}/somefile.txt/sub/"
    else:
        output = "/proc/scorereader-x/"
    proc = run_cli("plan", "-o", output, str(GOOD))
    assert_no_traceback(proc)
    assert proc.returncode == 3, proc.stderr
    lines = [x for x in proc.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and "cannot write" in lines[0] and "retake-plan.pdf" in lines[0], proc.stderr


def test_successful_plan_leaves_no_temp_files(tmp_path):
    out = tmp_path / "out"
    proc = run_cli("plan", "--html", "--ics", "-o", f"{out}/", str(HOSTILE / "garbage-after-eof.pdf"))
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "garbage-after-eof.retake-plan.html", "garbage-after-eof.retake-plan.ics", "garbage-after-eof.retake-plan.pdf"]
