"""The cohort PDF: per exam, the pass rate, the score distribution and a heat map of skill areas ×
candidates, with the areas ranked by how many candidates need improvement (what to reteach first).

`cohort_data()` computes everything (JSON-able, so a worker can render it); the template only lays
it out. Each candidate counts once per exam: their latest attempt.
"""
from __future__ import annotations

import datetime as dt
import os
import statistics
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from ..catalog import area_of
from .history import group_key

BAND_COLOURS = {"needs_improvement": "#c0392b", "near_baseline": "#e0a526", "above_baseline": "#1e8449"}
BAND_TEXT = {"needs_improvement": "#ffffff", "near_baseline": "#1c2833", "above_baseline": "#ffffff"}
BAND_MARK = {"needs_improvement": "−", "near_baseline": "≈", "above_baseline": "+"}
BAND_LABELS = {"needs_improvement": "Needs improvement", "near_baseline": "Near baseline",
               "above_baseline": "Above baseline"}


def cohort_data(rows: list[dict[str, Any]], *, title: str, generated: dt.date | None = None) -> dict[str, Any]:
    """rows: summary rows (`Row.to_json()` plus `report`) of the reports that were read."""
    latest: dict[Any, dict[str, Any]] = {}
    for row in rows:
        rep = row.get("report")
        if not rep or not (rep.get("exam") or {}).get("code"):
            continue
        key = group_key(rep) or ("file", row["file"])
        exam = (rep["exam"]["code"], rep.get("report_type") or "exam")
        k = (exam, key)
        prev = latest.get(k)
        if prev is None or (rep.get("exam_date") or "") >= (prev["report"].get("exam_date") or ""):
            latest[k] = row
    exams: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for (exam, _), row in latest.items():
        exams.setdefault(exam, []).append(row)
    sections = [_exam_section(code, kind, members) for (code, kind), members in sorted(exams.items())]
    return {"title": title, "generated": (generated or dt.date.today()).isoformat(), "exams": sections,
            "total": sum(s["n"] for s in sections)}


def _label(rep: dict[str, Any], row: dict[str, Any]) -> str:
    cand = rep.get("candidate") or {}
    if cand.get("name"):
        return cand["name"]
    if cand.get("candidate_id"):
        return f"ID {cand['candidate_id']}"
    return row["file"]


def _exam_section(code: str, kind: str, members: list[dict[str, Any]]) -> dict[str, Any]:
    practice = kind == "practice_assessment"
    reps = [m["report"] for m in members]
    title = next((r["exam"].get("title") for r in reps if r["exam"].get("title")), None)
    scores = [r["score"] for r in reps if r.get("score") is not None]
    known = [r["passed"] for r in reps if r.get("passed") is not None]
    passing = next((r.get("passing_score") for r in reps if r.get("passing_score")), None)
    max_score = 100 if practice else next((r.get("max_score") for r in reps if r.get("max_score")), 1000)

    # domains: union in printed order, then ranked by how many candidates need improvement
    order: dict[str, dict[str, Any]] = {}
    for r in reps:
        for d in r.get("domains", []):
            key, current = area_of(code, d["name"])  # renamed areas of older outlines line up
            info = order.setdefault(key, {"key": key, "name": current, "weight_min": d.get("weight_min"),
                                                "weight_max": d.get("weight_max"), "first": len(order),
                                                "needs_improvement": 0, "near_baseline": 0,
                                                "above_baseline": 0})
            if d.get("band") in BAND_COLOURS:
                info[d["band"]] += 1
            if info["weight_min"] is None and d.get("weight_min") is not None:
                info["weight_min"], info["weight_max"] = d["weight_min"], d["weight_max"]
    domains = sorted(order.values(), key=lambda x: (-x["needs_improvement"], -x["near_baseline"],
                                                    -((x["weight_max"] or 0) + (x["weight_min"] or 0)),
                                                    x["first"]))
    n = len(reps)
    for rank, d in enumerate(domains, 1):
        d["rank"] = rank
        d["reported"] = d["needs_improvement"] + d["near_baseline"] + d["above_baseline"]
        d["weight"] = (f"{d['weight_min']}–{d['weight_max']} %" if d["weight_min"] is not None
                       and d["weight_max"] is not None else "—")
        d["bar"] = _stack_svg(d, n)
    grid = []
    for m in sorted(members, key=lambda m: (_label(m["report"], m).casefold(), m["file"])):
        rep = m["report"]
        bands = {area_of(code, d["name"])[0]: d.get("band") for d in rep.get("domains", [])}
        cells = []
        for d in domains:
            b = bands.get(d["key"])
            cells.append({"band": b, "mark": BAND_MARK.get(b, "·"), "colour": BAND_COLOURS.get(b, "#eceff1"),
                          "text": BAND_TEXT.get(b, "#90a4ae"), "label": BAND_LABELS.get(b, "not reported")})
        weak = sum(1 for c in cells if c["band"] == "needs_improvement")
        grid.append({"label": _label(rep, m), "file": m["file"], "score": rep.get("score"),
                     "passed": rep.get("passed"), "date": rep.get("exam_date"), "cells": cells,
                     "weak": weak, "attempt": m.get("attempt")})
    pass_rate = (sum(1 for p in known if p) / len(known)) if known else None
    return {
        "code": code, "title": title, "practice": practice, "n": n,
        "passed": sum(1 for p in known if p), "failed": sum(1 for p in known if not p),
        "pass_rate": pass_rate, "pass_rate_text": "—" if pass_rate is None else f"{round(pass_rate * 100)} %",
        "mean": round(statistics.mean(scores)) if scores else None,
        "median": round(statistics.median(scores)) if scores else None,
        "min": min(scores) if scores else None, "max": max(scores) if scores else None,
        "passing_score": passing, "max_score": max_score,
        "histogram": histogram_svg(scores, lo=0, hi=max_score, passing=None if practice else passing,
                                   unit="%" if practice else ""),
        "domains": domains, "grid": grid,
        "reteach": [d for d in domains if d["needs_improvement"] or d["near_baseline"]][:3],
    }


def _stack_svg(d: dict[str, Any], n: int, width: int = 150, height: int = 10) -> str:
    """A small stacked bar: how many candidates are in each band for one domain."""
    if n <= 0:
        return ""
    parts, x = [], 0.0
    for band in ("needs_improvement", "near_baseline", "above_baseline"):
        w = width * d[band] / n
        if w > 0:
            parts.append(f'<rect x="{x:.2f}" y="0" width="{w:.2f}" height="{height}" fill="{BAND_COLOURS[band]}"/>')
        x += w
    if x < width:
        parts.append(f'<rect x="{x:.2f}" y="0" width="{width - x:.2f}" height="{height}" fill="#eceff1"/>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}">{"".join(parts)}</svg>')


def histogram_svg(scores: list[int], *, lo: int, hi: int, passing: int | None, unit: str = "",
                  width: int = 460, height: int = 170) -> str:
    """Score distribution: bins of a tenth of the range (or a twentieth when scores are bunched)."""
    if not scores:
        return ""
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
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, sans-serif" font-size="8">']
    for t in range(0, top + 1, max(1, (top + 3) // 4)):
        y = mt + ph - ph * t / top
        out.append(f'<line x1="{ml}" y1="{y:.1f}" x2="{ml + pw}" y2="{y:.1f}" stroke="#e5e8e8" stroke-width="0.6"/>')
        out.append(f'<text x="{ml - 4}" y="{y + 3:.1f}" text-anchor="end" fill="#5d6d7e">{t}</text>')
    for i, (b, c) in enumerate(zip(bins, counts)):
        x = ml + i * bw
        h = ph * c / top
        fail = passing is not None and b + step <= passing
        fill = "#c0392b" if fail else ("#1e8449" if passing is not None and b >= passing else "#2e86c1")
        if c:
            out.append(f'<rect x="{x + 1:.1f}" y="{mt + ph - h:.1f}" width="{bw - 2:.1f}" height="{h:.1f}" '
                       f'fill="{fill}"/>')
            out.append(f'<text x="{x + bw / 2:.1f}" y="{mt + ph - h - 2:.1f}" text-anchor="middle" '
                       f'fill="#1c2833" font-size="7.5">{c}</text>')
        if i % max(1, len(bins) // 10) == 0:
            out.append(f'<text x="{x:.1f}" y="{mt + ph + 11}" text-anchor="middle" fill="#5d6d7e">{b}{unit}</text>')
    out.append(f'<text x="{ml + pw:.1f}" y="{mt + ph + 11}" text-anchor="end" fill="#5d6d7e">{end}{unit}</text>')
    out.append(f'<line x1="{ml}" y1="{mt + ph}" x2="{ml + pw}" y2="{mt + ph}" stroke="#5d6d7e" stroke-width="0.8"/>')
    if passing is not None and start <= passing <= end:
        x = ml + pw * (passing - start) / (len(bins) * step)
        out.append(f'<line x1="{x:.1f}" y1="{mt - 14}" x2="{x:.1f}" y2="{mt + ph}" stroke="#17202a" '
                   f'stroke-width="1.2" stroke-dasharray="3,2"/>')
        out.append(f'<text x="{x + 3:.1f}" y="{mt - 16}" fill="#17202a" font-size="7.5">'
                   f'passing score {passing}</text>')
    out.append(f'<text x="{ml + pw / 2:.1f}" y="{height - 4}" text-anchor="middle" fill="#5d6d7e">'
               f'{escape("score (" + ("percent" if unit else "scaled, 1–1000") + ")")} · candidates per bin</text>')
    out.append("</svg>")
    return "".join(out)


def render_cohort_html(data: dict[str, Any], *, template_dir: str | os.PathLike[str] | None = None) -> str:
    import jinja2
    from markupsafe import Markup

    from ..render.html import template_roots

    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(r)) for r in template_roots(template_dir)]),
        autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["svg"] = lambda s: Markup(s or "")  # SVG built here from numbers and escaped text
    env.globals.update(band_colours=BAND_COLOURS, band_marks=BAND_MARK, band_labels=BAND_LABELS,
                       band_text=BAND_TEXT)
    return env.get_template("cohort.html").render(data=data)


def write_cohort_pdf(data: dict[str, Any], out: str | os.PathLike[str]) -> Path:
    """Render through the project's PDF path (local-only URL fetcher) and write atomically."""
    from ..render.atomic import atomic_write
    from ..render.outputs import MARK_COHORT, mark_html
    from ..render.pdf import html_to_pdf

    # marked in its metadata, so a later batch over a folder holding it skips it (never a "candidate")
    return atomic_write(out, html_to_pdf(mark_html(render_cohort_html(data), MARK_COHORT, None)))
