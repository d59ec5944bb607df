"""The numbers behind the charts; the drawing is in `templates/partials/charts.html` (Jinja macros).

Python decides what the plan model cannot say by itself — segment widths, which label fits in which
segment at the narrower paper, histogram bins — and hands the macros plain data, so a
`--template-dir` can redraw every chart.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import bands
from ..plan.model import Plan

_NAME_LIMIT = 80  # a longer area name is cut with "…" in the result chart


def _short(text: str, limit: int = _NAME_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# ------------------------------------------------------------------ the plan's result bars

@dataclass(frozen=True)
class ResultRow:
    name: str
    css: str                    # band class: needs_improvement | near_baseline | above_baseline | unknown
    band_label: str
    percent: int | None         # the printed result, None when the report gives no bar
    fill: float = 0.0           # the bar's fill, 0–100 (% of the track)
    new: bool = False           # new material: no result on the report


@dataclass(frozen=True)
class ResultChart:
    rows: list[ResultRow]
    baseline: float             # 0–100 (% of the track)
    baseline_percent: int


def performance_chart(plan: Plan) -> ResultChart:
    """One row per domain: fill = performance (bar ÷ track or printed %), a line at the baseline."""
    b = max(0.0, min(1.0, plan.baseline))
    rows = []
    for d in plan.domains:
        known = d.performance is not None
        rows.append(ResultRow(
            name=_short(d.name), css=bands.css_class(d.band), band_label=bands.label(d.band),
            percent=round(d.performance * 100) if known else None,
            fill=max(0.0, min(1.0, d.performance)) * 100 if known else 0.0, new=bool(d.new) and not known))
    return ResultChart(rows=rows, baseline=b * 100, baseline_percent=round(b * 100))


# ------------------------------------------------------------------ the plan's study-time split

#: Width of the plan's text column on the narrower paper (A4: 210 mm less 2 × 16 mm margins), in pt.
SPLIT_CHART_PT = 504.0
#: Segment labels: DejaVu Sans Bold at 6.6 pt (plan.css .sc-seg); advance widths in em of the glyphs a
#: label uses, anything else counted wide. A label needs its width plus this much room in its segment.
_LABEL_PT = 6.6
_LABEL_EM = {**dict.fromkeys("0123456789", 0.696), " ": 0.348, "·": 0.380, ".": 0.380, "h": 0.712}
_LABEL_ROOM_PT = 6.0  # 1.2 pt white divider + a clear margin either side


def label_width(text: str) -> float:
    """The printed width of a segment label in pt (a slight overestimate, never an underestimate)."""
    return sum(_LABEL_EM.get(ch, 1.0) for ch in text) * _LABEL_PT


@dataclass(frozen=True)
class Segment:
    n: int                      # the domain's number in the plan
    css: str
    left: float                 # 0–100 (% of the bar)
    width: float                # 0–100
    label: str                  # what fits inside: "n · hours", "n" or ""
    full: str                   # "n · hours"

    @property
    def in_key(self) -> bool:
        """Its hours are not printed in the bar, so the key under the bar lists them."""
        return self.label != self.full


@dataclass(frozen=True)
class SplitChart:
    segments: list[Segment] = field(default_factory=list)

    @property
    def key(self) -> list[Segment]:
        return [s for s in self.segments if s.in_key]


def time_split_chart(plan: Plan, width: float = SPLIT_CHART_PT) -> SplitChart:
    """The study-time split: one stacked bar, a segment per domain with hours.

    A segment shows "n · hours" when that fits in it at the narrower paper, else "n" when that fits,
    else nothing; the template lists every segment whose hours are not printed in it in a key.
    """
    total = plan.total_hours or 1
    segments, left = [], 0.0
    for n, d in enumerate(plan.domains, start=1):
        if d.hours <= 0:
            continue
        frac = d.hours / total
        room = frac * width - _LABEL_ROOM_PT
        full = f"{n} · {d.hours:g} h"
        label = full if label_width(full) <= room else f"{n}" if label_width(f"{n}") <= room else ""
        segments.append(Segment(n=n, css=bands.css_class(d.band), left=left * 100, width=frac * 100,
                                label=label, full=full))
        left += frac
    return SplitChart(segments=segments)


# ------------------------------------------------------------------ the cohort's charts (JSON-able)

def band_stack(counts: dict[str, int], n: int, width: int = 150, height: int = 10) -> dict[str, Any]:
    """How many candidates are in each band for one domain: x and width of each band's part, worst
    first, then the rest (not reported) up to `width`."""
    parts, x = [], 0.0
    if n > 0:
        for band in bands.BANDS:
            w = width * counts.get(band.value, 0) / n
            if w > 0:
                parts.append({"band": band.value, "x": x, "width": w})
            x += w
    return {"width": width, "height": height, "parts": parts, "rest": max(0.0, width - x) if n > 0 else 0.0,
            "rest_x": x, "empty": n <= 0}


def histogram(scores: list[int], *, lo: int, hi: int, passing: int | None, unit: str = "",
              width: int = 460, height: int = 170) -> dict[str, Any] | None:
    """Score distribution: bins of a tenth of the range (or a twentieth when scores are bunched),
    placed in a `width` × `height` drawing; None without scores."""
    if not scores:
        return None
    span = hi - lo
    step = span // 20 if (max(scores) - min(scores)) <= span * 0.4 else span // 10
    step = max(step, 1)
    start = max(lo, (min(scores) - lo) // step * step + lo - step)
    end = min(hi, max(scores) + step)
    if passing is not None:
        start = min(start, (passing - lo) // step * step + lo - step)
        end = max(end, passing + step)
    bins = list(range(start, end, step))
    end = start + len(bins) * step
    counts = [sum(1 for s in scores if b <= s < b + step or (b + step >= hi and s == hi)) for b in bins]
    top = max(counts) or 1
    ml, mr, mt, mb = 28, 8, 24, 30
    pw, ph = width - ml - mr, height - mt - mb
    bw = pw / len(bins)
    every = max(1, len(bins) // 10)
    bars = []
    for i, (b, c) in enumerate(zip(bins, counts)):
        h = ph * c / top
        kind = ("fail" if passing is not None and b + step <= passing
                else "pass" if passing is not None and b >= passing else "neutral")
        bars.append({"x": ml + i * bw, "width": bw, "top": mt + ph - h, "height": h, "count": c, "kind": kind,
                     "tick": f"{b}{unit}" if i % every == 0 else None})
    pass_x = ml + pw * (passing - start) / (len(bins) * step) if passing is not None and start <= passing <= end else None
    return {
        "width": width, "height": height, "left": ml, "top": mt, "plot_width": pw, "plot_height": ph,
        "grid": [{"y": mt + ph - ph * t / top, "count": t} for t in range(0, top + 1, max(1, (top + 3) // 4))],
        "bars": bars, "end_tick": f"{end}{unit}", "passing": passing, "passing_x": pass_x,
        "caption": "score (" + ("percent" if unit else "scaled, 1–1000") + ") · candidates per bin",
    }
