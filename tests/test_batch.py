"""`scorereader batch DIR`: real files, the real CLI (subprocess), real PDFs read back with pdfplumber."""
from __future__ import annotations

import copy
import csv
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "fixtures"
TEXT = FIX / "text"
BAD = FIX / "bad"
IMAGES = FIX / "images"

pytestmark = pytest.mark.skipif(not TEXT.is_dir() or not BAD.is_dir(),
                                reason="fixtures/text and fixtures/bad are not generated")

GOOD = ["az104-fail-classic", "az104-pass-stacked", "az900-pass-certiport"]
BAD_FILES = ["zero-byte.pdf", "truncated.pdf", "not-a-report.pdf", "notes.txt"]


# --------------------------------------------------------------------------- helpers

def run_batch(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """The real command; with SCOREREADER_TEST_HANG/CRASH in `env`, through tests/faulty_batch.py."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    faulty = any(k.startswith("SCOREREADER_TEST_") for k in env or {})
    command = [sys.executable, str(ROOT / "tests" / "faulty_batch.py")] if faulty else [sys.executable, "-m", "scorereader"]
    return subprocess.run([*command, "batch", *map(str, args)],
                          capture_output=True, text=True, env=full_env, timeout=timeout, cwd=ROOT)


def pdf_text(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "\n".join(p.extract_text() or "" for p in pdf.pages)


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def summary(outdir: Path) -> dict:
    return json.loads((outdir / "summary.json").read_text(encoding="utf-8"))


def expected(name: str) -> dict:
    return json.loads((TEXT / f"{name}.expected.json").read_text(encoding="utf-8"))


def make_report(outdir: Path, name: str, *, candidate: tuple[str, str, str], date: dt.date, score: int,
                bands: str, base: str = "az104-fail-classic") -> Path:
    """A real score-report PDF drawn with the fixture generator (same design as `base`)."""
    sys.path.insert(0, str(FIX))
    try:
        import gen_text
        import scenarios
    finally:
        sys.path.remove(str(FIX))
    sc = copy.deepcopy(next(s for s in scenarios.SCENARIOS if s["name"] == base))
    sc.update(name=name, candidate=candidate, date=date, score=score, passed=score >= 700, bands=bands)
    sc["style"]["labels"]["result"] = "Result: PASS" if score >= 700 else "Result: FAIL"
    outdir.mkdir(parents=True, exist_ok=True)
    pdf = gen_text.build_one(sc, outdir)
    (outdir / f"{name}.expected.json").unlink()
    return pdf


def temp_leftovers(outdir: Path) -> list[Path]:
    return [p for p in outdir.rglob("*") if p.name.endswith(".tmp") or ".tmp" in p.name.split(".")]


# --------------------------------------------------------------------------- a mixed folder

@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """Good reports, a duplicate, bad files and a subfolder; run once with --recursive."""
    d = tmp_path_factory.mktemp("cohort")
    for name in GOOD:
        shutil.copy(TEXT / f"{name}.pdf", d / f"{name}.pdf")
    shutil.copy(TEXT / "az104-fail-classic.pdf", d / "copy of classic.pdf")       # duplicate
    sub = d / "week 2"
    sub.mkdir()
    shutil.copy(TEXT / "az204-fail-twopage.pdf", sub / "az204-fail-twopage.pdf")
    for name in BAD_FILES:
        shutil.copy(BAD / name, sub / name)
    images = sorted(p for p in IMAGES.glob("*") if p.suffix.lower() in (".png", ".jpg", ".jpeg", ".webp", ".tif", ".tiff")) \
        if IMAGES.is_dir() else []
    image_names = []
    if images:
        (d / "photos").mkdir()
        for p in images[:2]:
            shutil.copy(p, d / "photos" / p.name)
            image_names.append(f"photos/{p.name}")
    res = run_batch(d, "--recursive", "--jobs", "2")
    return d, d / "scorereader-out", res, image_names


def test_exit_code_and_one_sentence_per_bad_file(mixed):
    d, out, res, _ = mixed
    assert res.returncode == 5, res.stderr
    assert "Traceback" not in res.stderr
    for name in ("zero-byte.pdf", "truncated.pdf", "not-a-report.pdf"):
        assert f"week 2/{name}" in res.stderr


def test_every_good_file_has_its_plan(mixed):
    d, out, _, _ = mixed
    for name in GOOD:
        plan = out / f"{name}.retake-plan.pdf"
        assert plan.is_file(), plan
        assert expected(name)["exam"]["code"] in pdf_text(plan)
    plan = out / "week_2" / "az204-fail-twopage.retake-plan.pdf"   # folder mirrored, safe name
    assert plan.is_file()
    assert "AZ-204" in pdf_text(plan)
    # the duplicate and the bad files get no plan; nothing half-written anywhere
    assert not list(out.rglob("copy*"))
    assert not list(out.rglob("zero-byte*")) and not list(out.rglob("truncated*"))
    assert temp_leftovers(out) == []


def test_summary_rows(mixed):
    d, out, _, image_names = mixed
    rows = {r["file"]: r for r in read_csv(out / "summary.csv")}
    js = {r["file"]: r for r in summary(out)["rows"]}
    assert set(rows) == set(js)
    for name in GOOD:
        exp = expected(name)
        row, jrow = rows[f"{name}.pdf"], js[f"{name}.pdf"]
        assert row["status"] == jrow["status"] == "ok"
        assert row["exam"] == exp["exam"]["code"]
        assert row["date"] == exp["exam_date"]
        assert int(row["score"]) == jrow["score"] == exp["score"]
        assert row["passed"] == {True: "yes", False: "no"}[exp["passed"]]
        assert jrow["passed"] is exp["passed"]
        assert row["method"] == "pdf-text"
        assert row["error"] == ""
        assert jrow["plan"] == f"{name}.retake-plan.pdf"
        # a band column per domain
        for dom in exp["domains"]:
            col = f"{exp['exam']['code']}: {dom['name']}"
            assert row[col] == dom["band"].replace("_", " ")
    assert rows["copy of classic.pdf"]["status"] == "duplicate"
    assert rows["copy of classic.pdf"]["duplicate_of"] == "az104-fail-classic.pdf"
    assert rows["week 2/az204-fail-twopage.pdf"]["status"] == "ok"
    for name, words in {"zero-byte.pdf": "empty", "truncated.pdf": "PDF",
                        "not-a-report.pdf": "score report"}.items():
        row, jrow = rows[f"week 2/{name}"], js[f"week 2/{name}"]
        assert row["status"] == "failed"
        assert words in row["error"] and f"week 2/{name}" in row["error"]
        assert jrow["exit_code"] == json.loads((BAD / "expected.json").read_text())[name]
        assert row["exam"] == "" and jrow["plan"] is None
    assert "week 2/notes.txt" not in rows       # not a PDF or an image: ignored, and said so
    assert any("ignored" in n for n in summary(out)["notes"])
    for name in image_names:
        assert rows[name]["status"] in ("ok", "failed")
        if rows[name]["status"] == "ok":
            assert rows[name]["method"] == "image-ocr"


def test_cohort_pdf(mixed):
    d, out, _, _ = mixed
    text = pdf_text(out / "cohort.pdf")
    assert "AZ-104" in text and "AZ-900" in text and "AZ-204" in text
    assert "pass rate" in text.lower() and "What to reteach first" in text
    assert "Daniel Okafor" in text


# --------------------------------------------------------------------------- resumable

def test_rerun_does_no_work_and_force_redoes_it(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    for name in GOOD[:2]:
        shutil.copy(TEXT / f"{name}.pdf", d)
    shutil.copy(BAD / "truncated.pdf", d)
    out = tmp_path / "out"
    first = run_batch(d, "-o", out, "--jobs", "2")
    assert first.returncode == 5, first.stderr
    outputs = sorted(p for p in out.rglob("*.pdf"))
    assert len(outputs) == 3  # two plans and the cohort
    mtimes = {p: p.stat().st_mtime_ns for p in outputs}
    time.sleep(0.05)

    second = run_batch(d, "-o", out, "--jobs", "2")
    assert second.returncode == 5
    assert {p: p.stat().st_mtime_ns for p in outputs} == mtimes
    s = summary(out)
    assert s["counts"] == {"ok": 0, "skipped": 2, "failed": 1, "duplicate": 0, "other_programme": 0}
    assert s["run"]["work"] == {"parse": 0, "plan": 0, "cohort": 0}
    assert "up to date" in second.stderr
    rows = {r["file"]: r for r in read_csv(out / "summary.csv")}
    assert rows["az104-fail-classic.pdf"]["status"] == "skipped"
    assert rows["az104-fail-classic.pdf"]["score"] == "652"     # a skipped row still has its data
    assert rows["truncated.pdf"]["status"] == "failed"

    # a changed input is redone, the rest stays
    shutil.copy(TEXT / "az900-pass-certiport.pdf", d / "az104-pass-stacked.pdf")
    third = run_batch(d, "-o", out)
    s = summary(out)
    assert s["run"]["work"]["parse"] == 1 and s["run"]["work"]["plan"] == 1
    assert {r["file"]: r["status"] for r in s["rows"]}["az104-fail-classic.pdf"] == "skipped"
    assert {r["file"]: r["exam"] for r in s["rows"]}["az104-pass-stacked.pdf"] == "AZ-900"
    assert third.returncode == 5

    forced = run_batch(d, "-o", out, "--force")
    assert forced.returncode == 5
    s = summary(out)
    assert s["counts"]["ok"] == 2 and s["counts"]["skipped"] == 0
    assert s["run"]["work"] == {"parse": 3, "plan": 2, "cohort": 1}
    assert (out / "az104-fail-classic.retake-plan.pdf").stat().st_mtime_ns != \
        mtimes[out / "az104-fail-classic.retake-plan.pdf"]


def test_all_good_exits_zero(tmp_path):
    shutil.copy(TEXT / "az900-pass-certiport.pdf", tmp_path)
    res = run_batch(tmp_path, "--jobs", "1")
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "scorereader-out" / "az900-pass-certiport.retake-plan.pdf").is_file()


# --------------------------------------------------------------------------- history

def test_attempt_history(tmp_path):
    d = tmp_path / "reports"
    who = ("Daniel Okafor", "230984571", "498765432")
    make_report(d, "okafor-march", candidate=who, date=dt.date(2026, 3, 2), score=612, bands="NNNMA")
    shutil.copy(TEXT / "az104-fail-classic.pdf", d / "okafor-may.pdf")   # 2026-05-12, 652, bands MANNA
    res = run_batch(d, "--jobs", "2")
    assert res.returncode == 0, res.stderr
    out = d / "scorereader-out"
    rows = {r["file"]: r for r in summary(out)["rows"]}
    first, second = rows["okafor-march.pdf"], rows["okafor-may.pdf"]
    assert first["attempt"] == 1 and first["trend"] is None
    assert second["attempt"] == 2
    assert second["trend"]["previous"] == ["okafor-march.pdf"]
    assert second["trend"]["improved"] == ["Manage Azure identities and governance",
                                           "Implement and manage storage"]
    assert second["trend"]["regressed"] == ["Implement and manage virtual networking"]
    csv_row = {r["file"]: r for r in read_csv(out / "summary.csv")}["okafor-may.pdf"]
    assert csv_row["trend"].startswith("improved: Manage Azure identities and governance")
    assert csv_row["attempt"] == "2"

    text = " ".join(pdf_text(out / "okafor-may.retake-plan.pdf").split())
    assert "attempt 2" in text
    assert "612" in text                     # the earlier attempt's score
    assert "needs improvement → near baseline" in text   # how the bands moved
    assert "near baseline → needs improvement" in text
    # retake policy for a second failed attempt: 14 days after the exam (12 May → 26 May 2026)
    assert "26 May 2026" in text
    text1 = " ".join(pdf_text(out / "okafor-march.retake-plan.pdf").split())
    assert "attempt 1" in text1 and "3 Mar 2026" in text1  # first failure: 24 hours later


# --------------------------------------------------------------------------- spreadsheet injection

def test_csv_injection_is_neutralized(tmp_path):
    evil = '=HYPERLINK("http://evil.example","click")'
    make_report(tmp_path, "evil", candidate=(evil, "9999991", "9999992"), date=dt.date(2026, 5, 12),
                score=652, bands="MANNA")
    res = run_batch(tmp_path, "--jobs", "1")
    assert res.returncode == 0, res.stderr
    out = tmp_path / "scorereader-out"
    row = read_csv(out / "summary.csv")[0]
    assert row["candidate"] == "'" + evil
    raw = (out / "summary.csv").read_text(encoding="utf-8-sig")
    assert ",=HYPERLINK" not in raw and '"=HYPERLINK' not in raw
    assert summary(out)["rows"][0]["candidate"] == evil   # JSON keeps the value as read
    # output names never come from document contents
    assert sorted(p.name for p in out.glob("*.pdf")) == ["cohort.pdf", "evil.retake-plan.pdf"]


# --------------------------------------------------------------------------- unusable input / output

def test_missing_dir_exits_3(tmp_path):
    res = run_batch(tmp_path / "nope")
    assert res.returncode == 3
    assert "does not exist" in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_file_instead_of_dir_exits_3(tmp_path):
    f = tmp_path / "x.pdf"
    shutil.copy(TEXT / "az900-pass-certiport.pdf", f)
    res = run_batch(f)
    assert res.returncode == 3 and "not a folder" in res.stderr


def test_unwritable_outdir_exits_3(tmp_path):
    shutil.copy(TEXT / "az900-pass-certiport.pdf", tmp_path)
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    res = run_batch(tmp_path, "-o", blocker / "out")
    assert res.returncode == 3
    assert "cannot be written" in res.stderr and len(res.stderr.strip().splitlines()) == 1


# --------------------------------------------------------------------------- discovery

def test_symlink_loop_and_broken_link_are_reported_not_fatal(tmp_path):
    shutil.copy(TEXT / "az900-pass-certiport.pdf", tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "gone.pdf").symlink_to(tmp_path / "missing.pdf")
    res = run_batch(tmp_path, "--recursive", "--jobs", "1")
    assert res.returncode == 5, res.stderr
    s = summary(tmp_path / "scorereader-out")
    rows = {r["file"]: r for r in s["rows"]}
    assert rows["az900-pass-certiport.pdf"]["status"] == "ok"
    assert rows["gone.pdf"]["status"] == "failed" and "broken symlink" in rows["gone.pdf"]["error"]
    assert any("loop" in n for n in s["notes"])
    assert len(rows) == 2   # the loop did not make the same file appear twice


# --------------------------------------------------------------------------- robustness

def test_hung_and_crashed_workers_do_not_sink_the_batch(tmp_path):
    shutil.copy(TEXT / "az900-pass-certiport.pdf", tmp_path / "good.pdf")
    data = (TEXT / "az104-fail-classic.pdf").read_bytes()
    (tmp_path / "slow.pdf").write_bytes(data + b"\n%slow\n")
    (tmp_path / "boom.pdf").write_bytes(data + b"\n%boom\n")
    t0 = time.monotonic()
    res = run_batch(tmp_path, "--jobs", "2", "--timeout", "20",
                    env={"SCOREREADER_TEST_HANG": "slow", "SCOREREADER_TEST_CRASH": "boom"})
    assert time.monotonic() - t0 < 150
    assert res.returncode == 5, res.stderr
    rows = {r["file"]: r for r in summary(tmp_path / "scorereader-out")["rows"]}
    assert rows["good.pdf"]["status"] == "ok"
    assert rows["slow.pdf"]["status"] == "failed" and "--timeout" in rows["slow.pdf"]["error"]
    assert rows["boom.pdf"]["status"] == "failed" and "crashed" in rows["boom.pdf"]["error"]
    assert (tmp_path / "scorereader-out" / "good.retake-plan.pdf").is_file()
    # a time-out or crash is not remembered as the file's result: the next run tries again
    again = run_batch(tmp_path, "--jobs", "2", "--timeout", "60")
    assert again.returncode == 0, again.stderr
    assert summary(tmp_path / "scorereader-out")["run"]["work"]["parse"] == 2


def test_ctrl_c_stops_cleanly(tmp_path):
    data = (TEXT / "az104-fail-classic.pdf").read_bytes()
    for i in range(6):
        (tmp_path / f"r{i}.pdf").write_bytes(data + f"\n%{i}\n".encode())
    (tmp_path / "zz-hang.pdf").write_bytes(data + b"\n%hang\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SCOREREADER_TEST_HANG": "plan:hang"}
    proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "faulty_batch.py"), "batch", str(tmp_path), "--jobs", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    manifest = tmp_path / "scorereader-out" / ".scorereader-manifest.json"
    deadline = time.monotonic() + 120
    # wait until plans are being written (the hung plan keeps the batch busy), then press Ctrl-C
    while time.monotonic() < deadline and len(list((tmp_path / "scorereader-out").glob("*.retake-plan.pdf"))) < 2:
        time.sleep(0.1)
    assert proc.poll() is None
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError("batch did not stop after Ctrl-C")
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    out = tmp_path / "scorereader-out"
    assert temp_leftovers(out) == []
    for pdf in out.glob("*.pdf"):
        assert "AZ-104" in pdf_text(pdf)     # finished outputs are whole
    assert not (out / "summary.csv").exists() or read_csv(out / "summary.csv")
    assert manifest.is_file()  # finished work is remembered: a re-run resumes
    done = json.loads(manifest.read_text())
    assert len(done["parses"]) == 7 and len(done["plans"]) >= 2
    again = run_batch(tmp_path, "--jobs", "2")
    assert again.returncode == 0, again.stderr
    s = summary(out)
    assert s["run"]["work"]["parse"] == 0 and s["run"]["work"]["plan"] == 7 - len(done["plans"])


# --------------------------------------------------------------------------- the cohort PDF at class size

def test_cohort_for_thirty_candidates(tmp_path):
    """30 candidates: every name on the heat-map page, domains ranked by how many need improvement."""
    import random

    from scorereader.batch.cohort import cohort_data
    from scorereader.render.cohort import write_cohort_pdf

    rep = json.loads((TEXT / "az104-fail-classic.expected.json").read_text(encoding="utf-8"))
    rng = random.Random(7)
    bands = ["needs_improvement", "near_baseline", "above_baseline"]
    rows = []
    for i in range(30):
        r = copy.deepcopy(rep)
        r["candidate"] = {"name": f"Candidate {i:02d} Lastname", "candidate_id": str(1000 + i),
                          "registration_id": None}
        r["score"] = rng.randint(450, 880)
        r["passed"] = r["score"] >= 700
        for j, dom in enumerate(r["domains"]):
            dom["band"] = "needs_improvement" if j == 2 and i % 4 else rng.choice(bands)
        rows.append({"file": f"c{i}.pdf", "status": "ok", "report": r, "attempt": 1})
    data = cohort_data(rows, title="Cohort: class of 30")
    section = data["exams"][0]
    assert section["n"] == 30
    assert section["domains"][0]["name"] == rep["domains"][2]["name"]   # most needing improvement first
    counts = [d["needs_improvement"] for d in section["domains"]]
    assert counts == sorted(counts, reverse=True)
    out = write_cohort_pdf(data, tmp_path / "cohort.pdf")
    text = pdf_text(out)
    for i in range(30):
        assert f"Candidate {i:02d}" in text
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(out), str(tmp_path / "c")], check=True)
        assert list(tmp_path.glob("c-*.png"))


def test_safe_names():
    from scorereader.batch.discovery import Entry
    from scorereader.batch.naming import plan_names, safe_part

    assert safe_part("../../etc/passwd") == "etc_passwd"
    assert safe_part("résumé report (1)") == "résumé_report_1"
    assert safe_part("...") == "report"
    import hashlib

    def tag(rel):
        return hashlib.sha256(rel.encode()).hexdigest()[:6]

    entries = [Entry(Path("/x/a.pdf"), "a.pdf"), Entry(Path("/x/a.png"), "a.png"),
               Entry(Path("/x/s d/b.pdf"), "s d/b.pdf")]
    names = plan_names(entries)
    # colliding stems: each gets a suffix from its own relative path (stable, whatever else is there)
    assert names == {"a.pdf": f"a-{tag('a.pdf')}.retake-plan.pdf", "a.png": f"a-{tag('a.png')}.retake-plan.pdf",
                     "s d/b.pdf": "s_d/b.retake-plan.pdf"}
    # a name an earlier run gave stays that file's; the newcomer gets the suffix
    names = plan_names(entries, previous={"a.pdf": "a.retake-plan.pdf"})
    assert names["a.pdf"] == "a.retake-plan.pdf" and names["a.png"] == f"a-{tag('a.png')}.retake-plan.pdf"
