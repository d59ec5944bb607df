"""Step 3 of the planner: the study hours per area, in steps of `step_hours`.

Band factor × exam weight, adjusted within the band by the bar's distance from the baseline and by
the comparison table ("weaker than most candidates" comes first); then the needs-improvement areas
are lifted to their minimum share of the total (the seed's "70 % on 1–2 weak areas").
"""
from __future__ import annotations

import math
from typing import Any

from ..bands import RANK
from .target import Row

BANDS = RANK   # the three band values


def rule_key(row: Row) -> str:
    """The rules' key for a row: its band, `new` (new material) or `unknown` (no result)."""
    if row.band in BANDS:
        return row.band
    return "new" if row.new else "unknown"


def prepare(rows: list[Row], rules: dict[str, Any]) -> list[str]:
    """Set each row's rule key and planning weight; returns warnings."""
    alloc = rules["allocation"]
    known = [r.mid for r in rows if r.mid is not None]
    fill = sum(known) / len(known) if known else float(alloc["default_weight"])
    for r in rows:
        r.rule_key = rule_key(r)
        r.weight = r.mid if r.mid is not None else fill
    if known and len(known) < len(rows):
        return ["Some skill areas have no known exam weight; they were planned at the average weight."]
    return []


def _within_band(row: Row, baseline: float, alloc: dict[str, Any]) -> float:
    """A shorter bar gets more, and an area weaker than most candidates gets more."""
    factor = 1.0
    if row.performance is not None and row.rule_key in BANDS:
        factor = 1.0 + float(alloc["bar_gap_weight"]) * (baseline - row.performance)
        factor = min(float(alloc["bar_factor_max"]), max(float(alloc["bar_factor_min"]), factor))
    if row.comparison:
        factor *= float(alloc["comparison_factor"].get(row.comparison, 1.0))
    return factor


def largest_remainder(total: int, weights: list[float], caps: list[int] | None = None) -> list[int]:
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


def _lift_weak(rows: list[Row], raw: list[float], rules: dict[str, Any]) -> list[float]:
    """Scale the needs-improvement group up to its minimum share, the others down to make room."""
    weak = [i for i, r in enumerate(rows) if r.rule_key == "needs_improvement"]
    rule = next((w for w in rules["allocation"]["weak_share"]
                 if w["weak_min"] <= len(weak) <= w["weak_max"]), None)
    total = sum(raw)
    weak_sum = sum(raw[i] for i in weak)
    if rule is None or not weak or weak_sum <= 0 or total <= 0 or len(weak) == len(rows):
        return raw
    share = float(rule["min_share"])
    if weak_sum / total >= share:
        return raw
    rest = total - weak_sum
    return [x * share / weak_sum if i in weak else x * (1 - share) / rest for i, x in enumerate(raw)]


def allocate(rows: list[Row], total_units: int, baseline: float, strengthen: bool, rules: dict[str, Any]) -> None:
    """Set each row's `raw` effort and integer `units` (summing to total_units)."""
    alloc = rules["allocation"]
    factors = alloc["strengthen_band_factor"] if strengthen else alloc["band_factor"]
    raw = [float(factors[r.rule_key]) * r.weight * _within_band(r, baseline, alloc) for r in rows]
    if sum(raw) <= 0:  # a pass with every area above baseline: spread by the retake factors
        raw = [float(alloc["band_factor"][r.rule_key]) * r.weight * _within_band(r, baseline, alloc) for r in rows]
    raw = _lift_weak(rows, raw, rules)
    for r, x, u in zip(rows, raw, largest_remainder(total_units, raw)):
        r.raw, r.units = x, u
