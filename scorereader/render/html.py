"""Plan → HTML with Jinja2 (autoescaped). Templates: --template-dir first, then the packaged ones."""
from __future__ import annotations

import os

from markupsafe import Markup

from ..plan.model import Plan
from . import charts
from .environment import environment, fmt_day, fmt_range, packaged_templates, template_roots

__all__ = ["render_html", "render_chart", "plan_title", "environment", "template_roots", "packaged_templates",
           "fmt_day", "fmt_range", "PAPER", "KIND_TITLES"]

PAPER = {"a4": "A4", "letter": "letter"}
KIND_TITLES = {
    "retake": "Retake plan",
    "strengthen": "Strengthen plan",
    "foundation_first": "Foundation-first plan",
}
PRACTICE_TITLE = "Study plan"   # a practice assessment is not a retake
CHARTS = "partials/charts.html"  # the chart macros


def plan_title(plan: Plan) -> str:
    """The plan's title: a practice assessment gets a study plan, not "Retake plan · attempt 1"."""
    if plan.report_type == "practice_assessment":
        return PRACTICE_TITLE
    return KIND_TITLES.get(plan.kind, "Study plan")


def render_chart(macro: str, data: object, *, template_dir: str | os.PathLike[str] | None = None) -> Markup:
    """One chart macro of `partials/charts.html` drawn on its own (tests, previews)."""
    return Markup(getattr(environment(template_dir).get_template(CHARTS).module, macro)(data))


def render_html(plan: Plan, *, paper: str = "a4", template_dir: str | os.PathLike[str] | None = None,
                template: str = "plan.html") -> str:
    """The plan as a self-contained HTML document (CSS inlined, charts drawn by the chart macros)."""
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
        kind_titles=KIND_TITLES,
        perf=charts.performance_chart(plan),
        split=charts.time_split_chart(plan),
        weeks_of=weeks_of,
    )
