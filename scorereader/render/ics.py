"""Plan → iCalendar (RFC 5545) with the `icalendar` library.

Events (all-day, dates only — the plan says how many hours, not at what time of day):
- one study block per domain per week: spans the week (Mon..Sun of that plan week), summary
  "Study: <domain> (<hours> h)";
- one checkpoint per week on its Friday, listing that week's focus;
- the earliest allowed retake and the recommended exam date.
UIDs are stable for the same plan (hash of exam, candidate, start and the event's role), so
re-importing an updated plan replaces events instead of duplicating them.
"""
from __future__ import annotations

import datetime as dt
import hashlib

from icalendar import Calendar, Event

from ..plan.model import Plan


def _uid(plan: Plan, role: str) -> str:
    key = "|".join([plan.exam_code or "", plan.candidate.get("name") or "", plan.start.isoformat(), role])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:24] + "@scorereader.local"


def _event(plan: Plan, role: str, summary: str, first: dt.date, last: dt.date, description: str = "") -> Event:
    ev = Event()
    ev.add("uid", _uid(plan, role))
    ev.add("dtstamp", dt.datetime.combine(plan.start, dt.time(0, 0), tzinfo=dt.timezone.utc))
    ev.add("summary", summary)
    ev.add("dtstart", first)
    ev.add("dtend", last + dt.timedelta(days=1))  # all-day DTEND is exclusive
    ev.add("transp", "TRANSPARENT")
    if description:
        ev.add("description", description)
    return ev


def render_ics(plan: Plan, today: dt.date | None = None) -> bytes:
    """The schedule as all-day events; nothing before `today` (default: the plan's start day)."""
    today = today or plan.start
    code = plan.exam_code or "exam"
    cal = Calendar()
    cal.add("prodid", "-//scorereader//retake plan//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{code} study plan")
    for w in plan.weeks_plan:
        if w.end < today:
            continue
        for b in w.blocks:
            what = "Review" if (w.final_review or b.revisit) else "Study"
            cal.add_component(_event(
                plan, f"block|{w.week}|{b.domain}", f"{code} {what}: {b.domain} ({b.hours:g} h)",
                w.start, w.end, f"Week {w.week} of {plan.weeks}: {b.hours:g} hours on {b.domain}."
                + (f" {w.note}." if w.note else "")))
        if w.checkpoint and w.checkpoint >= today:
            what = {"practice_assessment": "practice assessment", "mock_exam": "mock exam"}.get(w.milestone, "checkpoint")
            cal.add_component(_event(
                plan, f"checkpoint|{w.week}", f"{code} {what}, week {w.week}", w.checkpoint, w.checkpoint,
                f"{w.checkpoint_task}. Score: ____ %. {plan.checkpoint_rule}"))
    if plan.earliest_retake and plan.earliest_retake >= today:
        cal.add_component(_event(plan, "earliest", f"{code}: earliest allowed retake",
                                 plan.earliest_retake, plan.earliest_retake,
                                 "Microsoft retake policy: the earliest date the next attempt can be taken."))
    if plan.recommended_exam_date and plan.recommended_exam_date >= today:
        target = plan.target_code or code
        cal.add_component(_event(plan, "recommended", f"{target}: recommended exam date",
                                 plan.recommended_exam_date, plan.recommended_exam_date,
                                 f"Recommended: {plan.recommended_note}. {plan.readiness or ''}".strip()))
    return cal.to_ical()
