"""Report → Plan. Pure: no I/O beyond the packaged rules (loaded once) and the catalog lookup.

Every number and threshold comes from scorereader/rules/plan.toml; this module only evaluates it.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from ..model import Report
from .model import Plan, PlanDomain, PlanWeek, StudyBlock
from .patterns import Fact, evaluate
from .retake import earliest_retake
from .rules import load_rules

UNKNOWN = "unknown"  # band key in the rules for a domain with no result
NO_DOMAINS_NAME = "Whole exam (the report lists no skill areas)"


@dataclass
class PlanOptions:
    start: dt.date | None = None          # default: today
    weeks: int | None = None              # default: from the timeline rules
    hours_per_week: float = 8
    attempt: int | None = None            # default: 1, or 1 + the earlier failed attempts in history
    history: Sequence[Report] = field(default_factory=list)  # earlier reports, same candidate/exam


# --------------------------------------------------------------------------- catalog access

def _default_catalog(code: str | None) -> Any:
    if not code:
        return None
    from ..catalog import get_exam

    try:
        return get_exam(code)
    except Exception:  # noqa: BLE001 - a broken catalog file must not stop the plan
        return None


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


def _outline_for(exam: Any, report: Report) -> Any:
    outlines = tuple(getattr(exam, "outlines", ()) or ())
    if report.exam.outline:
        for outline in outlines:
            if getattr(outline, "effective", None) and outline.effective.isoformat() == report.exam.outline:
                return outline
    try:
        return exam.outline_on(report.exam_date)
    except Exception:  # noqa: BLE001
        return outlines[-1] if outlines else None


def _spec_for(exam: Any, outline: Any, name: str) -> Any:
    candidates = [outline] if outline is not None else []
    candidates += [o for o in reversed(tuple(getattr(exam, "outlines", ()) or ())) if o is not outline]
    for o in candidates:
        try:
            spec = o.domain(name)
        except Exception:  # noqa: BLE001
            spec = None
        if spec is not None:
            return spec
    return None


def _fallback_tags(name: str, rules: dict[str, Any]) -> tuple[frozenset[str], bool]:
    table = dict(rules.get("fallback_tags", {}))
    hands_on_tags = set(table.pop("hands_on", {}).get("tags", []))
    low = name.lower()
    tags = frozenset(tag for tag, words in table.items() if any(w in low for w in words))
    return tags, bool(tags & hands_on_tags)


# --------------------------------------------------------------------------- helpers

def _mid(wmin: int | None, wmax: int | None) -> float | None:
    if wmin is None or wmax is None:
        return None
    return (wmin + wmax) / 2


def _area(wmin: int | None, wmax: int | None, rules: dict[str, Any]) -> str:
    """'a 15–20 % area', 'an 8 % area', or the rules' phrase for an unknown weight."""
    if wmin is None or wmax is None:
        return rules["reasons"]["weight_unknown"]
    label = f"{wmin} %" if wmin == wmax else f"{wmin}–{wmax} %"
    article = "an" if label.startswith(("8", "11", "18")) else "a"
    return f"{article} {label} area"


def _largest_remainder(total: int, weights: list[float], caps: list[int] | None = None) -> list[int]:
    """Integers proportional to weights summing to total (each ≤ its cap when caps are given)."""
    s = sum(weights)
    if total <= 0 or s <= 0:
        return [0] * len(weights)
    exact = [total * w / s for w in weights]
    out = [math.floor(x) for x in exact]
    if caps:
        out = [min(o, c) for o, c in zip(out, caps)]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - math.floor(exact[i])), -weights[i], i))
    left = total - sum(out)
    while left > 0:
        progressed = False
        for i in order:
            if left == 0:
                break
            if caps is None or out[i] < caps[i]:
                out[i] += 1
                left -= 1
                progressed = True
        if not progressed:
            break
    return out


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


# --------------------------------------------------------------------------- the planner

def build_plan(
    report: Report,
    options: PlanOptions | None = None,
    *,
    rules: dict[str, Any] | None = None,
    catalog: Callable[[str | None], Any] | None = None,
) -> Plan:
    """Plan the retake (or the strengthening) for one report."""
    options = options or PlanOptions()
    rules = rules or load_rules()
    lookup = catalog or _default_catalog
    alloc = rules["allocation"]
    step = float(alloc["step_hours"])
    severity = rules["severity"]
    warnings: list[str] = []

    hpw = float(options.hours_per_week)
    if not hpw > 0 or not math.isclose(hpw / step, round(hpw / step)):
        raise ValueError(f"hours per week must be a positive multiple of {step:g}")
    if options.weeks is not None and not 1 <= options.weeks <= 104:
        raise ValueError("weeks must be between 1 and 104")
    start = options.start or dt.date.today()

    exam = lookup(report.exam.code)
    outline = _outline_for(exam, report) if exam is not None else None
    if report.exam.code and exam is None:
        warnings.append(f"{report.exam.code} is not in the exam catalog: no official sub-skills or labs, "
                        "and the area types were guessed from their names.")

    # ---- the domains the plan works on
    rows: list[dict[str, Any]] = []
    for d in report.domains:
        spec = _spec_for(exam, outline, d.name) if exam is not None else None
        rows.append({"name": d.name, "band": d.band, "wmin": d.weight_min, "wmax": d.weight_max,
                     "perf": d.performance, "spec": spec})
    if not rows:
        specs = tuple(getattr(outline, "domains", ()) or ()) if outline is not None else ()
        if specs:
            warnings.append("The report lists no skill areas: study time follows the exam outline's weights.")
            rows = [{"name": s.name, "band": None, "wmin": s.weight_min, "wmax": s.weight_max,
                     "perf": None, "spec": s} for s in specs]
        else:
            warnings.append("The report lists no skill areas and the exam outline is unknown: "
                            "the plan is a whole-exam review.")
            rows = [{"name": NO_DOMAINS_NAME, "band": None, "wmin": None, "wmax": None,
                     "perf": None, "spec": None}]
    for r in rows:
        spec = r["spec"]
        if spec is not None:
            r["tags"], r["hands_on"] = frozenset(getattr(spec, "tags", ()) or ()), bool(getattr(spec, "hands_on", False))
            if r["wmin"] is None or r["wmax"] is None:
                r["wmin"], r["wmax"] = spec.weight_min, spec.weight_max
        else:
            r["tags"], r["hands_on"] = _fallback_tags(r["name"], rules)
        r["key"] = r["band"] if r["band"] in severity else UNKNOWN
        r["mid"] = _mid(r["wmin"], r["wmax"])
    known = [r["mid"] for r in rows if r["mid"] is not None]
    fill = sum(known) / len(known) if known else float(alloc["default_weight"])
    if len(known) < len(rows) and report.domains:
        warnings.append("Some skill areas have no known exam weight; they were planned at the average weight.")
    for r in rows:
        r["w"] = r["mid"] if r["mid"] is not None else fill

    real = bool(report.domains)
    weak = sum(1 for r in rows if r["band"] == "needs_improvement") if real else 0
    passed = _report_passed(report)
    if passed is None:
        warnings.append("Pass or fail is unknown: planned as a retake.")

    # ---- kind and timeline
    foundation = getattr(exam, "foundation", None) if exam is not None else None
    foundation = current_foundation(foundation, start, lookup) if foundation else None
    all_weak = real and weak == len(rows) and len(rows) >= int(rules["foundation"]["min_domains"])
    if passed:
        kind, timeline_kind = "strengthen", "strengthen"
    elif all_weak and foundation:
        kind, timeline_kind = "foundation_first", "foundation_first"
    elif all_weak:
        kind, timeline_kind = "retake", "runway"
        if exam is None:
            warnings.append("Every area needs improvement; consider the fundamentals exam of this track first.")
    else:
        kind, timeline_kind = "retake", "retake"
    rule = next(t for t in rules["timeline"]
                if t["kind"] == timeline_kind and t.get("weak_min", 0) <= weak <= t.get("weak_max", 10 ** 6))
    total_w = sum(r["w"] for r in rows)
    pressure = sum(float(severity[r["key"]]) * r["w"] for r in rows) / total_w if total_w else 0.5
    weeks = options.weeks or rule["weeks_min"] + round((rule["weeks_max"] - rule["weeks_min"]) * pressure)
    timeline = rule["label"].format(weak=weak, s="" if weak == 1 else "s", verb_s="s" if weak == 1 else "",
                                    foundation=foundation or "fundamentals")
    if options.weeks:
        timeline += f" (set to {weeks} week{'s' if weeks != 1 else ''})"

    # ---- allocation: band factor × exam weight, in steps of `step` hours
    factors = alloc["strengthen_band_factor"] if kind == "strengthen" else alloc["band_factor"]
    raw = [float(factors[r["key"]]) * r["w"] for r in rows]
    if sum(raw) <= 0:
        raw = [float(alloc["band_factor"][r["key"]]) * r["w"] for r in rows]
    total_hours = weeks * hpw
    total_units = round(total_hours / step)
    units = [round(total_units * x / sum(raw)) for x in raw]
    largest = max(range(len(rows)), key=lambda i: (raw[i], -i))
    units[largest] += total_units - sum(units)
    if units[largest] < 0:  # cannot happen with sane data; keep the invariant anyway
        units = _largest_remainder(total_units, raw)
    for r, u, x in zip(rows, units, raw):
        r["units"], r["raw"] = u, x

    # ---- reasons and plan domains, largest allocation first (weakest first on ties)
    rows.sort(key=lambda r: (-r["units"], -float(severity[r["key"]]), -r["w"], r["name"]))
    domains: list[PlanDomain] = []
    for r in rows:
        hours = r["units"] * step
        if r["perf"] is None:
            perf = ""
        elif report.report_type == "practice_assessment":
            perf = f", {round(r['perf'] * 100)} % correct"
        else:
            perf = f", bar at {round(r['perf'] * 100)} %"
        template = rules["reasons"]["zero" if hours == 0 and r["key"] == "above_baseline" else r["key"]]
        reason = template.format(area=_area(r["wmin"], r["wmax"], rules), perf=perf)
        spec = r["spec"]
        domains.append(PlanDomain(
            name=r["name"], band=r["band"], weight_min=r["wmin"], weight_max=r["wmax"],
            performance=r["perf"], hours=hours, share=hours / total_hours, reason=reason,
            skills=list(getattr(spec, "skills", ()) or ()), labs=list(getattr(spec, "labs", ()) or ()),
            tags=sorted(r["tags"]), hands_on=r["hands_on"], in_catalog=spec is not None))

    weeks_plan = _schedule(rows, domains, start, weeks, hpw, step, kind, rules,
                           foundation=foundation, exam_code=report.exam.code)

    # ---- retake policy and dates
    history = sorted((h for h in options.history if h.exam_date), key=lambda h: h.exam_date)
    attempt = options.attempt or 1 + sum(1 for h in history if h.passed is False
                                         and (report.exam_date is None or h.exam_date < report.exam_date))
    first = history[0].exam_date if history else (report.exam_date if attempt == 1 else None)
    if report.report_type == "practice_assessment":
        earliest = None
        warnings.append("Practice assessments can be retaken at any time; the retake policy applies to the exam itself.")
    else:
        earliest, more = earliest_retake(report.exam_date, attempt, passed, first_attempt=first, rules=rules)
        warnings.extend(more)
    recommended = start + dt.timedelta(days=7 * weeks)
    if earliest and recommended < earliest:
        recommended = earliest
        warnings.append("The study plan ends before the earliest allowed retake; the recommended date is that retake date.")

    facts = [Fact(r["name"], r["band"], r["wmin"], r["wmax"], r["tags"], r["hands_on"]) for r in rows] if real else []
    patterns = evaluate(rules["patterns"], facts)

    return Plan(
        kind=kind, exam_code=report.exam.code,
        exam_title=report.exam.title or (getattr(exam, "title", None) if exam is not None else None),
        attempt=attempt, start=start, weeks=weeks, hours_per_week=hpw, total_hours=total_hours,
        earliest_retake=earliest, recommended_exam_date=recommended,
        foundation_first=foundation if kind == "foundation_first" else None,
        domains=domains, weeks_plan=weeks_plan, patterns=patterns,
        candidate={"name": report.candidate.name, "candidate_id": report.candidate.candidate_id,
                   "registration_id": report.candidate.registration_id},
        report_type=report.report_type, exam_date=report.exam_date, score=report.score,
        passing_score=report.passing_score, max_score=report.max_score, passed=passed,
        baseline=report.baseline, timeline=timeline,
        source_file=report.source.file if report.source else None,
        warnings=list(dict.fromkeys([*report.warnings, *warnings])),
        history=[{"exam_date": h.exam_date.isoformat(), "score": h.score, "passed": h.passed} for h in history],
    )


def _schedule(rows: list[dict[str, Any]], domains: list[PlanDomain], start: dt.date, weeks: int,
              hpw: float, step: float, kind: str, rules: dict[str, Any], *,
              foundation: str | None, exam_code: str | None) -> list[PlanWeek]:
    """Dated weeks: domains laid end to end (weakest/largest first) in proportion to their hours,
    with the last week a full review that touches every studied domain."""
    wr = rules["weeks"]
    severity = rules["severity"]
    week_units = round(hpw / step)
    review = weeks >= int(wr["review_from_weeks"])
    units = [r["units"] for r in rows]
    names = [r["name"] for r in rows]
    review_units = _largest_remainder(week_units, [float(u) for u in units], caps=units) if review else [0] * len(rows)
    left = [u - ru for u, ru in zip(units, review_units)]
    order = sorted(range(len(rows)), key=lambda i: (-float(severity[rows[i]["key"]]), -units[i], i))

    study_weeks = weeks - 1 if review else weeks
    per_week: list[dict[int, int]] = [dict() for _ in range(study_weeks)]
    w, room = 0, week_units
    for i in order:
        need = left[i]
        while need > 0 and w < study_weeks:
            take = min(need, room)
            per_week[w][i] = per_week[w].get(i, 0) + take
            need -= take
            room -= take
            if room == 0:
                w, room = w + 1, week_units
    if review:
        per_week.append({i: ru for i, ru in enumerate(review_units) if ru > 0})

    min_focus = float(wr["min_focus_hours"])
    weeks_with = {i: sum(1 for pw in per_week[:study_weeks] if pw.get(i)) for i in range(len(rows))}
    out: list[PlanWeek] = []
    lead = int(rules["foundation"]["lead_weeks"]) if kind == "foundation_first" else 0
    for n, pw in enumerate(per_week, start=1):
        wstart = start + dt.timedelta(days=7 * (n - 1))
        wend = wstart + dt.timedelta(days=6)
        offset = (int(wr["checkpoint_weekday"]) - wstart.weekday()) % 7
        items = sorted(pw.items(), key=lambda kv: (-kv[1], order.index(kv[0])))
        blocks = [StudyBlock(names[i], u * step) for i, u in items]
        is_review = review and n == len(per_week)
        if is_review:
            focus = [d.name for d in domains if d.hours > 0]
        else:
            focus = [names[i] for i, u in items if u * step >= min_focus or weeks_with[i] == 1] or \
                    [names[i] for i, _ in items[:1]]
        note = wr["review_note"] if is_review else None
        if n <= lead and not is_review and foundation:
            note = rules["foundation"]["note"].format(foundation=foundation, exam=exam_code or "exam")
        out.append(PlanWeek(week=n, start=wstart, end=wend, focus=focus,
                            checkpoint=wstart + dt.timedelta(days=offset), blocks=blocks,
                            review=is_review, note=note))
    return out
