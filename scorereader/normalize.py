"""A `Reading` (what the page says) → the SPEC `Report`: catalog names, weights, bands, warnings.

Values the report does not give stay None with a warning; catalog facts (official names, weight
ranges, the 1–1000 scale) fill in only where they are facts about the exam, never about the person.
"""
from __future__ import annotations

from . import catalog
from .bands import DEFAULT_BASELINE, Band
from .interpret import Reading, Row
from .ir import Document
from .model import Candidate, Domain, ExamRef, Report, Source
from .rules import load


def band_for(p: float, baseline: float) -> str:
    """The band of a performance as it is shown (two decimals, whole percent in the plan): a bar
    measured at 0.6996 reads "0.70" / "70 %", so it is at the 0.70 baseline, not near it."""
    margin = float(load("report")["band_rule"]["near_margin"])
    p = round(p, 2)
    if p >= baseline - 1e-9:
        return Band.ABOVE_BASELINE.value
    if p >= baseline - margin - 1e-9:
        return Band.NEAR_BASELINE.value
    return Band.NEEDS_IMPROVEMENT.value


def default_baseline() -> float:
    return DEFAULT_BASELINE


def normalize(reading: Reading, doc: Document, file_name: str, baseline: float | None = None) -> Report:
    warnings = list(reading.warnings)
    exam = catalog.get_exam(reading.exam_code) if reading.exam_code else None
    if exam is None and reading.exam_code_printed:
        exam = _confused_code(reading, doc, warnings)
    if exam is None and reading.exam_title:
        exam = catalog.find_exam_by_title(reading.exam_title)
    code = exam.code if exam else reading.exam_code
    practice = reading.practice or (reading.score_is_percent and reading.passing_score is None)

    report = Report(
        source=Source(file=file_name, sha256=doc.sha256, method=doc.method, pages=doc.page_count),
        report_type="practice_assessment" if practice else "exam",
        exam=ExamRef(code=code, title=exam.title if exam else reading.exam_title),
        candidate=Candidate(reading.candidate_name, reading.candidate_id, reading.registration_id),
        exam_date=reading.exam_date,
        score=reading.score,
    )
    if practice:
        report.max_score = 100
        if report.score is not None and not 0 <= report.score <= 100:
            warnings.append(f"The overall score {report.score} is not a percentage; it was left out.")
            report.score = None
    else:
        _exam_scores(report, reading, exam, warnings)

    b = baseline if baseline is not None else (default_baseline() if practice else report.baseline)
    report.domains, outline = _domains(reading.rows, exam, reading, b, warnings)
    report.exam.outline = outline
    _check(report, reading, exam, warnings)
    report.warnings = list(dict.fromkeys(warnings))
    return report


def _one_confusion_away(printed: str, code: str, digit_for: dict[str, str], letter_for: dict[str, str]) -> bool:
    """`printed` reads as `code` with exactly one character OCR confuses (rules/report.toml)."""
    if len(printed) != len(code) or printed.upper() == code:
        return False
    diffs = [(p, c) for p, c in zip(printed, code) if p.upper() != c or (p.islower() and p in letter_for)]
    if len(diffs) != 1:
        return False
    p, c = diffs[0]
    return digit_for.get(p) == c if c.isdigit() else letter_for.get(p, p.upper()) == c


def _title_on_page(exam, doc: Document) -> bool:  # noqa: ANN001 - catalog.Exam
    """The exam's title (or another of its titles) is printed somewhere on the report."""
    from rapidfuzz import fuzz

    text = catalog.normalize_name(" ".join(w.text for p in doc.pages for w in p.words))
    return any(fuzz.partial_ratio(catalog.normalize_name(t), text) >= 90 for t in (exam.title, *exam.other_titles))


def _confused_code(reading: Reading, doc: Document, warnings: list[str]):  # noqa: ANN202 - catalog.Exam | None
    """The catalog exam a garbled code stands for: one OCR confusion away from exactly one
    catalog code whose title is on the page too. Otherwise None (the code stays unknown)."""
    conf = load("report")["ocr_confusions"]
    printed = reading.exam_code_printed or ""
    direct = catalog.get_exam(printed)  # the catalog's own spelling rules ("az-1O4")
    codes = sorted(p.stem for p in catalog.EXAMS_DIR.glob("*.toml"))
    near = [c for c in codes if _one_confusion_away(printed, c, conf["digit_for"], conf["letter_for"])]
    exam = direct or (catalog.get_exam(near[0]) if len(near) == 1 else None)
    if exam is None:
        return None
    if not _title_on_page(exam, doc):
        return None
    warnings.append(f"The exam code was read as '{printed}', which is not in the exam catalog; taken as "
                    f"{exam.code} (one OCR letter confusion away, and its title '{exam.title}' is on the page).")
    return exam


def _exam_scores(report: Report, reading: Reading, exam, warnings: list[str]) -> None:
    report.max_score = reading.max_score or (exam.max_score if exam else 1000)
    report.passing_score = reading.passing_score
    if report.passing_score is None and exam is not None:
        report.passing_score = exam.passing_score
        warnings.append(f"The passing score is not printed; used {exam.passing_score}, "
                        f"the published passing score for {exam.code}.")
    if report.score is not None and not 0 <= report.score <= report.max_score:
        warnings.append(f"The score {report.score} is outside the 0–{report.max_score} scale; it was left out.")
        report.score = None
    report.passed = reading.passed
    if report.score is not None and report.passing_score is not None:
        by_score = report.score >= report.passing_score
        if report.passed is None:
            report.passed = by_score
        elif report.passed != by_score:
            warnings.append(f"The score {report.score} and the printed result "
                            f"({'pass' if report.passed else 'fail'}) contradict each other against "
                            f"the passing score {report.passing_score}; the printed result is kept.")


def _domains(rows: list[Row], exam, reading: Reading, b: float, warnings: list[str]):
    outline_date = None
    specs = [None] * len(rows)
    if exam is not None and rows:
        outline, matches = catalog.match_domains(exam, reading.exam_date, [r.printed_name for r in rows])
        specs = [m.spec for m in matches]
        if outline is not None and any(specs):
            outline_date = outline.effective.isoformat()
            if reading.exam_date is None and len(exam.outlines) > 1:
                warnings.append(f"Without a readable exam date, the {exam.code} outline of {outline_date} was "
                                "used because its skill-area names match the report best.")
    domains: list[Domain] = []
    for row, spec in zip(rows, specs):
        if spec is None and exam is not None:
            warnings.append(f"'{row.printed_name}' matched no skill area of {exam.code}'s outline; "
                            "kept as printed.")
        weight = row.weight or ((spec.weight_min, spec.weight_max) if spec else None)
        if row.band is not None:
            band, source = row.band, "printed"
        elif row.performance is not None:
            band, source = band_for(row.performance, b), "derived"
        else:
            warnings.append(f"'{row.printed_name}' has neither a measurable bar nor a printed band; left out.")
            continue
        domains.append(Domain(
            name=spec.name if spec else row.printed_name,
            printed_name=row.printed_name,
            weight_min=weight[0] if weight else None,
            weight_max=weight[1] if weight else None,
            performance=None if row.performance is None else round(row.performance, 3),
            band=band, band_source=source, comparison=row.comparison))
    return domains, outline_date


def _check(report: Report, reading: Reading, exam, warnings: list[str]) -> None:
    if report.exam.code is None:
        warnings.append("No exam code was found.")
    elif exam is None:
        warnings.append(f"{report.exam.code} is not in the exam catalog; skill areas are kept as printed.")
    if report.score is None:
        warnings.append("The score could not be read.")
    if report.exam_date is None:
        warnings.append("The exam date could not be read.")
    if not report.domains:
        warnings.append("No skill areas were found on the report.")
    weights = [(d.weight_min, d.weight_max) for d in report.domains]
    if weights and all(lo is not None for lo, _ in weights):
        lo_sum = sum(lo for lo, _ in weights)
        hi_sum = sum(hi for _, hi in weights)
        if not lo_sum <= 100 <= hi_sum:
            warnings.append(f"The skill-area weights add up to {lo_sum}–{hi_sum} %, which does not cover "
                            "100 %: a skill area may be missing or misread.")
