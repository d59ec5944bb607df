"""Inline SVG charts drawn from the plan model (no computation the model does not hold)."""
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


def performance_chart(plan: Plan, width: int = 640) -> Markup:
    """One bar per domain: fill = performance (bar ÷ track or printed %), dashed line = baseline."""
    gap = 4
    track_x, track_w = 8, width - 70
    row_h = 30
    rows = plan.domains
    h = row_h * len(rows) + 16
    b = plan.baseline
    bx = track_x + track_w * b
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart perf" viewBox="0 0 {width} {h}" '
           f'width="{width}" height="{h}" font-family="{FONT}" role="img">']
    for i, d in enumerate(rows):
        y = i * row_h
        colour = band_colour(d.band)
        out.append(f'<text x="{track_x}" y="{y + 10}" font-size="9" fill="#222">{_t(d.name)}</text>')
        out.append(f'<rect x="{track_x}" y="{y + 14}" width="{track_w}" height="10" rx="2" fill="#eceff1"/>')
        if d.performance is not None:
            fw = max(0.0, min(1.0, d.performance)) * track_w
            out.append(f'<rect x="{track_x}" y="{y + 14}" width="{fw:.1f}" height="10" rx="2" fill="{colour}"/>')
            out.append(f'<text x="{track_x + track_w + gap + 2}" y="{y + 22.5}" font-size="9" fill="#222">'
                       f'{round(d.performance * 100)} %</text>')
        else:
            out.append(f'<text x="{track_x + 6}" y="{y + 22}" font-size="7.5" fill="{colour}">'
                       f'{escape(BAND_LABELS.get(d.band, "No result"))} (band printed, no bar)</text>')
            out.append(f'<text x="{track_x + track_w + gap + 2}" y="{y + 22.5}" font-size="9" fill="#777">–</text>')
    ly = h - 3
    out.append(f'<line x1="{bx:.1f}" y1="0" x2="{bx:.1f}" y2="{h - 12}" stroke="#34495e" '
               f'stroke-width="1" stroke-dasharray="3 2"/>')
    out.append(f'<text x="{bx:.1f}" y="{ly}" font-size="7.5" fill="#34495e" text-anchor="middle">'
               f'baseline {round(b * 100)} %</text>')
    out.append(f'<text x="{track_x}" y="{ly}" font-size="7.5" fill="#777">0 %</text>')
    out.append(f'<text x="{track_x + track_w}" y="{ly}" font-size="7.5" fill="#777" text-anchor="end">100 %</text>')
    out.append("</svg>")
    return Markup("".join(out))


def time_split_chart(plan: Plan, width: int = 640) -> Markup:
    """The study-time split: one stacked bar, a segment per domain (its number, its hours)."""
    h = 30
    x = 0.0
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart split" viewBox="0 0 {width} {h}" '
           f'width="{width}" height="{h}" font-family="{FONT}" role="img">']
    total = plan.total_hours or 1
    for n, d in enumerate(plan.domains, start=1):
        if d.hours <= 0:
            continue
        w = width * d.hours / total
        out.append(f'<rect x="{x:.1f}" y="2" width="{w:.1f}" height="22" fill="{band_colour(d.band)}" '
                   f'stroke="#fff" stroke-width="1.5"/>')
        if w >= 34:
            out.append(f'<text x="{x + w / 2:.1f}" y="17" font-size="9" fill="#fff" text-anchor="middle" '
                       f'font-weight="bold">{n} · {d.hours:g} h</text>')
        elif w >= 12:
            out.append(f'<text x="{x + w / 2:.1f}" y="17" font-size="8" fill="#fff" text-anchor="middle">{n}</text>')
        x += w
    out.append("</svg>")
    return Markup("".join(out))
