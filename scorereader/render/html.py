"""Plan → HTML with Jinja2 (autoescaped). Templates: --template-dir first, then the packaged ones."""
from __future__ import annotations

import datetime as dt
import functools
import os
from importlib import resources
from pathlib import Path

import jinja2

from ..plan.model import Plan
from . import svg

PAPER = {"a4": "A4", "letter": "letter"}
KIND_TITLES = {
    "retake": "Retake plan",
    "strengthen": "Strengthen plan",
    "foundation_first": "Foundation-first plan",
}
PRACTICE_TITLE = "Study plan"   # a practice assessment is not a retake


def plan_title(plan: Plan) -> str:
    """The plan's title: a practice assessment gets a study plan, not "Retake plan · attempt 1"."""
    if plan.report_type == "practice_assessment":
        return PRACTICE_TITLE
    return KIND_TITLES.get(plan.kind, "Study plan")


def packaged_templates() -> Path:
    """The packaged `templates/` directory (the `scorereader.templates` package)."""
    return Path(str(resources.files("scorereader.templates")))


def template_roots(template_dir: str | os.PathLike[str] | None = None) -> list[Path]:
    roots = [Path(template_dir)] if template_dir else []
    return [*roots, packaged_templates()]


@functools.lru_cache(maxsize=8)
def _environment(roots: tuple[str, ...]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(r) for r in roots]),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        day=fmt_day, dayname=fmt_dayname, range=fmt_range, hours=fmt_hours, pct=fmt_pct, band=band_label,
    )
    env.globals.update(band_colour=svg.band_colour, kind_titles=KIND_TITLES)
    return env


def environment(template_dir: str | os.PathLike[str] | None = None) -> jinja2.Environment:
    return _environment(tuple(str(r) for r in template_roots(template_dir)))


# ---- formatting filters (formatting only: every value comes from the plan model)

def fmt_day(day: dt.date | str | None) -> str:
    """18 May 2026 (also from an ISO date string, as plan.history holds them)"""
    if isinstance(day, str):
        try:
            day = dt.date.fromisoformat(day)
        except ValueError:
            return day
    return f"{day.day} {day:%b %Y}" if day else "—"


def fmt_dayname(day: dt.date | None) -> str:
    """Fri 22 May"""
    return f"{day:%a} {day.day} {day:%b}" if day else "—"


def fmt_range(start: dt.date, end: dt.date) -> str:
    """18 May – 24 May 2026 (years on both ends when they differ)."""
    if start.year != end.year:
        return f"{fmt_day(start)} – {fmt_day(end)}"
    return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"


def fmt_hours(hours: float) -> str:
    return f"{hours:g} h"


def fmt_pct(x: float | None) -> str:
    return "—" if x is None else f"{round(x * 100)} %"


def band_label(band: str | None) -> str:
    return svg.BAND_LABELS.get(band, "No result")


def render_html(plan: Plan, *, paper: str = "a4", template_dir: str | os.PathLike[str] | None = None,
                template: str = "plan.html") -> str:
    """The plan as a self-contained HTML document (CSS inlined, charts as inline SVG)."""
    if paper not in PAPER:
        raise ValueError(f"paper must be one of {', '.join(PAPER)}")
    env = environment(template_dir)
    weeks_of: dict[str, list[int]] = {}
    for w in plan.weeks_plan:
        for b in w.blocks:
            weeks_of.setdefault(b.domain, []).append(w.week)
    return env.get_template(template).render(
        plan=plan,
        page_size=PAPER[paper],
        title=plan_title(plan),
        perf_chart=svg.performance_chart(plan),
        split_chart=svg.time_split_chart(plan),
        weeks_of=weeks_of,
    )
