"""The plan model (SPEC "Plan JSON"). The PDF, HTML and calendar are renderings of it."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..bands import DEFAULT_BASELINE, Band
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
    comparison: str | None = None   # opportunity | comparable | strength (the report's comparison table)
    was: str | None = None          # the report's name, when the current outline renamed or mapped it
    new: bool = False               # no result on the report: new material

    @property
    def needs_work(self) -> bool:
        """Fix-first material: a weak or near-baseline result, or new material."""
        return self.band in (Band.NEEDS_IMPROVEMENT, Band.NEAR_BASELINE) or self.new

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
            "comparison": self.comparison, "was": self.was, "new": self.new,
        }


@dataclass
class StudyBlock:
    domain: str
    hours: float
    revisit: bool = False   # a spaced return to an area studied in an earlier week

    def to_json(self) -> dict[str, Any]:
        return {"domain": self.domain, "hours": _num(self.hours), "revisit": self.revisit}


@dataclass
class PlanWeek:
    week: int
    start: dt.date
    end: dt.date
    focus: list[str]
    checkpoint: dt.date | None
    blocks: list[StudyBlock] = field(default_factory=list)
    review: list[str] = field(default_factory=list)   # areas revisited this week
    milestone: str | None = None                       # practice_assessment | mock_exam | None
    checkpoint_task: str = ""                          # what the checkpoint asks, with a box for the score
    final_review: bool = False                         # the last week: full review and the mock exam
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "week": self.week, "start": _iso(self.start), "end": _iso(self.end),
            "focus": list(self.focus), "review": list(self.review), "milestone": self.milestone,
            "checkpoint": _iso(self.checkpoint), "checkpoint_task": self.checkpoint_task,
            "final_review": self.final_review, "blocks": [b.to_json() for b in self.blocks], "note": self.note,
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
    baseline: float = DEFAULT_BASELINE
    timeline: str = ""
    source_file: str | None = None
    warnings: list[str] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    target_code: str | None = None
    target_title: str | None = None
    target_outline: dt.date | None = None
    level: str = "unknown"
    notices: list[str] = field(default_factory=list)   # shown first: retirement, stale report, too few hours
    readiness: str | None = None                       # the booking gate
    checkpoint_rule: str = ""                          # the seed's "still missing basics → extend" rule
    recommended_note: str = ""                         # why the recommended date is that day
    next_step: str | None = None                       # a pass: the certification that builds on this one
    renewal: str | None = None                         # a pass: the renewal rule of this level
    first_attempt: dt.date | None = None

    @property
    def end(self) -> dt.date:
        """The last study day (weeks follow the calendar, so the first week may be longer)."""
        if self.weeks_plan:
            return self.weeks_plan[-1].end
        return self.start + dt.timedelta(days=7 * self.weeks - 1)

    @property
    def top_domains(self) -> list[PlanDomain]:
        """What to fix first: areas that need work and have study time, largest allocation first (max 3).
        An above-baseline area is never on this list."""
        return [d for d in self.domains if d.hours > 0 and d.needs_work][:3]

    @property
    def earliest_is_past(self) -> bool:
        """The retake wait is already over when the plan starts: shown as "now"."""
        return self.earliest_retake is not None and self.earliest_retake <= self.start

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": self.kind,
            "exam": {"code": self.exam_code, "title": self.exam_title},
            "target": {"code": self.target_code, "title": self.target_title, "outline": _iso(self.target_outline)},
            "notices": list(self.notices),
            "readiness": self.readiness,
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
            "level": self.level,
            "checkpoint_rule": self.checkpoint_rule,
            "recommended_note": self.recommended_note,
            "next_step": self.next_step,
            "renewal": self.renewal,
            "first_attempt": _iso(self.first_attempt),
        }
