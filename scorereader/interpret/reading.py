"""What a report says, before it meets the catalog: fields, skill-area rows, and the evidence
(page boxes) each came from, which the explain view draws."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..ir import Box

LOW_CONFIDENCE = 60.0  # OCR word confidence below which a value is not trusted


@dataclass(frozen=True)
class Evidence:
    page: int
    box: Box
    label: str


@dataclass
class Row:
    """One skill area as printed."""

    printed_name: str
    weight: tuple[int, int] | None = None
    performance: float | None = None
    band: str | None = None  # a printed band word, as the SPEC's band id
    comparison: str | None = None  # the comparison table's verdict (SPEC comparison ids)
    evidence: list[Evidence] = field(default_factory=list)
    label_segs: list = field(default_factory=list, repr=False, compare=False)  # layout Segments of the label


@dataclass
class Reading:
    exam_code: str | None = None
    exam_code_printed: str | None = None  # a code-like token that is not a well-formed code ("5C-300")
    exam_title: str | None = None
    candidate_name: str | None = None
    candidate_id: str | None = None
    registration_id: str | None = None
    exam_date: dt.date | None = None
    score: int | None = None
    max_score: int | None = None
    passing_score: int | None = None
    passed: bool | None = None
    practice: bool = False
    programme: str | None = None  # another certification programme named in the title (not ours)
    score_is_percent: bool = False
    rows: list[Row] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
