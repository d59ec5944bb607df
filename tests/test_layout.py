"""Every printed page is laid out cleanly: no text over other text, over a box edge or a rule, out of
its table cell or off the page (tests/layout_check.py reads the PDFs back with pdfplumber).

Covered: the plan of every text fixture's model at A4 and Letter, synthetic edge cases (unknown
weights, six long GitHub-style names without weights, 10 weeks, a retired exam) at both sizes, and
a cohort PDF holding all of them. The checker itself is shown to fail on the two defects of issue 17.
"""
from __future__ import annotations

import re

import pytest

from layout_check import check_pdf
from layout_cases import (START, dp203_retired, edge_plans, fixture_reports, github_six_long_no_weights,
                          sc900_unknown_weight)
from scorereader.plan import PlanOptions, build_plan

PAPERS = ("a4", "letter")
FIXTURE_NAMES = sorted(fixture_reports())
EDGE_NAMES = sorted(edge_plans())


def _plan(name: str):  # noqa: ANN202
    reports = fixture_reports()
    if name in reports:
        return build_plan(reports[name], PlanOptions(start=START))
    return edge_plans()[name]


def _assert_clean(data: bytes, what: str) -> int:
    problems, pages = check_pdf(data)
    assert pages >= 1
    assert not problems, f"{what}: {len(problems)} layout problem(s)\n" + "\n".join(map(str, problems))
    return pages


@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("name", FIXTURE_NAMES + EDGE_NAMES)
def test_plan_pages_are_clean(name, paper):
    from scorereader.render.pdf import render_pdf

    _assert_clean(render_pdf(_plan(name), paper=paper), f"{name} ({paper})")


def test_cohort_pages_are_clean(tmp_path):
    from scorereader.batch.cohort import cohort_data
    from scorereader.render.cohort import write_cohort_pdf

    reports = [*fixture_reports().values(), sc900_unknown_weight(), github_six_long_no_weights(), dp203_retired()]
    rows = [{"file": f"r{i}.pdf", "status": "ok", "report": r.to_json(), "attempt": 1} for i, r in enumerate(reports)]
    # a second GH-300 candidate with a very long name, so that exam has a class to compare
    extra = github_six_long_no_weights().to_json()
    extra["candidate"]["name"] = "Bartholomew Fitzgerald-Montgomery-Wolstenholme-Smythe"
    extra["domains"] = [dict(d, band="near_baseline") for d in extra["domains"]]
    rows.append({"file": "extra.pdf", "status": "ok", "report": extra, "attempt": 2})
    out = write_cohort_pdf(cohort_data(rows, title="Cohort: layout check"), tmp_path / "cohort.pdf")
    assert _assert_clean(out.read_bytes(), "cohort") >= 2


# ------------------------------------------------------------------ the checker catches what issue 17 saw

def _summary_html(plan, paper: str = "a4") -> str:  # noqa: ANN001
    from scorereader.render import render_html

    return render_html(plan, paper=paper)


def test_checker_fails_on_the_old_weight_unknown_cell():
    """Today's fix prints `—`; put the old words back into the cell and the checker must object."""
    from scorereader.render.pdf import html_to_pdf

    html = _summary_html(edge_plans()["sc900-unknown-weight"])
    old, n = re.subn(r'(<td class="r w-unknown">)[^<]*(</td>)', r"\1weight unknown\2", html)
    assert n == 1
    kinds = {p.kind for p in check_pdf(html_to_pdf(old))[0]}
    assert {"overlap", "cell"} <= kinds


def test_checker_fails_when_cell_padding_is_removed():
    from scorereader.render.pdf import html_to_pdf

    html = _summary_html(edge_plans()["dp203-retired"])
    assert check_pdf(html_to_pdf(html))[0] == []
    bare = html.replace("</style>", "table.alloc td { padding: 0; }\n</style>", 1)
    problems = check_pdf(html_to_pdf(bare))[0]
    assert any(p.kind == "cell" for p in problems), problems


def test_checker_fails_on_a_label_too_wide_for_its_bar_segment():
    from scorereader.render.pdf import html_to_pdf

    html = _summary_html(edge_plans()["gh300-six-long-noweights"])
    html, n = re.subn(r'(<div class="sc-seg [^"]*" style="[^"]*">)[^<]*(</div>)', r"\1 label far too wide for it \2", html)
    assert n >= 6
    problems = check_pdf(html_to_pdf(html))[0]
    assert any(p.kind == "crosses-box" for p in problems), problems


# ------------------------------------------------------------------ what the fixed cells say

def _text(data: bytes) -> str:
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return " ".join(" ".join(page.extract_text() or "" for page in pdf.pages).split())


def test_unknown_weight_is_a_dash_with_one_footnote():
    from scorereader.render.pdf import render_pdf

    gh = _text(render_pdf(edge_plans()["gh300-six-long-noweights"], paper="letter"))
    assert gh.count("— Weight unknown: not printed on the report and not in the exam catalog") == 1
    assert gh.count("weight unknown · result") == 6        # the detail pages say it in words, once each
    assert "weight weight" not in gh
    dp = _text(render_pdf(edge_plans()["dp203-retired"]))
    assert "Weight unknown" not in dp and "30–35 %" in dp  # known weights: no footnote


def test_every_segment_hours_are_printed_in_the_bar_or_in_its_key():
    from scorereader.render.charts import SPLIT_CHART_PT, label_width, time_split_chart
    from scorereader.render.html import render_chart

    def drawn(plan):  # noqa: ANN001, ANN202 - the chart as the packaged macro draws it
        return str(render_chart("time_split_chart", time_split_chart(plan)))

    for plan in edge_plans().values():
        html = drawn(plan)
        segs = re.findall(r'width: ([\d.]+)%">([^<]*)</div>', html)
        key = re.findall(r'</span>([^<]*)</span>', html)
        shown = [d for d in plan.domains if d.hours > 0]
        assert len(segs) == len(shown)
        for n, (d, (pct, label)) in enumerate(zip(shown, segs), start=1):
            full = f"{n} · {d.hours:g} h"
            assert label in (full, str(n), "")
            assert label_width(label) <= float(pct) / 100 * SPLIT_CHART_PT
            assert (label == full) != (full in key), (full, label, key)
    plan = edge_plans()["gh300-six-long-noweights"]
    six = drawn(plan)
    last = f"6 · {plan.domains[-1].hours:g} h"
    assert ">6</div>" in six and last in six  # the last, narrow segment: number in the bar, hours in the key


# ------------------------------------------------------------------ each check can fail

_PAGE = ('<html><head><style>@page {{ size: A4; margin: 20mm }} html {{ font: 10pt "DejaVu Sans" }}</style></head>'
         '<body><p>Some ordinary text first.</p>{}</body></html>')
BROKEN = {
    "overlap": '<div style="position: relative; height: 20pt"><span style="position: absolute; left: 0">'
               'Weight unknown</span><span style="position: absolute; left: 30pt">11.5 h</span></div>',
    "off-page": '<p style="margin-left: -40mm">Runs off the left edge of the page</p>',
    "crosses-box": '<div style="background: #c0392b; color: #fff; width: 30pt; white-space: nowrap">5 · 12.5 h</div>',
    "crossed-by-rule": '<p style="height: 4pt; line-height: 10pt; border-bottom: 1pt solid #000">Crossed out</p>',
}


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_each_check_fails_on_its_defect(kind):
    from scorereader.render.pdf import html_to_pdf

    assert check_pdf(html_to_pdf(_PAGE.format("")))[0] == []
    problems = check_pdf(html_to_pdf(_PAGE.format(BROKEN[kind])))[0]
    assert kind in {p.kind for p in problems}, problems
