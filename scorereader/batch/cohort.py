"""The cohort PDF: per exam, the pass rate, the score distribution and a heat map of skill areas ×
candidates, with the areas ranked by how many candidates need improvement (what to reteach first).

`cohort_data()` computes everything (JSON-able, so a worker can render it); `render/cohort.py`, the
template and its chart macros lay it out. Each candidate counts once per exam: their latest attempt.
"""
from __future__ import annotations

import datetime as dt
import statistics
from typing import Any

from ..bands import RANK, Band
from ..catalog import area_of
from ..render.charts import band_stack, histogram
from .history import group_key


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
                                                **dict.fromkeys(RANK, 0)})
            if d.get("band") in RANK:
                info[d["band"]] += 1
            if info["weight_min"] is None and d.get("weight_min") is not None:
                info["weight_min"], info["weight_max"] = d["weight_min"], d["weight_max"]
    domains = sorted(order.values(), key=lambda x: (-x[Band.NEEDS_IMPROVEMENT], -x[Band.NEAR_BASELINE],
                                                    -((x["weight_max"] or 0) + (x["weight_min"] or 0)),
                                                    x["first"]))
    n = len(reps)
    for rank, d in enumerate(domains, 1):
        d["rank"] = rank
        d["reported"] = sum(d[b] for b in RANK)
        d["weight"] = (f"{d['weight_min']}–{d['weight_max']} %" if d["weight_min"] is not None
                       and d["weight_max"] is not None else "—")
        d["bar"] = band_stack(d, n)
    grid = []
    for m in sorted(members, key=lambda m: (_label(m["report"], m).casefold(), m["file"])):
        rep = m["report"]
        bands = {area_of(code, d["name"])[0]: d.get("band") for d in rep.get("domains", [])}
        cells = []
        for d in domains:
            cells.append({"band": bands.get(d["key"])})   # the template looks each band up
        weak = sum(1 for c in cells if c["band"] == Band.NEEDS_IMPROVEMENT)
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
        "histogram": histogram(scores, lo=0, hi=max_score, passing=None if practice else passing,
                                   unit="%" if practice else ""),
        "domains": domains, "grid": grid,
        "reteach": [d for d in domains if d[Band.NEEDS_IMPROVEMENT] or d[Band.NEAR_BASELINE]][:3],
    }
