"""The plan's charts, drawn from the plan model (no computation the model does not hold).

Plain HTML boxes styled by plan.css (classes pc-*, sc-*): cheaper for WeasyPrint than inline SVG.
"""
from __future__ import annotations

from xml.sax.saxutils import escape

from markupsafe import Markup

from ..plan.model import Plan

BAND_COLOURS = {
    "needs_improvement": "#c0392b",
    "near_baseline": "#d68910",
    "above_baseline": "#1e8449",
    None: "#7f8c8d",
}
BAND_LABELS = {
    "needs_improvement": "Needs improvement",
    "near_baseline": "Near baseline",
    "above_baseline": "Above baseline",
    None: "No result",
}
FONT = "DejaVu Sans, sans-serif"


def _t(text: str, limit: int = 80) -> str:
    text = text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
    return escape(text, {'"': "&quot;"})


def band_colour(band: str | None) -> str:
    return BAND_COLOURS.get(band, BAND_COLOURS[None])


def _cls(band: str | None) -> str:
    return band if band in BAND_LABELS and band is not None else "unknown"


def performance_chart(plan: Plan, width: int = 640) -> Markup:
    """One bar per domain: fill = performance (bar ÷ track or printed %), dashed line = baseline.

    Drawn with HTML boxes, not SVG: WeasyPrint lays SVG <text> out one Pango layout per letter, which
    made the two charts a fifth of the whole render. `width` is kept for callers; the chart is fluid.
    """
    b = max(0.0, min(1.0, plan.baseline))
    out = ['<div class="pc" role="img">']
    for d in plan.domains:
        cls = _cls(d.band)
        out.append(f'<p class="pc-name">{_t(d.name)}</p><div class="pc-row">')
        if d.performance is not None:
            fw = max(0.0, min(1.0, d.performance)) * 100
            out.append(f'<span class="pc-val">{round(d.performance * 100)} %</span>'
                       f'<div class="pc-track"><div class="pc-fill {cls}" style="width: {fw:.1f}%"></div></div>')
        elif d.new:
            out.append('<span class="pc-val none">–</span><div class="pc-track pc-nobar">'
                       'new material: no result on your report</div>')
        else:
            out.append(f'<span class="pc-val none">–</span><div class="pc-track pc-nobar {cls}">'
                       f'{escape(BAND_LABELS.get(d.band, "No result"))} (band printed, no bar)</div>')
        out.append('</div>')
    out.append(f'<div class="pc-base"><div class="pc-line" style="left: {b * 100:.1f}%"></div></div>'
               f'<p class="pc-axis"><span class="pc-100">100 %</span>0 %'
               f'<span class="pc-bl" style="left: {b * 100:.1f}%">baseline {round(b * 100)} %</span></p>')
    out.append("</div>")
    return Markup("".join(out))


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


def time_split_chart(plan: Plan, width: float = SPLIT_CHART_PT) -> Markup:
    """The study-time split: one stacked bar, a segment per domain (its number, its hours).

    Absolutely placed HTML boxes with explicit widths (no SVG text: see performance_chart). A segment
    shows "n · hours" when that fits in it at the narrower paper, else "n" when that fits, else nothing;
    every segment whose hours are not printed in it is listed in a key under the bar.
    """
    total = plan.total_hours or 1
    out = ['<div class="sc" role="img">']
    key = []
    left = 0.0
    for n, d in enumerate(plan.domains, start=1):
        if d.hours <= 0:
            continue
        frac = d.hours / total
        room = frac * width - _LABEL_ROOM_PT
        full = f"{n} · {d.hours:g} h"
        label = full if label_width(full) <= room else f"{n}" if label_width(f"{n}") <= room else ""
        if label != full:
            key.append(f'<span class="sc-key"><span class="sc-sw {_cls(d.band)}"></span>{escape(full)}</span>')
        out.append(f'<div class="sc-seg {_cls(d.band)}" style="left: {left * 100:.3f}%; width: {frac * 100:.3f}%">'
                   f'{escape(label)}</div>')
        left += frac
    out.append("</div>")
    if key:
        out.append(f'<p class="sc-legend">{" ".join(key)}</p>')
    return Markup("".join(out))
