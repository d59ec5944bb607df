"""The normalized score-report model (SPEC "Model and JSON output"). Unknown values are None."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .bands import DEFAULT_BASELINE

SCHEMA_VERSION = 1
# What the report's "How Your Performance Compares to Those Who Have Taken this Exam" table says
# for an area (Opportunity for Improvement | Comparable | Strength).
COMPARISONS = ("opportunity", "comparable", "strength")


@dataclass
class Source:
    file: str
    sha256: str
    method: str  # pdf-text | pdf-ocr | image-ocr
    pages: int


@dataclass
class ExamRef:
    code: str | None = None
    title: str | None = None
    outline: str | None = None  # effective date (ISO) of the catalog outline matched


@dataclass
class Candidate:
    name: str | None = None
    candidate_id: str | None = None
    registration_id: str | None = None


@dataclass
class Domain:
    name: str
    printed_name: str | None
    weight_min: int | None
    weight_max: int | None
    performance: float | None
    band: str
    band_source: str  # printed | derived
    comparison: str | None = None  # one of COMPARISONS, or None when the report has no such table

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "printed_name": self.printed_name,
            "weight_min": self.weight_min,
            "weight_max": self.weight_max,
            "performance": None if self.performance is None else round(self.performance, 3),
            "band": self.band,
            "band_source": self.band_source,
            "comparison": self.comparison,
        }


@dataclass
class Report:
    source: Source
    report_type: str = "exam"  # exam | practice_assessment
    vendor: str = "microsoft"
    exam: ExamRef = field(default_factory=ExamRef)
    candidate: Candidate = field(default_factory=Candidate)
    exam_date: dt.date | None = None
    score: int | None = None
    passing_score: int | None = None
    max_score: int | None = None
    passed: bool | None = None
    domains: list[Domain] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def baseline(self) -> float:
        """b = passing ÷ max, the default baseline (0.70) when unknown (SPEC)."""
        if self.passing_score and self.max_score:
            return self.passing_score / self.max_score
        return DEFAULT_BASELINE

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "source": {"file": self.source.file, "sha256": self.source.sha256,
                       "method": self.source.method, "pages": self.source.pages},
            "report_type": self.report_type,
            "vendor": self.vendor,
            "exam": {"code": self.exam.code, "title": self.exam.title, "outline": self.exam.outline},
            "candidate": {"name": self.candidate.name, "candidate_id": self.candidate.candidate_id,
                          "registration_id": self.candidate.registration_id},
            "exam_date": self.exam_date.isoformat() if self.exam_date else None,
            "score": self.score,
            "passing_score": self.passing_score,
            "max_score": self.max_score,
            "passed": self.passed,
            "domains": [d.to_json() for d in self.domains],
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Report":
        date = data.get("exam_date")
        return cls(
            source=Source(**data["source"]),
            report_type=data["report_type"],
            vendor=data.get("vendor", "microsoft"),
            exam=ExamRef(**data["exam"]),
            candidate=Candidate(**data["candidate"]),
            exam_date=dt.date.fromisoformat(date) if date else None,
            score=data["score"],
            passing_score=data["passing_score"],
            max_score=data["max_score"],
            passed=data["passed"],
            domains=[Domain(**d) for d in data["domains"]],
            warnings=list(data.get("warnings", [])),
        )
