"""Outputs never destroy or mix up data (issue 14) and say what they are (issue 16): the real CLI in a
subprocess, real WeasyPrint, and every plan read back to check whose plan it is."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pdfplumber

from conftest import FIXTURES, assert_no_traceback, run_cli

TEXT = FIXTURES / "text"


def who(fixture: str) -> str:
    return json.loads((TEXT / f"{fixture}.expected.json").read_text())["candidate"]["name"]


def first_line(pdf: Path) -> str:
    with pdfplumber.open(pdf) as doc:
        return (doc.pages[0].extract_text() or "").splitlines()[0]


def put(dst: Path, fixture: str) -> Path:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(TEXT / f"{fixture}.pdf", dst)
    return dst


def test_same_stems_into_one_folder_never_overwrite_each_other(tmp_path):
    """`plan x-3.pdf a/x.pdf b/x.pdf -o out/` gave two plans for three inputs (b's over x-3's)."""
    inputs = {"x-3.pdf": "az104-fail-classic", "a/x.pdf": "az204-fail-twopage", "b/x.pdf": "az305-fail-bandwords"}
    for rel, fx in inputs.items():
        put(tmp_path / rel, fx)
    for _ in range(2):  # a rerun replaces its own plans, under the same names
        proc = run_cli("plan", *inputs, "-o", "out/", cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
    plans = sorted((tmp_path / "out").glob("*.pdf"))
    assert len(plans) == 3, plans
    arrows = dict(line.split(" → ") for line in proc.stdout.splitlines() if " → " in line)
    for rel, fx in inputs.items():
        assert who(fx) in first_line(tmp_path / arrows[rel]), (rel, arrows[rel])


def test_o_never_overwrites_an_input_or_a_file_we_did_not_make(tmp_path):
    src = put(tmp_path / "in.pdf", "az104-fail-classic")
    before = src.read_bytes()
    other = tmp_path / "notes.pdf"
    other.write_bytes(b"%PDF-1.4 someone else's file")
    other.chmod(0o600)
    for target in ("in.pdf", "notes.pdf"):
        proc = run_cli("plan", "in.pdf", "-o", target, cwd=tmp_path)
        assert_no_traceback(proc)
        assert proc.returncode == 2, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1 and target in proc.stderr
    assert src.read_bytes() == before
    assert other.read_bytes() == b"%PDF-1.4 someone else's file" and (other.stat().st_mode & 0o777) == 0o600
    # -o plan.html --html: the PDF is plan.pdf, the HTML plan.html (no PDF written as .html)
    proc = run_cli("plan", "in.pdf", "-o", "plan.html", "--html", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "plan.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "plan.html").read_text().lstrip().lower().startswith("<!doctype html")
    # our own plan is replaced by a rerun (same input), not numbered
    proc = run_cli("plan", "in.pdf", "-o", "plan.pdf", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr


def test_generic_download_names_become_exam_names_and_never_overwrite(tmp_path):
    put(tmp_path / "scorereport.pdf", "az104-fail-classic")
    put(tmp_path / "scorereport (1).pdf", "az104-pass-stacked")
    put(tmp_path / "ScoreReport.PDF", "az305-fail-bandwords")
    put(tmp_path / "smith.pdf", "sc300-fail-wrapped")
    squatter = tmp_path / "AZ-104 retake plan 2026-05-12.pdf"
    squatter.write_bytes(b"not ours")
    proc = run_cli("plan", "scorereport.pdf", "scorereport (1).pdf", "ScoreReport.PDF", "smith.pdf", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    arrows = dict(line.split(" → ") for line in proc.stdout.splitlines() if " → " in line)
    assert arrows == {"scorereport.pdf": "AZ-104 retake plan 2026-05-12 (2).pdf",
                      "scorereport (1).pdf": "AZ-104 study plan 2026-06-23.pdf",
                      "ScoreReport.PDF": "AZ-305 retake plan 2026-05-27.pdf",
                      "smith.pdf": "smith.retake-plan.pdf"}
    assert squatter.read_bytes() == b"not ours"
    assert who("az104-fail-classic") in first_line(tmp_path / arrows["scorereport.pdf"])
    # a second candidate's scorereport.pdf for the same exam and day: a new number, never theirs
    other = tmp_path / "other"
    put(other / "scorereport.pdf", "az104-fail-classic")
    proc = run_cli("plan", "other/scorereport.pdf", "-o", ".", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "AZ-104 retake plan 2026-05-12 (3).pdf" in proc.stdout


def test_odd_input_names(tmp_path):
    """A name starting with a dash (after --), a newline in a name, a name of 240 characters."""
    dash = put(tmp_path / "-dash.pdf", "az104-fail-classic")
    newline = put(tmp_path / "two\nlines.pdf", "az104-fail-classic")
    long = put(tmp_path / ("é" * 120 + ".pdf"), "az104-fail-classic")  # 240 bytes + .pdf
    proc = run_cli("--", dash.name, newline.name, long.name, cwd=tmp_path)
    assert_no_traceback(proc)
    assert proc.returncode == 0, proc.stderr
    made = sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".retake-plan.pdf"))
    assert len(made) == 3 and all(len(n.encode()) <= 255 and "\n" not in n for n in made), made
    # a missing file named with a newline: one line on stderr
    proc = run_cli("parse", "no\nsuch.pdf", cwd=tmp_path)
    assert proc.returncode == 3 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_each_file_is_judged_on_its_own(tmp_path):
    """A folder or an unreadable file among several: exit 3 for that one, the others are planned."""
    put(tmp_path / "good.pdf", "az104-fail-classic")
    (tmp_path / "folder").mkdir()
    locked = put(tmp_path / "locked.pdf", "az104-fail-classic")
    locked.chmod(0)
    proc = run_cli("plan", "good.pdf", "folder", "locked.pdf", cwd=tmp_path)
    assert_no_traceback(proc)
    assert proc.returncode == 3, proc.stderr
    assert (tmp_path / "good.retake-plan.pdf").is_file()
    errors = [x for x in proc.stderr.splitlines() if x.startswith("scorereader:")]
    assert any("folder is a folder" in e for e in errors)
    if os.geteuid() != 0:  # root reads anything
        assert any("locked.pdf cannot be read" in e for e in errors)
    # --start far in the future is a usage error, not an internal one
    proc = run_cli("plan", "good.pdf", "--start", "9999-12-20", cwd=tmp_path)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr


# --------------------------------------------------------------------------- batch

def summary(out: Path) -> list[dict]:
    return json.loads((out / "summary.json").read_text())["rows"]


def test_batch_reruns_with_colliding_names_never_point_at_another_persons_plan(tmp_path):
    d = tmp_path / "class"
    put(d / "smith.pdf", "az104-fail-classic")
    put(d / "a b" / "report.pdf", "az204-fail-twopage")
    proc = run_cli("batch", str(d), "-r", "-o", str(tmp_path / "out"), "--jobs", "2")
    assert proc.returncode == 0, proc.stderr
    # files added later whose names collide with the first ones
    put(d / "Smith.pdf", "az305-fail-bandwords")
    put(d / "a_b" / "report.pdf", "sc300-fail-wrapped")
    put(d / "scorereport.pdf", "az104-pass-stacked")
    proc = run_cli("batch", str(d), "-r", "-o", str(tmp_path / "out"), "--jobs", "64")
    assert proc.returncode == 0, proc.stderr
    assert "--jobs 64 lowered to" in proc.stderr  # capped by cores and memory, with a warning
    rows = summary(tmp_path / "out")
    fixtures = {"smith.pdf": "az104-fail-classic", "a b/report.pdf": "az204-fail-twopage",
                "Smith.pdf": "az305-fail-bandwords", "a_b/report.pdf": "sc300-fail-wrapped",
                "scorereport.pdf": "az104-pass-stacked"}
    assert {r["file"] for r in rows} == set(fixtures)
    assert len({r["plan"].casefold() for r in rows}) == len(rows)
    by_file = {r["file"]: r for r in rows}
    assert by_file["smith.pdf"]["plan"] == "smith.retake-plan.pdf"          # kept from the first run
    assert by_file["a b/report.pdf"]["plan"] == "a_b/report.retake-plan.pdf"
    assert by_file["scorereport.pdf"]["plan"] == "AZ-104 study plan 2026-06-23.pdf"
    for r in rows:
        assert who(fixtures[r["file"]]) in first_line(tmp_path / "out" / r["plan"]), r


def test_batch_skips_its_own_outputs_and_writes_only_inside_the_output_folder(tmp_path):
    d = tmp_path / "class"
    put(d / "alice.pdf", "az104-fail-classic")
    put(d / "sub" / "bob.pdf", "az204-fail-twopage")
    first = d / "run1"
    proc = run_cli("batch", str(d), "-r", "-o", str(first), "--jobs", "1")
    assert proc.returncode == 0, proc.stderr
    # second run: the first run's plans and cohort PDF sit inside DIR; a subfolder of OUTDIR is a
    # symlink to a folder elsewhere; summary.csv is taken by a folder
    out = tmp_path / "out"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out.mkdir()
    (out / "sub").symlink_to(elsewhere, target_is_directory=True)
    (out / "summary.csv").mkdir()
    proc = run_cli("batch", str(d), "-r", "-o", str(out), "--jobs", "1", "--html", "--ics", "--plan-json")
    assert_no_traceback(proc)
    rows = {r["file"]: r for r in summary(out)}
    assert set(rows) == {"alice.pdf", "sub/bob.pdf"}, rows          # no row for run1's own PDFs
    assert "run1/cohort.pdf is a cohort summary scorereader wrote" in proc.stderr
    assert "plan scorereader wrote" in proc.stderr
    assert list(elsewhere.iterdir()) == []
    assert rows["sub/bob.pdf"]["status"] == "failed" and "outside the output folder" in rows["sub/bob.pdf"]["error"]
    assert proc.returncode == 5
    assert (out / "summary-2.csv").is_file()
    plan = out / rows["alice.pdf"]["plan"]
    for ext in (".html", ".ics", ".json"):
        assert plan.with_suffix(ext).is_file(), ext
