"""IR → what the report says (a `Reading`): header fields by label and geometry, skill-area rows.

One interpreter for every source. It knows report *wording* (rules/report.toml) but nothing about
exams; matching names to the catalog and deriving bands happens in `normalize`.
"""
from __future__ import annotations

from .. import parsers
from ..ir import Document
from ..layout import Line, page_lines
from ..rules import norm, report_wording
from .comparison import read_comparison
from .fields import read_fields, split_inline_labels
from .heading import read_exam_heading
from .programme import other_programme
from .reading import LOW_CONFIDENCE, Evidence, Reading, Row
from .rows import bar_rows, excluded_regions, text_rows
from .tagging import tag_segments

__all__ = ["interpret", "Reading", "Row", "Evidence", "LOW_CONFIDENCE"]


def interpret(doc: Document) -> Reading:
    w = report_wording()
    r = Reading(warnings=list(doc.warnings))
    lines: list[Line] = []
    for page in doc.pages:
        lines.extend(page_lines(page))
    split_inline_labels(lines, w)
    tag_segments(lines, w, len(doc.pages), {p.number: p.height for p in doc.pages})
    full_text = "\n".join(ln.text for ln in lines)
    r.programme = other_programme(lines, w)
    r.practice = any(m in norm(full_text) for m in w.practice_markers)
    read_fields(lines, w, r)
    read_exam_heading(lines, r)
    if r.exam_code is None:
        codes = parsers.find_exam_codes(full_text)
        r.exam_code = codes[0] if codes else None
    if r.exam_code is None and r.exam_code_printed is None:
        for ln in lines:  # a garbled code anywhere, with the rest of its line as the title
            garbled = parsers.find_code_like(ln.text)
            if garbled:
                r.exam_code_printed = garbled[0][0]
                r.exam_title = r.exam_title or parsers.clean_name(ln.text[garbled[0][1]:]) or None
                break
    regions = excluded_regions(lines)
    from_bars = bar_rows(doc, lines, w, regions, r)
    bar_pages = {e.page for row in from_bars for e in row.evidence}
    # prose and lists on other pages are never skill areas once the chart has been found
    measured = any(row.performance is not None or row.band is not None for row in from_bars)
    r.rows = from_bars if measured else from_bars + text_rows(lines, w, regions, bar_pages)
    read_comparison(doc, lines, r.rows, w)
    for row in r.rows:
        r.evidence.extend(row.evidence)
    return r
