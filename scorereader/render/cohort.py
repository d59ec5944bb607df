"""The cohort summary → HTML (the shared Jinja environment, `cohort.html`) → PDF, written atomically.

`batch.cohort.cohort_data()` computes the numbers (JSON-able, so a batch worker can render them);
the template and the chart macros draw them.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .atomic import atomic_write
from .environment import environment


def render_cohort_html(data: dict[str, Any], *, template_dir: str | os.PathLike[str] | None = None) -> str:
    return environment(template_dir).get_template("cohort.html").render(data=data)


def write_cohort_pdf(data: dict[str, Any], out: str | os.PathLike[str], *,
                     template_dir: str | os.PathLike[str] | None = None) -> Path:
    """Render through the project's PDF path (local-only URL fetcher) and write atomically."""
    from .outputs import MARK_COHORT, mark_html
    from .pdf import html_to_pdf

    # marked in its metadata, so a later batch over a folder holding it skips it (never a "candidate")
    html = mark_html(render_cohort_html(data, template_dir=template_dir), MARK_COHORT, None)
    return atomic_write(out, html_to_pdf(html, template_dir=template_dir))
