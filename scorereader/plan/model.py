"""The plan model (SPEC "Plan JSON"). The PDF, HTML and calendar are renderings of it."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .patterns import PatternHit

SCHEMA_VERSION = 1


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _num(x: float) -> float | int:
    """12.0 → 12, 11.5 → 11.5 (JSON reads better, values are unchanged)."""
    return int(x) if float(x).is_integer() else round(x, 2)


@dataclass
class PlanDomain:
    name: str
    band: str | None
    weight_min: int | None
    weight_max: int | None
    performance: float | None
    hours: float
    share: float
    reason: str
    skills: list[str] = field(default_factory=list)
    labs: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    hands_on: bool = False
    in_catalog: bool = False

    @property
    def weight_label(self) -> str:
        if self.weight_min is None or self.weight_max is None:
            return "weight unknown"
        if self.weight_min == self.weight_max:
            return f"{self.weight_min} %"
        return f"{self.weight_min}–{self.weight_max} %"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "band": self.band,
            "weight_min": self.weight_min, "weight_max": self.weight_max,
            "performance": None if self.performance is None else round(self.performance, 3),
            "hours": _num(self.hours), "share": round(self.share, 4), "reason": self.reason,
            "skills": list(self.skills), "labs": list(self.labs),
        }


@dataclass
class StudyBlock:
    domain: str
    hours: float

    def to_json(self) -> dict[str, Any]:
        return {"domain": self.domain, "hours": _num(self.hours)}


@dataclass
class PlanWeek:
    week: int
    start: dt.date
    end: dt.date
    focus: list[str]
    checkpoint: dt.date | None
    blocks: list[StudyBlock] = field(default_factory=list)
    review: bool = False
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "week": self.week, "start": _iso(self.start), "end": _iso(self.end),
            "focus": list(self.focus), "checkpoint": _iso(self.checkpoint),
            "blocks": [b.to_json() for b in self.blocks], "review": self.review, "note": self.note,
        }


@dataclass
class Plan:
    kind: str                      # retake | strengthen | foundation_first
    exam_code: str | None
    exam_title: str | None
    attempt: int
    start: dt.date
    weeks: int
    hours_per_week: float
    total_hours: float
    earliest_retake: dt.date | None
    recommended_exam_date: dt.date | None
    foundation_first: str | None
    domains: list[PlanDomain]
    weeks_plan: list[PlanWeek]
    patterns: list[PatternHit]
    candidate: dict[str, str | None] = field(default_factory=dict)
    report_type: str = "exam"
    exam_date: dt.date | None = None
    score: int | None = None
    passing_score: int | None = None
    max_score: int | None = None
    passed: bool | None = None
    baseline: float = 0.70
    timeline: str = ""
    source_file: str | None = None
    warnings: list[str] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=7 * self.weeks - 1)

    @property
    def top_domains(self) -> list[PlanDomain]:
        """What to fix first: the domains with study time, largest allocation first (max 3)."""
        return [d for d in self.domains if d.hours > 0][:3]

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": self.kind,
            "exam": {"code": self.exam_code, "title": self.exam_title},
            "attempt": self.attempt,
            "start": _iso(self.start),
            "weeks": self.weeks,
            "hours_per_week": _num(self.hours_per_week),
            "total_hours": _num(self.total_hours),
            "earliest_retake": _iso(self.earliest_retake),
            "recommended_exam_date": _iso(self.recommended_exam_date),
            "foundation_first": self.foundation_first,
            "domains": [d.to_json() for d in self.domains],
            "weeks_plan": [w.to_json() for w in self.weeks_plan],
            "patterns": [p.to_json() for p in self.patterns],
            "timeline": self.timeline,
            "report_type": self.report_type,
            "candidate": dict(self.candidate),
            "exam_date": _iso(self.exam_date),
            "score": self.score,
            "passing_score": self.passing_score,
            "max_score": self.max_score,
            "passed": self.passed,
            "baseline": round(self.baseline, 4),
            "source_file": self.source_file,
            "warnings": list(self.warnings),
            "history": list(self.history),
        }
