"""The one Jinja environment every document is rendered with (plan and cohort alike).

Templates: `--template-dir` first, then the packaged ones, so an override replaces any file —
a page, a partial, the CSS or the chart macros (`partials/charts.html`). Autoescaped.
"""
from __future__ import annotations

import datetime as dt
import functools
import os
from importlib import resources
from pathlib import Path

import jinja2

from .. import bands


def packaged_templates() -> Path:
    """The packaged `templates/` directory (the `scorereader.templates` package)."""
    return Path(str(resources.files("scorereader.templates")))


def template_roots(template_dir: str | os.PathLike[str] | None = None) -> list[Path]:
    roots = [Path(template_dir)] if template_dir else []
    return [*roots, packaged_templates()]


def environment(template_dir: str | os.PathLike[str] | None = None) -> jinja2.Environment:
    return _environment(tuple(str(r) for r in template_roots(template_dir)))


@functools.lru_cache(maxsize=8)
def _environment(roots: tuple[str, ...]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(r) for r in roots]),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        day=fmt_day, dayname=fmt_dayname, range=fmt_range, hours=fmt_hours, pct=fmt_pct, band=bands.label,
    )
    env.globals.update(bands=bands.BANDS, band_rank=bands.RANK, band_colour=bands.colour, band_look=band_look,
                       not_reported=bands.NOT_REPORTED)
    return env


def band_look(band: str | None) -> dict[str, str]:
    """A heat-map cell's look: label, colour, text colour and mark (the not-reported look for none)."""
    b = bands.Band.of(band)
    if b is None:
        return bands.NOT_REPORTED
    return {"label": b.label, "colour": b.colour, "text": b.text_colour, "mark": b.mark}


# ---- formatting filters (formatting only: every value comes from the model)

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
