"""Step 1 of the planner: the exam the candidate will sit, and the skill areas to plan for it.

A report can be for an exam that has since retired (then its successor is the target, with the old
results carried over where the catalog maps an old area to a new one) or follow an outline that has
since changed (then the current outline's names and weights are planned, with the results carried
over by area key). The output is a list of typed `Row`s the later steps work on.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable

from ..bands import RANK
from ..model import Domain, Report
from .words import fmt_day

NO_DOMAINS_NAME = "Whole exam (the report lists no skill areas)"
BAND_RANK = RANK

Lookup = Callable[[str | None], Any]


@dataclass
class Row:
    """One skill area of the target exam as the planner sees it."""

    name: str
    band: str | None                 # the report's band (carried over), or None
    weight_min: int | None
    weight_max: int | None
    performance: float | None
    comparison: str | None = None
    spec: Any = None                 # the catalog DomainSpec, when known
    was: str | None = None           # the report's name when the area was renamed or mapped
    new: bool = False                # no result on the report for this area: new material
    tags: frozenset[str] = frozenset()
    hands_on: bool = False
    # filled by the allocation step
    rule_key: str = "unknown"
    weight: float = 0.0
    raw: float = 0.0
    units: int = 0

    @property
    def mid(self) -> float | None:
        if self.weight_min is None or self.weight_max is None:
            return None
        return (self.weight_min + self.weight_max) / 2


@dataclass
class Target:
    """What the plan is for: the exam to sit, its outline, and the areas to plan."""

    code: str | None
    title: str | None
    exam: Any                        # catalog Exam of the target, or None
    outline: Any                     # catalog Outline planned against, or None
    rows: list[Row]
    notices: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    bookable: bool = True            # False: retired without successor
    new_exam: bool = False           # the successor: a first attempt, no retake-policy wait
    retires: dt.date | None = None   # the target retires later (notice when before the plan ends)

    @property
    def level(self) -> str:
        return getattr(self.exam, "level", None) or "unknown"


def _row(d: Domain, spec: Any) -> Row:
    return Row(name=d.name, band=d.band, weight_min=d.weight_min, weight_max=d.weight_max,
               performance=d.performance, comparison=d.comparison, spec=spec)


def _from_spec(spec: Any, source: Domain | None, *, renamed_from: str | None = None) -> Row:
    """A row with the target outline's name and weights; the report's result when it maps."""
    if source is None:
        return Row(name=spec.name, band=None, weight_min=spec.weight_min, weight_max=spec.weight_max,
                   performance=None, spec=spec, new=True)
    return Row(name=spec.name, band=source.band, weight_min=spec.weight_min, weight_max=spec.weight_max,
               performance=source.performance, comparison=source.comparison, spec=spec,
               was=renamed_from if renamed_from and renamed_from != spec.name else None)


def key_of(exam: Any, name: str, first: Any = None) -> str | None:
    """The stable area key of a printed name in any outline version of `exam` (`first` tried first)."""
    outlines = [first] if first is not None else []
    outlines += [o for o in reversed(tuple(getattr(exam, "outlines", ()) or ())) if o is not first]
    for outline in outlines:
        spec = outline.domain(name)
        if spec is not None:
            return spec.key
    return None


def report_outline(exam: Any, report: Report) -> Any:
    """The outline the report's areas were matched to (by date when the report names none)."""
    outlines = tuple(getattr(exam, "outlines", ()) or ())
    if report.exam.outline:
        for outline in outlines:
            if outline.effective.isoformat() == report.exam.outline:
                return outline
    return exam.outline_on(report.exam_date) if outlines else None


def _worst(domains: list[Domain]) -> Domain:
    return min(domains, key=lambda d: (BAND_RANK.get(d.band, 3), d.performance if d.performance is not None else 2))


def _map_onto(outline: Any, report: Report, key_for: Callable[[Domain], str | None]) -> tuple[list[Row], list[str]]:
    """Rows of `outline`, each with the report's (weakest) result for the areas that map to it."""
    by_key: dict[str, list[Domain]] = {}
    unmapped: list[str] = []
    for d in report.domains:
        key = key_for(d)
        if key is None:
            unmapped.append(d.name)
        else:
            by_key.setdefault(key, []).append(d)
    rows = []
    for spec in outline.domains:
        sources = by_key.get(spec.key, [])
        source = _worst(sources) if sources else None
        rows.append(_from_spec(spec, source, renamed_from=source.name if source else None))
    return rows, unmapped


def _report_rows(report: Report, exam: Any, outline: Any) -> list[Row]:
    rows = []
    for d in report.domains:
        spec = None
        if exam is not None:
            spec = outline.domain(d.name) if outline is not None else None
            if spec is None:
                spec = next((o.domain(d.name) for o in reversed(exam.outlines) if o.domain(d.name)), None)
        rows.append(_row(d, spec))
    return rows


def _no_domain_rows(outline: Any, warnings: list[str]) -> list[Row]:
    specs = tuple(getattr(outline, "domains", ()) or ()) if outline is not None else ()
    if specs:
        warnings.append("The report lists no skill areas: study time follows the exam outline's weights.")
        return [Row(name=s.name, band=None, weight_min=s.weight_min, weight_max=s.weight_max,
                    performance=None, spec=s) for s in specs]
    warnings.append("The report lists no skill areas and the exam outline is unknown: "
                    "the plan is a whole-exam review.")
    return [Row(name=NO_DOMAINS_NAME, band=None, weight_min=None, weight_max=None, performance=None)]


def _successor(exam: Any, day: dt.date, lookup: Lookup) -> tuple[str | None, Any]:
    """The live exam that replaces a retired one (following a chain of successors)."""
    code, found, seen = exam.successor, None, {exam.code}
    while code and code not in seen:
        seen.add(code)
        found = lookup(code)
        if found is None or not (found.retired and found.successor and found.retired <= day):
            break
        code = found.successor
    return code, found


def resolve_target(report: Report, exam: Any, day: dt.date, lookup: Lookup, rules: dict[str, Any],
                   today: dt.date | None = None) -> Target:
    """The exam to sit on `day` (the planned exam date) and the rows to plan for it; `today` (the
    plan's start) decides the tense of the notices."""
    today = today or day
    notes = rules["notices"]
    code = report.exam.code
    if exam is None:
        warnings = []
        if code:
            warnings.append(f"{code} is not in the exam catalog: no official sub-skills or labs, "
                            "and the area types were guessed from their names.")
        rows = _report_rows(report, None, None) or _no_domain_rows(None, warnings)
        return Target(code, report.exam.title, None, None, rows, warnings=warnings)

    title = report.exam.title or exam.title
    old_outline = report_outline(exam, report)
    if exam.retired and exam.retired <= day:
        when = fmt_day(exam.retired)
        tense = "retired" if exam.retired <= today else "retires"
        if not exam.successor:
            rows = _report_rows(report, exam, old_outline) or _no_domain_rows(old_outline, [])
            return Target(None, None, exam, old_outline, rows, bookable=False,
                          notices=[notes["retired_none"].format(code=code, date=when, retired=tense)])
        succ_code, succ = _successor(exam, day, lookup)
        if succ is None:
            rows = _report_rows(report, exam, old_outline) or _no_domain_rows(old_outline, [])
            # the old exam stands in for level and foundation; the target's outline is unknown
            return Target(succ_code, None, exam, None, rows, new_exam=True, notices=[
                notes["retired_successor_unknown"].format(code=code, date=when, successor=succ_code, retired=tense)])
        outline = succ.outline_on(day)
        notices = [notes["retired_successor"].format(code=code, date=when, successor=succ.code,
                                                     title=f" ({succ.title})",
                                                     retired=tense)]
        mapping = exam.successor_areas if succ.code == exam.successor else {}
        if not mapping:
            notices.append(notes["retired_successor_unmapped"].format(code=code, successor=succ.code))
        rows, _ = _map_onto(outline, report, lambda d: mapping.get(key_of(exam, d.name, old_outline) or ""))
        return Target(succ.code, succ.title, succ, outline, rows, notices=notices, new_exam=True,
                      retires=succ.retired)

    current = exam.outline_on(day)
    warnings: list[str] = []
    notices: list[str] = []
    if not report.domains:
        rows = _no_domain_rows(current, warnings)
    elif old_outline is not None and current is not old_outline and report.exam.outline:
        notices.append(notes["stale_outline"].format(old=fmt_day(old_outline.effective), code=code,
                                                     new=fmt_day(current.effective)))
        rows, unmapped = _map_onto(current, report, lambda d: key_of(exam, d.name, old_outline))
        for name in unmapped:
            warnings.append(f"“{name}” is not an area of the current {code} outline; it is left out of the plan.")
    else:
        rows = _report_rows(report, exam, old_outline)
    outline = current if notices or not report.domains else old_outline
    return Target(exam.code, title, exam, outline, rows, notices=notices, warnings=warnings, retires=exam.retired)
