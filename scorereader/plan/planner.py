"""Report → Plan, in named steps. Pure: no I/O beyond the packaged rules and the catalog lookup.

1. target     — the exam the candidate will sit and its areas (plan/target.py)
2. effort     — kind, timeline, weeks and hours per week from the exam level (here)
3. allocation — hours per area (plan/allocate.py)
4. dates      — retake policy, start, recommended date (here and plan/retake.py)
5. schedule   — calendar weeks, revisits, milestones, checkpoints (plan/schedule.py)
6. advice     — patterns, readiness gate, next step and notices (here and plan/patterns.py)

Every number and threshold comes from scorereader/rules/plan.toml; this module only evaluates it.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from ..model import Report
from .allocate import allocate, prepare
from .model import Plan, PlanDomain
from .patterns import Fact, evaluate
from .retake import add_months, earliest_retake
from .rules import load_rules
from .schedule import build_weeks, calendar_weeks
from .target import NO_DOMAINS_NAME, Row, Target, resolve_target
from .words import fmt_day, join_names

__all__ = ["PlanOptions", "build_plan", "current_foundation", "NO_DOMAINS_NAME"]


@dataclass
class PlanOptions:
    start: dt.date | None = None           # default: today
    weeks: int | None = None               # default: from the timeline rules and the exam level
    hours_per_week: float | None = None    # default: from the exam level
    attempt: int | None = None             # default: 1, or 1 + the earlier failed attempts in history
    first_attempt: dt.date | None = None   # first attempt of the 12-month window (5th failure rule)
    history: Sequence[Report] = field(default_factory=list)  # earlier reports, same candidate/exam


@dataclass
class Effort:
    kind: str
    weeks: int
    hours_per_week: float
    timeline: str
    foundation: str | None
    notices: list[str]


# --------------------------------------------------------------------------- catalog access

def _default_catalog(code: str | None) -> Any:
    if not code:
        return None
    from ..catalog import get_exam

    return get_exam(code)


def _default_listing() -> list[Any]:
    from ..catalog import all_exams

    return all_exams()


def current_foundation(code: str | None, on_day: dt.date, lookup=_default_catalog) -> str | None:
    """The foundation exam to book now: a retired one (MS-900, AI-900) gives way to its successor."""
    seen: set[str] = set()
    while code and code not in seen:
        seen.add(code)
        exam = lookup(code)
        retired = getattr(exam, "retired", None)
        successor = getattr(exam, "successor", None)
        if not (retired and successor and retired <= on_day):
            break
        code = successor
    return code


def _fallback_tags(name: str, rules: dict[str, Any]) -> tuple[frozenset[str], bool]:
    table = dict(rules["fallback_tags"])
    hands_on_tags = set(table.pop("hands_on", {}).get("tags", []))
    low = name.lower()
    tags = frozenset(tag for tag, words in table.items() if any(w in low for w in words))
    return tags, bool(tags & hands_on_tags)


def _report_passed(report: Report) -> bool | None:
    if report.report_type == "practice_assessment":
        if report.score is not None:
            return report.score / (report.max_score or 100) >= report.baseline
        if report.domains and all(d.performance is not None for d in report.domains):
            return all(d.band == "above_baseline" for d in report.domains)
        return None
    if report.passed is not None:
        return report.passed
    if report.score is not None and report.passing_score is not None:
        return report.score >= report.passing_score
    return None


# --------------------------------------------------------------------------- step 2: effort

def _effort(rows: list[Row], real: bool, passed: bool | None, target: Target, options: PlanOptions,
            start: dt.date, lookup: Callable, rules: dict[str, Any]) -> Effort:
    severity = rules["severity"]
    level = rules["levels"][target.level]
    weak = sum(1 for r in rows if r.rule_key == "needs_improvement") if real else 0
    foundation = getattr(target.exam, "foundation", None)
    foundation = current_foundation(foundation, start, lookup) if foundation else None
    all_weak = real and weak == len(rows) and len(rows) >= int(rules["foundation"]["min_domains"])
    if passed:
        kind, timeline_kind = "strengthen", "strengthen"
    elif all_weak and foundation and target.bookable:   # "then return to X" needs an X to return to
        kind, timeline_kind = "foundation_first", "foundation_first"
    elif all_weak:
        kind, timeline_kind = "retake", "runway"
    else:
        kind, timeline_kind = "retake", "retake"
    rule = next(t for t in rules["timeline"]
                if t["kind"] == timeline_kind and t.get("weak_min", 0) <= weak <= t.get("weak_max", 10 ** 6))
    total_w = sum(r.weight for r in rows)
    pressure = sum(float(severity[r.rule_key]) * r.weight for r in rows) / total_w if total_w else 0.5
    base_weeks = rule["weeks_min"] + round((rule["weeks_max"] - rule["weeks_min"]) * pressure)
    default_weeks = max(int(rules["weeks"]["review_from_weeks"]), round(base_weeks * float(level["weeks_scale"])))
    weeks = options.weeks or default_weeks
    hpw = float(options.hours_per_week) if options.hours_per_week is not None else float(level["hours_per_week"])
    timeline = rule["label"].format(weak=weak, s="" if weak == 1 else "s", verb_s="s" if weak == 1 else "",
                                    foundation=foundation or "fundamentals")
    if float(level["weeks_scale"]) != 1.0 and not options.weeks:
        timeline += f"; a {target.level} exam: {default_weeks} weeks"
    if options.weeks:
        timeline += f" (set to {weeks} week{'s' if weeks != 1 else ''})"
    notices = []
    suggested = default_weeks * float(level["hours_per_week"])
    effort = rules["effort"]
    if kind != "strengthen" and weeks * hpw < float(effort["too_few_fraction"]) * suggested:
        notices.append(effort["too_few"].format(total=f"{weeks * hpw:g}", suggested=f"{suggested:g}",
                                                hpw=f"{float(level['hours_per_week']):g}", weeks=default_weeks))
    if weeks < int(rules["weeks"]["review_from_weeks"]):
        notices.append(rules["weeks"]["one_week_notice"])
    return Effort(kind, weeks, hpw, timeline, foundation, notices)


# --------------------------------------------------------------------------- step 3: the plan's areas

def _reason(r: Row, hours: float, practice: bool, rules: dict[str, Any]) -> str:
    reasons = rules["reasons"]
    if r.weight_min is None or r.weight_max is None:
        area = reasons["weight_unknown"]
    else:
        label = f"{r.weight_min} %" if r.weight_min == r.weight_max else f"{r.weight_min}–{r.weight_max} %"
        area = f"{'an' if label.startswith(('8', '11', '18')) else 'a'} {label} area"
    if r.performance is None:
        perf = ""
    elif practice:
        perf = f", {round(r.performance * 100)} % correct"
    else:
        perf = f", bar at {round(r.performance * 100)} %"
    cmp = reasons["comparison"].get(r.comparison, "") if r.comparison else ""
    template = reasons["zero" if hours == 0 and r.rule_key == "above_baseline" else r.rule_key]
    text = template.format(area=area, perf=perf, cmp=cmp)
    return text + (reasons["renamed"].format(old=r.was) if r.was else "")


def _domains(rows: list[Row], step: float, total_hours: float, practice: bool, rules: dict[str, Any]) -> list[PlanDomain]:
    severity = rules["severity"]
    rows.sort(key=lambda r: (-r.units, -float(severity[r.rule_key]), -r.weight, r.name))
    out = []
    for r in rows:
        hours = r.units * step
        spec = r.spec
        out.append(PlanDomain(
            name=r.name, band=r.band, weight_min=r.weight_min, weight_max=r.weight_max,
            performance=r.performance, hours=hours, share=hours / total_hours if total_hours else 0.0,
            reason=_reason(r, hours, practice, rules),
            skills=list(getattr(spec, "skills", ()) or ()), labs=list(getattr(spec, "labs", ()) or ()),
            tags=sorted(r.tags), hands_on=r.hands_on, in_catalog=spec is not None,
            comparison=r.comparison, was=r.was, new=r.new))
    return out


# --------------------------------------------------------------------------- step 4: dates

def _attempt(report: Report, options: PlanOptions) -> tuple[int, dt.date | None, list[Report]]:
    history = sorted((h for h in options.history if h.exam_date), key=lambda h: h.exam_date)
    attempt = options.attempt or 1 + sum(1 for h in history if h.passed is False
                                         and (report.exam_date is None or h.exam_date < report.exam_date))
    first = options.first_attempt or (history[0].exam_date if history else
                                      (report.exam_date if attempt == 1 else None))
    return attempt, first, history


# --------------------------------------------------------------------------- step 6: advice

def _next_step(target: Target, start: dt.date, listing: Callable[[], list[Any]],
               rules: dict[str, Any]) -> tuple[str | None, str | None]:
    """A pass: the live certifications that build on this one, and the renewal rule."""
    ns = rules["next_step"]
    code = target.code
    nexts = []
    for exam in listing() if code else []:
        live = not (exam.retired and exam.retired <= start)
        builds = getattr(exam, "prerequisite", None) == code or (
            target.level == "fundamentals" and getattr(exam, "foundation", None) == code)
        if live and builds and exam.code != code:
            nexts.append(exam.code)
    text = ns["next_cert"].format(exams=join_names(nexts[:4]), s="s" if len(nexts) == 1 else "") \
        if nexts else ns["no_next_cert"]
    return text, ns["renewal"].get(target.level)


# --------------------------------------------------------------------------- the planner

def build_plan(
    report: Report,
    options: PlanOptions | None = None,
    *,
    rules: dict[str, Any] | None = None,
    catalog: Callable[[str | None], Any] | None = None,
    listing: Callable[[], list[Any]] | None = None,
) -> Plan:
    """Plan the retake (or the strengthening, or the successor exam) for one report."""
    options = options or PlanOptions()
    rules = rules or load_rules()
    lookup = catalog or _default_catalog
    listing = listing or (_default_listing if catalog is None else (lambda: []))
    step = float(rules["allocation"]["step_hours"])
    if options.hours_per_week is not None:
        hpw = float(options.hours_per_week)
        if not hpw > 0 or not math.isclose(hpw / step, round(hpw / step)):
            raise ValueError(f"hours per week must be a positive multiple of {step:g}")
    if options.weeks is not None and not 1 <= options.weeks <= 104:
        raise ValueError("weeks must be between 1 and 104")
    start = options.start or dt.date.today()
    exam = lookup(report.exam.code)
    # The outline (and whether the exam still exists) on the day the candidate will sit it: plan once
    # from the start day, and again when that day turns out to fall under another outline.
    plan = _plan(report, options, exam, start, start, rules, lookup, listing, step)
    day = plan.recommended_exam_date
    if day and exam is not None and _changes_on(exam, start, day):
        plan = _plan(report, options, exam, start, day, rules, lookup, listing, step)
    return plan


def _changes_on(exam: Any, start: dt.date, day: dt.date) -> bool:
    retired = bool(exam.retired and start < exam.retired <= day)
    return retired or exam.outline_on(start) is not exam.outline_on(day)


def _plan(report: Report, options: PlanOptions, exam: Any, start: dt.date, day: dt.date,
          rules: dict[str, Any], lookup: Callable, listing: Callable, step: float) -> Plan:
    # 1. target
    target = resolve_target(report, exam, day, lookup, rules, today=start)
    rows = target.rows
    warnings = list(target.warnings)
    notices = list(target.notices)
    if report.exam_date and add_months(report.exam_date, 12) < start:
        months = (start.year - report.exam_date.year) * 12 + start.month - report.exam_date.month
        notices.append(rules["notices"]["old_report"].format(date=fmt_day(report.exam_date), months=months))
    for r in rows:
        if r.spec is not None:
            r.tags, r.hands_on = frozenset(getattr(r.spec, "tags", ()) or ()), bool(getattr(r.spec, "hands_on", False))
        else:
            r.tags, r.hands_on = _fallback_tags(r.name, rules)
    warnings += prepare(rows, rules)
    real = bool(report.domains)
    passed = _report_passed(report)
    if passed is None:
        warnings.append("Pass or fail is unknown: planned as a retake.")
    if target.exam is None and real and rows and all(r.rule_key == "needs_improvement" for r in rows) \
            and target.bookable and exam is None:
        warnings.append("Every area needs improvement; consider the fundamentals exam of this track first.")

    # 2. effort
    effort = _effort(rows, real, passed, target, options, start, lookup, rules)
    notices += effort.notices
    kind, weeks, hpw = effort.kind, effort.weeks, effort.hours_per_week
    if not math.isclose(hpw / step, round(hpw / step)):
        raise ValueError(f"hours per week must be a positive multiple of {step:g}")
    total_hours = weeks * hpw

    # 3. allocation
    allocate(rows, round(total_hours / step), report.baseline, kind == "strengthen", rules)
    practice = report.report_type == "practice_assessment"
    domains = _domains(rows, step, total_hours, practice, rules)

    # 4. dates
    attempt, first, history = _attempt(report, options)
    earliest = None
    if practice:
        warnings.append("Practice assessments can be retaken at any time; the retake policy applies to the exam itself.")
    elif target.new_exam or not target.bookable:
        earliest = None   # a new exam is a first attempt; a retired one cannot be booked
    else:
        earliest, more = earliest_retake(report.exam_date, attempt, passed, first_attempt=first, rules=rules)
        warnings.extend(more)
    end = calendar_weeks(start, weeks, rules)[-1].end
    if earliest and options.start is None and (earliest - end).days > 28:
        start = earliest - dt.timedelta(days=7 * weeks)   # the 12-month wait: study right before it
        start -= dt.timedelta(days=start.weekday())        # on a Monday
        end = calendar_weeks(start, weeks, rules)[-1].end
        notices.append(rules["notices"]["start_moved"].format(date=fmt_day(earliest)))
    elif earliest and (earliest - end).days > 28:
        notices.append(rules["notices"]["wait_after_plan"].format(date=fmt_day(earliest),
                                                                  gap=(earliest - end).days // 7))
    recommended: dt.date | None = end + dt.timedelta(days=1)
    note = "for the next certification" if kind == "strengthen" else "after the last study week and its mock exam"
    if earliest and recommended < earliest:
        recommended, note = earliest, f"the earliest allowed retake (attempt {attempt})"
    if not target.bookable:
        recommended, note = None, "no exam to book: it has retired"
    if target.retires and recommended and start <= target.retires < recommended:
        notices.append(rules["notices"]["retiring_before"].format(code=target.code, date=fmt_day(target.retires),
                                                                  successor=getattr(target.exam, "successor", None)
                                                                  or "its successor"))

    # 5. schedule (in the order of `domains`, which `rows` now follows)
    weeks_plan = build_weeks(rows, start, weeks, hpw, step, kind, rules,
                             foundation=effort.foundation, exam_code=target.code or report.exam.code)

    # 6. advice
    facts = [Fact(r.name, r.band, r.weight_min, r.weight_max, r.tags, r.hands_on,
                  tuple(getattr(r.spec, "skills", ()) or ())) for r in rows if not r.new] if real else []
    patterns = evaluate(rules["patterns"], facts, level=target.level, foundation=effort.foundation,
                        exam_advice=dict(getattr(target.outline, "advice", {}) or {}))
    rd = rules["readiness"]
    readiness = rd["gate"].format(pct=rd["pct"], area_pct=rd["area_pct"]) if target.bookable else None
    next_step = renewal = None
    if passed and not practice:
        next_step, renewal = _next_step(target, start, listing, rules)

    return Plan(
        kind=kind, exam_code=report.exam.code,
        exam_title=report.exam.title or (getattr(exam, "title", None) if exam is not None else None),
        attempt=attempt, start=start, weeks=weeks, hours_per_week=hpw, total_hours=total_hours,
        earliest_retake=earliest, recommended_exam_date=recommended,
        foundation_first=effort.foundation if kind == "foundation_first" else None,
        domains=domains, weeks_plan=weeks_plan, patterns=patterns,
        candidate={"name": report.candidate.name, "candidate_id": report.candidate.candidate_id,
                   "registration_id": report.candidate.registration_id},
        report_type=report.report_type, exam_date=report.exam_date, score=report.score,
        passing_score=report.passing_score, max_score=report.max_score, passed=passed,
        baseline=report.baseline, timeline=effort.timeline,
        source_file=report.source.file if report.source else None,
        warnings=list(dict.fromkeys([*report.warnings, *warnings])),
        history=[{"exam_date": h.exam_date.isoformat(), "score": h.score, "passed": h.passed} for h in history],
        target_code=target.code, target_title=target.title,
        target_outline=getattr(target.outline, "effective", None), level=target.level,
        notices=list(dict.fromkeys(notices)), readiness=readiness, checkpoint_rule=rules["checkpoints"]["rule"],
        recommended_note=note, next_step=next_step, renewal=renewal, first_attempt=options.first_attempt,
    )
