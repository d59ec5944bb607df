"""Step 4 of the planner: dated calendar weeks with focus, spaced revisits, milestones and checkpoints.

Weeks run Monday to Sunday; the first one starts on the start day and joins the next when its
checkpoint (the Friday) would fall in its first days. Areas are laid out weakest first; a share of
each weak area's hours comes back a couple of weeks after its first pass (spaced, not done once);
a practice assessment sits midway; the last week is a full review ending with the timed mock exam.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from .allocate import largest_remainder
from .model import PlanWeek, StudyBlock
from .target import Row
from .words import join_names


@dataclass
class WeekDates:
    start: dt.date
    end: dt.date
    checkpoint: dt.date


def calendar_weeks(start: dt.date, weeks: int, rules: dict[str, Any]) -> list[WeekDates]:
    """`weeks` calendar weeks from `start`; each checkpoint is the week's Friday, never in its first days."""
    wr = rules["weeks"]
    cp = int(wr["checkpoint_weekday"])
    first_end = start + dt.timedelta(days=6 - start.weekday())
    before = cp - start.weekday()   # study days before the checkpoint in the first week
    if before < int(wr["first_week_min_days_before_checkpoint"]):
        first_end += dt.timedelta(days=7)
    out, wstart, wend = [], start, first_end
    for _ in range(weeks):
        monday = wend - dt.timedelta(days=6)
        out.append(WeekDates(wstart, wend, monday + dt.timedelta(days=cp)))
        wstart, wend = wend + dt.timedelta(days=1), wend + dt.timedelta(days=7)
    return out


@dataclass
class _Chunk:
    row: int
    units: int
    due: int = 0          # the first study week a revisit may be placed in
    revisit: bool = False


def _pack(rows: list[Row], left: list[int], study_weeks: int, week_units: int, order: list[int],
          rules: dict[str, Any]) -> list[dict[tuple[int, bool], int]]:
    """Units per (row, revisit) for each study week; every week exactly full."""
    wr = rules["weeks"]
    spaced = study_weeks >= int(wr["revisit_from_study_weeks"])
    revisit = [round(u * float(wr["revisit_share"])) if spaced and rows[i].rule_key in wr["revisit_bands"] else 0
               for i, u in enumerate(left)]
    stream = [_Chunk(i, left[i] - revisit[i]) for i in order if left[i] - revisit[i] > 0]
    stream += [_Chunk(i, 0) for i in order if left[i] - revisit[i] <= 0 < revisit[i]]  # all revisit: rare
    pending: list[_Chunk] = []
    first_week: dict[int, int] = {}
    weeks: list[dict[tuple[int, bool], int]] = [dict() for _ in range(study_weeks)]
    gap = int(wr["revisit_gap_weeks"])

    def put(w: int, i: int, units: int, is_revisit: bool) -> None:
        is_revisit = is_revisit and first_week.get(i, w) < w   # same week as its first pass: not a revisit
        first_week.setdefault(i, w)
        weeks[w][(i, is_revisit)] = weeks[w].get((i, is_revisit), 0) + units

    for w in range(study_weeks):
        room = week_units
        for chunk in sorted((c for c in pending if c.due <= w and c.units), key=lambda c: c.due):
            take = min(chunk.units, room)
            if take:
                put(w, chunk.row, take, True)
                chunk.units -= take
                room -= take
        while room and stream:
            chunk = stream[0]
            take = min(chunk.units, room)
            if take:
                put(w, chunk.row, take, False)
                chunk.units -= take
                room -= take
            if chunk.units == 0:
                stream.pop(0)
                if revisit[chunk.row]:
                    pending.append(_Chunk(chunk.row, revisit[chunk.row], w + gap, True))
        for chunk in sorted((c for c in pending if c.units), key=lambda c: c.due):
            take = min(chunk.units, room)
            if take:
                put(w, chunk.row, take, True)
                chunk.units -= take
                room -= take
    return weeks


def build_weeks(rows: list[Row], start: dt.date, weeks: int, hpw: float, step: float, kind: str,
                rules: dict[str, Any], *, foundation: str | None, exam_code: str | None) -> list[PlanWeek]:
    wr, cps = rules["weeks"], rules["checkpoints"]
    severity = rules["severity"]
    week_units = round(hpw / step)
    final_review = weeks >= int(wr["review_from_weeks"])
    units = [r.units for r in rows]
    review_units = largest_remainder(week_units, [float(u) for u in units], caps=units) if final_review \
        else [0] * len(rows)
    left = [u - ru for u, ru in zip(units, review_units)]
    order = sorted(range(len(rows)), key=lambda i: (-float(severity[rows[i].rule_key]), -units[i], i))
    study_weeks = weeks - 1 if final_review else weeks
    packed = _pack(rows, left, study_weeks, week_units, order, rules)
    if final_review:
        packed.append({(i, True): ru for i, ru in enumerate(review_units) if ru > 0})
    practice_week = math.ceil(study_weeks / 2) if study_weeks >= int(wr["practice_assessment_from_study_weeks"]) \
        else None

    min_focus = float(wr["min_focus_hours"])
    main_weeks = {i: sum(1 for pw in packed[:study_weeks] if pw.get((i, False))) for i in range(len(rows))}
    lead = int(rules["foundation"]["lead_weeks"]) if kind == "foundation_first" else 0
    out: list[PlanWeek] = []
    for n, (dates, pw) in enumerate(zip(calendar_weeks(start, weeks, rules), packed), start=1):
        is_final = final_review and n == weeks
        items = sorted(pw.items(), key=lambda kv: (kv[0][1], -kv[1], order.index(kv[0][0])))
        blocks = [StudyBlock(rows[i].name, u * step, revisit=rv and not is_final) for (i, rv), u in items]
        if is_final:
            focus, review = [], [rows[i].name for (i, _), _ in items]
        else:
            mains = [(i, u) for (i, rv), u in items if not rv]
            focus = [rows[i].name for i, u in mains if u * step >= min_focus or main_weeks[i] == 1]
            if not focus and mains:
                focus = [rows[mains[0][0]].name]
            review = [rows[i].name for (i, rv), _ in items if rv]
        milestone = "mock_exam" if n == weeks else ("practice_assessment" if n == practice_week else None)
        task = cps[milestone] if milestone else cps["study"].format(focus=join_names(focus + review) or "this week's areas")
        note = wr["review_note"] if is_final else None
        if n <= lead and not is_final and foundation:
            note = rules["foundation"]["note"].format(foundation=foundation, exam=exam_code or "exam")
        out.append(PlanWeek(week=n, start=dates.start, end=dates.end, focus=focus, checkpoint=dates.checkpoint,
                            blocks=blocks, review=review, milestone=milestone, checkpoint_task=task,
                            final_review=is_final, note=note))
    return out
