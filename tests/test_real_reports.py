"""Replicas of the real Microsoft/GitHub score report (fixtures/real/, eras 0, A, B, C) through the
real CLI, and look-alikes of other programmes' reports, which must be refused by name."""
from __future__ import annotations

import json

import pytest

from conftest import FIXTURES, assert_no_traceback, run_cli, validate_report
from expected import compare_report
from scorereader import catalog
from scorereader.interpret import interpret
from scorereader.pipeline import extract

REAL = FIXTURES / "real"
PDFS = sorted(REAL.glob("*.pdf"))
OTHERS = json.loads((REAL / "other" / "expected.json").read_text())


@pytest.fixture(scope="module")
def parsed() -> dict[str, dict]:
    proc = run_cli("parse", "--json", *map(str, PDFS))
    assert_no_traceback(proc)
    return {o["source"]["file"]: o for o in map(json.loads, filter(str.strip, proc.stdout.splitlines()))}


def test_every_era_is_replicated():
    eras = {p.name[1] for p in PDFS}
    assert len(PDFS) >= 14 and eras == {"0", "A", "B", "C"}


@pytest.mark.parametrize("pdf", PDFS, ids=[p.stem for p in PDFS])
def test_real_report(pdf, parsed):
    actual = parsed[pdf.name]
    validate_report(actual)
    expected = json.loads(pdf.with_suffix(".expected.json").read_text())
    diffs = compare_report(actual, expected, perf_tol=0.02)
    assert not diffs, "\n".join(diffs)


@pytest.mark.parametrize("pdf", PDFS, ids=[p.stem for p in PDFS])
def test_expected_follows_the_catalog(pdf):
    """Catalog-dependent expected fields were drawn from the catalog: re-run `make fixtures` when it changes."""
    expected = json.loads(pdf.with_suffix(".expected.json").read_text())
    exam = catalog.get_exam(expected["exam"]["code"])
    if exam is None:
        assert expected["exam"]["outline"] is None
    else:
        assert expected["exam"]["outline"] is not None, "the catalog now knows this exam: run `make fixtures`"
        assert expected["exam"]["title"] == exam.title


def test_fake_bold_and_invisible_labels_are_read_as_printed():
    doc = extract(str(REAL / "rC-az900-fail-2024.pdf"), "pdf")
    words = [w.text for w in doc.pages[0].words]
    assert "AZ-900" in words and "Candidate:" in words
    doc = extract(str(REAL / "rA-70480-fail-2019.pdf"), "pdf")
    texts = " ".join(w.text for w in doc.pages[0].words)
    assert "51%" not in texts  # the white 'Your Score 51%' data label beside the first bar is not content


def test_comparison_column_from_position_when_there_is_no_alt_text():
    doc = extract(str(REAL / "rA-70480-fail-2019.pdf"), "pdf")
    assert all(p.alt is None for page in doc.pages for p in page.pictures)
    r = interpret(doc)
    assert [row.comparison for row in r.rows] == ["opportunity", "strength", "opportunity", "comparable"]


def test_numbered_objectives_are_not_skill_areas(parsed):
    name = "r0-70486-fail-2016.pdf"
    names = [d["printed_name"] for d in parsed[name]["domains"]]
    expected = json.loads((REAL / name).with_suffix(".expected.json").read_text())["domains"]
    assert not any(n[:1].isdigit() for n in names) and len(names) == len(expected) >= 5


@pytest.mark.parametrize("name", sorted(OTHERS))
def test_other_programme_refused_by_name(name):
    proc = run_cli("parse", "--json", str(REAL / "other" / name))
    assert_no_traceback(proc)
    assert proc.returncode == 4
    err = proc.stderr.strip()
    assert OTHERS[name]["programme"] in err and name in err and len(err.splitlines()) == 1
    assert proc.stdout.strip() == ""


def test_outline_without_date_is_the_best_fit_not_the_newest():
    exam = catalog.get_exam("PL-300")
    printed = ["Prepare the data (15-20%)", "Model the data", "Visualize and analyze the data",
               "Deploy and maintain assets"]
    outline, _ = catalog.match_domains(exam, None, printed)
    assert outline.effective.isoformat() == "2021-12-01"


def test_batch_lists_other_programmes_and_comparison_columns(tmp_path):
    import csv
    import shutil

    src = tmp_path / "class"
    src.mkdir()
    for name in ("rB-az104-fail-2022.pdf", "rC-gh300-pass-2025.pdf"):
        shutil.copy(REAL / name, src / name)
    shutil.copy(REAL / "other" / "pega-csa.pdf", src / "scorereport.pdf")
    out = tmp_path / "out"
    proc = run_cli("batch", str(src), "-o", str(out), "--jobs", "1")
    assert_no_traceback(proc)
    assert proc.returncode == 0, proc.stderr
    rows = {r["file"]: r for r in csv.DictReader((out / "summary.csv").read_text(encoding="utf-8-sig").splitlines())}
    other = rows["scorereport.pdf"]
    assert other["status"] == "other_programme" and "Pega" in other["error"] and not other["plan"]
    az = rows["rB-az104-fail-2022.pdf"]
    assert az["AZ-104: Manage Azure identities and governance (vs others)"] == "comparable"
    assert az["AZ-104: Implement and manage storage (vs others)"] == "opportunity for improvement"
    assert not any(k.startswith("GH-300") and k.endswith("(vs others)") for k in az)  # no table on GitHub reports
    assert not list(out.glob("scorereport*retake*")) and "of another programme" in proc.stderr
    again = run_cli("batch", str(src), "-o", str(out), "--jobs", "1")  # from the manifest this time
    assert again.returncode == 0 and "1 of another programme" in again.stderr
    rows = {r["file"]: r for r in csv.DictReader((out / "summary.csv").read_text(encoding="utf-8-sig").splitlines())}
    assert rows["scorereport.pdf"]["status"] == "other_programme"


def test_without_a_date_the_outline_is_chosen_by_names_with_a_warning():
    from scorereader.interpret import Reading, Row
    from scorereader.ir import Document
    from scorereader.normalize import normalize

    names = ["Manage Azure identities and governance (15-20%)", "Implement and manage storage (15-20%)",
             "Deploy and manage Azure compute resources (20-25%)", "Configure and manage virtual networking (25-30%)",
             "Monitor and back up Azure resources (10-15%)"]
    reading = Reading(exam_code="AZ-104", score=640, passing_score=700, passed=False,
                      rows=[Row(printed_name=n.rsplit(" (", 1)[0], weight=None, performance=0.5) for n in names])
    report = normalize(reading, Document("x.pdf", "0" * 64, "pdf-text", 1), "x.pdf")
    assert report.exam.outline == "2021-04-23"  # the 2021 names, not the newest outline
    assert any("Without a readable exam date" in w for w in report.warnings)
