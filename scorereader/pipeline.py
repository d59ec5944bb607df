"""The pipeline every command uses: file → IR (extract) → Reading (interpret) → Report (normalize)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import budget
from .detect import check_input, sha256_of
from .errors import InputTooLarge, NotAScoreReport, OtherProgramme, OwnOutput, UsageError
from .interpret import Reading, interpret
from .ir import Document
from .limits import MAX_OCR_PAGE_POINTS, MAX_PAGE_POINTS, MAX_PAGES_READ
from .model import Report
from .normalize import normalize

OCR_MODES = ("auto", "always", "never")


@dataclass
class Parsed:
    """Everything one parse produced; the explain view draws from `reading.evidence`."""

    document: Document
    reading: Reading
    report: Report


def extract(path: str, kind: str, ocr: str = "auto") -> Document:
    if kind != "pdf":
        if ocr == "never":
            raise UsageError(f"{path} is an image; it can only be read with OCR (drop --ocr never)")
        from .extract.ocr import extract_image

        _warm_up_while_ocr_runs()
        return extract_image(path)
    from .extract.embedded import read_embedded_charts
    from .extract.pdf_text import extract_pdf_text, has_text_layer, open_pdf

    pdf = open_pdf(path)
    try:
        _check_page_sizes(path, pdf.pages, MAX_PAGE_POINTS, "larger than the PDF format allows")
        first = pdf.pages[: 2]
        text_ok = any(has_text_layer(p) for p in first)
        if ocr == "always" or (ocr == "auto" and not text_ok):
            from .extract.ocr import extract_scanned_pdf

            _warm_up_while_ocr_runs()
            n = min(len(pdf.pages), MAX_PAGES_READ)
            _check_page_sizes(path, pdf.pages[:n], MAX_OCR_PAGE_POINTS,
                              "without a text layer and too large to render for OCR")
            return extract_scanned_pdf(path, n)
        doc = extract_pdf_text(path, sha256_of(path), pdf)
        read_embedded_charts(doc, pdf)  # charts drawn as pictures: bars (and labels) from pixels
        return doc
    finally:
        pdf.close()


def _warm_up() -> None:
    """Import the name matcher and load the report wording (what every parse needs next; the
    interpreter and normalizer are imported with this module)."""
    from .rules import report_wording

    from rapidfuzz import fuzz  # noqa: F401  (catalog name matching)

    report_wording()


def _warm_up_while_ocr_runs() -> None:
    """The OCR path waits ~1 s on Tesseract (a separate single-threaded process): do the imports
    meanwhile instead of after (extract/tesseract.py MEANWHILE)."""
    from .extract import tesseract

    if _warm_up not in tesseract.MEANWHILE:
        tesseract.MEANWHILE.append(_warm_up)


def _check_page_sizes(path: str, pages, limit: float, why: str) -> None:  # noqa: ANN001 - pdfplumber pages
    """Refuse, before any rendering, a page whose width or height exceeds `limit` points."""
    for page in pages:
        w, h = float(page.width), float(page.height)
        if max(w, h) > limit:
            raise InputTooLarge(f"{path}: page {page.page_number} is {w / 72:.0f} × {h / 72:.0f} inches, "
                                f"{why}; the limit is {limit / 72:.0f} inches.")


def parse_file(path: str | Path, *, baseline: float | None = None, ocr: str = "auto",
               seconds: float | None = None) -> Parsed:
    """Read one file within its time and memory budget (scorereader.budget): a hostile file is
    refused with one sentence, and nothing else is affected."""
    if ocr not in OCR_MODES:
        raise UsageError(f"--ocr must be one of {', '.join(OCR_MODES)}")
    path = str(path)
    kind = check_input(path)
    if kind == "pdf":
        from .render.outputs import own_output

        mine = own_output(path)
        if mine is not None:
            raise OwnOutput(f"{path} is a {'cohort summary' if mine['kind'] == 'cohort' else 'plan'} "
                            "scorereader wrote, not a score report; skipped")
    _preload(kind, ocr)
    parsed = budget.run(_parse_checked, path, kind, baseline, ocr, what=path, seconds=seconds)
    if parsed.report.exam.code:  # the child's catalog cache dies with it: warm the parent's for the next file
        from . import catalog

        catalog.get_exam(parsed.report.exam.code)
    return parsed


def _preload(kind: str, ocr: str) -> None:
    """Import in this process what the budgeted child will use, so that every child (a batch
    worker's, one per file) inherits it instead of importing pdfplumber or numpy again."""
    from .extract.guards import install

    install()
    if kind == "pdf":
        from .extract import embedded, pdf_text  # noqa: F401 - pdfplumber, pdfminer
    if kind != "pdf":
        from .extract import ocr as _ocr  # noqa: F401 - numpy, Pillow, pytesseract


def _parse_checked(path: str, kind: str, baseline: float | None, ocr: str) -> Parsed:
    from .extract.guards import install as install_guards

    install_guards()
    doc = extract(path, kind, ocr)
    reading = interpret(doc)
    if reading.programme is not None:
        article = "an" if reading.programme[0] in "AEIO" else "a"
        raise OtherProgramme(f"{path} is {article} {reading.programme} score report; it does not look like a Microsoft or "
                             "GitHub certification report, the only kind scorereader reads.", reading.programme)
    if not _recognizable(reading):
        raise NotAScoreReport(f"{path} was read, but it does not look like a certification score report "
                              "(no exam code with a score, result or skill areas was found)")
    report = normalize(reading, doc, Path(path).name, baseline)
    return Parsed(doc, reading, report)


def _recognizable(r: Reading) -> bool:
    has_exam = r.exam_code is not None or r.exam_title is not None
    return has_exam and (r.score is not None or r.passed is not None or bool(r.rows))


def read_report(path: str | Path, *, baseline: float | None = None, ocr: str = "auto",
                seconds: float | None = None) -> Report:
    return parse_file(path, baseline=baseline, ocr=ocr, seconds=seconds).report
