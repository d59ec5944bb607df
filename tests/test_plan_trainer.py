"""Issue 12, "a plan a trainer would sign": one test per item under Wrong and Missing, end to end.

Plans are built from real fixture reports through the real CLI (or from constructed reports with the
real or a stub catalog), rendered with real WeasyPrint and read back with pdfplumber and icalendar.
"""
from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import replace

import pdfplumber
import pytest
from icalendar import Calendar

from conftest import FIXTURES, run_cli, validate_plan
from scorereader.commands.plan import summary_lines
from scorereader.plan import PlanOptions, build_plan
from scorereader.render.ics import render_ics
from test_planner import (AB, ALL_WEAK, AZ104, CMP, ID, MON, NB, NET, NI, ONE_WEAK, STO, WEIGHTS, D, Exam, Outline,
                          Spec, plan, report)
from test_render import column_text, pdf_text

TEXT = FIXTURES / "text"


def render(p, paper="a4"):
    from scorereader.render.pdf import render_pdf

    data = render_pdf(p, paper=paper)
    text, pages = pdf_text(data)
    return data, text


def first_page(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return " ".join((pdf.pages[0].extract_text() or "").split())


def cli_plan(tmp_path, fixture: str, *args: str) -> tuple[dict, str, bytes, Calendar]:
    out = tmp_path / fixture
    proc = run_cli("plan", str(TEXT / f"{fixture}.pdf"), "-o", f"{out}/", "--json", "--ics", *args)
    assert proc.returncode == 0, proc.stderr
    obj = json.loads(proc.stdout.strip().splitlines()[-1])
    validate_plan(obj)
    pdf = (out / f"{fixture}.retake-plan.pdf").read_bytes()
    cal = Calendar.from_ical((out / f"{fixture}.retake-plan.ics").read_bytes())
    return obj, proc.stderr, pdf, cal


# ---------------------------------------------------------------- Wrong: retired exams

@pytest.fixture(scope="module")
def az204(tmp_path_factory):
    """AZ-204 retired on 2026-07-31 (successor AI-200); a March 2026 report planned in December."""
    return cli_plan(tmp_path_factory.mktemp("az204"), "az204-fail-twopage", "--start", "2026-12-07")


def test_retired_exam_gets_a_notice_first_and_the_successor_as_target(az204):
    obj, stderr, pdf, cal = az204
    assert obj["exam"]["code"] == "AZ-204"
    assert obj["target"]["code"] == "AI-200"
    assert obj["notices"] and "AZ-204 retired on 31 Jul 2026" in obj["notices"][0]
    assert obj["earliest_retake"] is None            # a new exam is a first attempt
    page1 = first_page(pdf)
    notice_at = page1.find("AZ-204 retired on 31 Jul 2026")
    assert 0 <= notice_at < page1.find("What to fix first")
    assert "EXAM TO SIT AI-200" in page1
    text = pdf_text(pdf)[0]
    assert "book now" not in text and "the wait is over" not in text
    assert "Notice: AZ-204 retired" in stderr
    summaries = [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
    assert not any("earliest allowed retake" in s for s in summaries)
    assert any(s.startswith("AI-200: recommended exam date") for s in summaries)


OLD1, OLD2, OLD3 = "Develop compute solutions", "Develop for storage", "Old-only area"
NEW1, NEW2, NEW3 = "Build compute apps", "Build data apps", "Build agents"
OLD = Exam("AZ-204", "Developing Solutions", "associate", "AZ-900", (Outline(D(2026, 1, 14), (
    Spec("compute", OLD1, 25, 30), Spec("storage", OLD2, 15, 20), Spec("old", OLD3, 10, 15))),),
    retired=D(2026, 7, 31), successor="AI-200", successor_areas={"compute": "apps", "storage": "data"})
NEW = Exam("AI-200", "Azure AI apps", "associate", "AI-900", (Outline(D(2026, 6, 1), (
    Spec("apps", NEW1, 30, 35, skills=("Build a container app",)), Spec("data", NEW2, 25, 30),
    Spec("agents", NEW3, 35, 40))),))
GONE = replace(OLD, code="AZ-203", successor=None, successor_areas={})
STUB = {"AZ-204": OLD, "AI-200": NEW, "AZ-203": GONE, "AZ-104": AZ104}


def _old_report(code="AZ-204"):
    r = report({OLD1: NI, OLD2: AB, OLD3: NB}, code=code, day=D(2026, 3, 9),
                weights={OLD1: (25, 30), OLD2: (15, 20), OLD3: (10, 15)})
    r.exam.outline = "2026-01-14"
    return r


def test_retired_exam_plans_the_successor_outline_with_bands_carried_over():
    p = build_plan(_old_report(), PlanOptions(start=D(2026, 12, 7)), catalog=STUB.get)
    j = p.to_json()
    validate_plan(j)
    assert j["target"] == {"code": "AI-200", "title": "Azure AI apps", "outline": "2026-06-01"}
    by = {d["name"]: d for d in j["domains"]}
    assert set(by) == {NEW1, NEW2, NEW3}                      # the successor's names and weights
    assert by[NEW1]["band"] == NI and by[NEW1]["was"] == OLD1 and (by[NEW1]["weight_min"], by[NEW1]["weight_max"]) == (30, 35)
    assert by[NEW2]["band"] == AB
    assert by[NEW3]["band"] is None and by[NEW3]["new"] and "new material" in by[NEW3]["reason"]
    assert j["earliest_retake"] is None and j["recommended_exam_date"]
    data, text = render(p)
    assert "new material" in text and "was “Develop compute solutions”" in text


def test_retired_exam_without_successor_has_a_notice_and_no_bookable_date():
    p = build_plan(_old_report("AZ-203"), PlanOptions(start=D(2026, 12, 7)), catalog=STUB.get)
    j = p.to_json()
    validate_plan(j)
    assert j["target"]["code"] is None and j["recommended_exam_date"] is None and j["earliest_retake"] is None
    assert j["readiness"] is None
    assert "no direct successor" in j["notices"][0]
    data, text = render(p)
    assert "no direct successor" in first_page(data) and "Book the exam for" not in text
    r = _old_report("AZ-203")
    for d in r.domains:
        d.band = NI
    weak = build_plan(r, PlanOptions(start=D(2026, 12, 7)), catalog=STUB.get)
    assert weak.kind != "foundation_first" and weak.foundation_first is None   # nothing to return to


def test_an_exam_retiring_before_the_recommended_date_is_planned_as_its_successor():
    p = build_plan(_old_report(), PlanOptions(start=D(2026, 7, 1)), catalog=STUB.get)
    assert p.recommended_exam_date > D(2026, 7, 31)
    assert p.target_code == "AI-200"
    assert any("AZ-204 retires on 31 Jul 2026" in n for n in p.notices)
    early = build_plan(_old_report(), PlanOptions(start=D(2026, 5, 1), weeks=4), catalog=STUB.get)
    assert early.target_code == "AZ-204" and not early.notices


# ---------------------------------------------------------------- Wrong: the outline in force

@pytest.fixture(scope="module")
def az104_2022(tmp_path_factory):
    return cli_plan(tmp_path_factory.mktemp("az104old"), "az104-old-outline-2022", "--start", "2026-12-07")


def test_stale_outline_is_planned_against_the_current_outline_with_a_warning(az104_2022):
    from scorereader.catalog import get_exam

    obj, _, pdf, _ = az104_2022
    current = get_exam("AZ-104").outline_on(D(2027, 2, 1))
    assert obj["target"]["outline"] == current.effective.isoformat() != "2021-04-23"
    names = {d.name: (d.weight_min, d.weight_max) for d in current.domains}
    assert {d["name"]: (d["weight_min"], d["weight_max"]) for d in obj["domains"]} == names
    assert any("23 Apr 2021 skills outline" in n for n in obj["notices"])
    renamed = [d for d in obj["domains"] if d["was"]]
    assert renamed and all(d["band"] for d in renamed)
    # a 2022 report: over 12 months old → take a fresh practice assessment first
    assert any("fresh practice assessment" in n for n in obj["notices"])
    assert "23 Apr 2021 skills outline" in first_page(pdf)


# ---------------------------------------------------------------- Wrong: checkpoints and the mock exam

@pytest.mark.parametrize("start", [D(2026, 5, 18) + dt.timedelta(days=i) for i in range(7)])
def test_no_checkpoint_in_a_weeks_first_two_days_and_the_mock_exam_ends_the_plan(start):
    p = plan(report(ONE_WEAK), start=start)
    for w in p.weeks_plan:
        assert w.checkpoint.weekday() == 4 and (w.checkpoint - w.start).days >= 2
    milestones = [w.milestone for w in p.weeks_plan if w.milestone]
    assert milestones[-1] == "mock_exam" and p.weeks_plan[-1].milestone == "mock_exam"
    assert p.weeks_plan[-1].checkpoint > p.weeks_plan[-1].start + dt.timedelta(days=1)


def test_ics_and_pdf_agree_on_every_checkpoint_including_the_review_week():
    p = plan(report(ONE_WEAK), start=D(2026, 5, 22))          # a Friday start
    cal = Calendar.from_ical(render_ics(p))
    data, _ = render(p)
    cols = column_text(data)
    for w in p.weeks_plan:
        ev = [e for e in cal.walk("VEVENT") if e.decoded("DTSTART") == w.checkpoint
              and f"week {w.week}" in str(e["SUMMARY"])]
        assert len(ev) == 1 and w.checkpoint_task in str(ev[0]["DESCRIPTION"])
        assert w.checkpoint_task in cols
    last = p.weeks_plan[-1]
    assert "mock exam" in str([e for e in cal.walk("VEVENT") if e.decoded("DTSTART") == last.checkpoint][0]["SUMMARY"])


# ---------------------------------------------------------------- Wrong: fix first

def test_fix_first_never_lists_an_above_baseline_area():
    bands = {ID: AB, STO: AB, CMP: AB, NET: AB, MON: AB}
    passed = plan(report(bands, passed=True, score=861))
    assert passed.top_domains == []
    assert "Fix first: —" in "\n".join(summary_lines(passed))
    p = plan(report({ID: AB, STO: AB, CMP: AB, NET: NI, MON: AB}))
    assert [d.name for d in p.top_domains] == [NET]
    data, _ = render(p)
    with pdfplumber.open(io.BytesIO(data)) as pdf:   # only the top rows' names are bold in the table
        words = pdf.pages[0].extract_words(extra_attrs=["fontname"])
    bold = {w["text"] for w in words if "Bold" in w["fontname"]}
    assert "networking" in bold and "governance" not in bold and "compute" not in bold


# ---------------------------------------------------------------- Wrong: patterns

def _ids(p):
    return {x.id for x in p.patterns}


def test_strong_where_it_counts_least_needs_the_high_weight_areas_not_strong():
    # monitoring (low weight) strong, compute (high) weak — but identity (high) is strong too
    p = plan(report({ID: AB, STO: NB, CMP: NI, NET: NB, MON: AB}))
    assert "misallocated" not in _ids(p)
    q = plan(report({ID: NB, STO: NB, CMP: NI, NET: AB, MON: AB}))
    assert "misallocated" in _ids(q)


def test_security_blind_spot_advice_stays_on_the_exams_outline():
    from scorereader.catalog import get_exam

    exam = get_exam("AZ-800")
    outline = exam.outline_on(D(2026, 3, 1))
    bands = {d.name: AB for d in outline.domains}
    adds = next(d for d in outline.domains if "identity" in d.tags)
    bands[adds.name] = NI
    r = report(bands, code="AZ-800", day=D(2026, 3, 1),
               weights={d.name: (d.weight_min, d.weight_max) for d in outline.domains})
    r.exam.outline = outline.effective.isoformat()
    p = build_plan(r, PlanOptions(start=D(2026, 3, 9)))
    hit = next(x for x in p.patterns if x.id == "security_blind_spot")
    assert "Key Vault" not in hit.advice and "Conditional Access" not in hit.advice
    own = outline.advice.get("security_blind_spot")   # the catalog's advice for this outline wins
    assert hit.advice == own if own else adds.skills[0] in hit.advice
    data, text = render(p)
    assert "Security blind spot" in text and "Key Vault" not in text


def test_fundamentals_exam_is_not_told_to_build_labs_and_advice_names_outline_skills():
    from scorereader.catalog import get_exam

    outline = get_exam("AZ-900").outline_on(D(2026, 8, 1))
    names = [d.name for d in outline.domains]
    hands_on = [d for d in outline.domains if d.hands_on]
    bands = {n: (NI if any(n == d.name for d in hands_on) else AB) for n in names}
    r = report(bands, code="AZ-900", day=D(2026, 8, 1),
               weights={d.name: (d.weight_min, d.weight_max) for d in outline.domains})
    p = build_plan(r, PlanOptions(start=D(2026, 8, 10)))
    assert p.level == "fundamentals"
    assert "theory_strong_practice_weak" not in _ids(p)
    assert not any("real environments" in x.advice for x in p.patterns)
    net = plan(report(ONE_WEAK))
    hit = next(x for x in net.patterns if x.id == "networking_nightmare")
    assert "Configure virtual networks" in hit.advice        # the outline's own skill
    assert "load balancer" not in hit.advice.lower()


def test_pattern_sentences_agree_in_number():
    p = plan(report({ID: AB, STO: NB, CMP: NI, NET: NI, MON: AB}))
    hit = next(x for x in p.patterns if x.id == "theory_strong_practice_weak")
    assert " are above baseline" in hit.evidence and " need improvement" in hit.evidence
    one = plan(report({ID: AB, STO: NB, CMP: NI, NET: NI, MON: NB}))
    hit = next(x for x in one.patterns if x.id == "theory_strong_practice_weak")
    assert "(20–25 %) is above baseline" in hit.evidence
    many = plan(report({ID: AB, STO: AB, CMP: NI, NET: NI, MON: AB},
                       weights={ID: (20, 25), STO: (10, 15), CMP: (20, 25), NET: (15, 20), MON: (10, 15)}))
    sec = [x for x in many.patterns if x.id == "security_blind_spot"]
    assert not sec or " are above baseline" in sec[0].evidence or " is above baseline" in sec[0].evidence


# ---------------------------------------------------------------- Wrong: hours for a fundamentals exam

def test_all_weak_fundamentals_exam_gets_fundamentals_hours_in_the_pdf():
    from scorereader.catalog import get_exam

    outline = get_exam("AZ-900").outline_on(D(2026, 8, 1))
    r = report({d.name: NI for d in outline.domains}, code="AZ-900", day=D(2026, 8, 1),
               weights={d.name: (d.weight_min, d.weight_max) for d in outline.domains})
    p = build_plan(r, PlanOptions(start=D(2026, 8, 10)))
    associate = plan(report(ALL_WEAK))
    assert p.total_hours <= 30 < 90 <= associate.total_hours
    data, text = render(p)
    assert f"{p.total_hours:g} h" in text and "fundamentals-level material" not in text


def test_one_weak_area_of_five_gets_over_half_the_hours():
    p = plan(report(ONE_WEAK))
    weak = next(d for d in p.domains if d.band == NI)
    assert weak.share > 0.5
    data, text = render(p)
    assert f"{weak.hours:g} h · {round(weak.share * 100)} %" in text


# ---------------------------------------------------------------- Wrong: attempts and dates

def test_fifth_failure_moves_the_study_weeks_to_just_before_the_allowed_date():
    p = build_plan(report(ONE_WEAK, day=D(2026, 11, 2)),
                   PlanOptions(attempt=5, first_attempt=D(2026, 3, 2)), catalog={"AZ-104": AZ104}.get)
    assert p.earliest_retake == D(2027, 3, 2)
    assert p.recommended_exam_date >= p.earliest_retake
    assert 0 <= (p.recommended_exam_date - p.end).days <= 7      # no months-long gap after the last week
    assert any("12 months" in n for n in p.notices)
    fixed = plan(report(ONE_WEAK, day=D(2026, 11, 2)), attempt=5, first_attempt=D(2026, 3, 2), start=D(2026, 11, 9))
    assert fixed.recommended_note.startswith("the earliest allowed retake")
    assert any("weeks after the study weeks end" in n for n in fixed.notices)
    data, text = render(fixed)
    assert "after the last study week" not in text and "the earliest allowed retake" in text


def test_sixth_attempt_opens_a_new_window():
    p = plan(report(ONE_WEAK, day=D(2027, 4, 1)), attempt=6)
    assert p.earliest_retake == D(2027, 4, 2)


def test_first_attempt_option_on_the_command_line(tmp_path):
    obj, *_ = cli_plan(tmp_path, "az104-fail-classic", "--attempt", "5", "--first-attempt", "2025-12-01",
                       "--start", "2026-05-18")
    assert obj["earliest_retake"] == "2026-12-01" and obj["first_attempt"] == "2025-12-01"


def test_calendar_holds_no_past_events():
    p = plan(report(ONE_WEAK, day=D(2026, 5, 12)), start=D(2026, 6, 1))
    cal = Calendar.from_ical(render_ics(p))
    starts = [e.decoded("DTSTART") for e in cal.walk("VEVENT")]
    assert starts and min(starts) >= p.start
    assert p.earliest_retake < p.start and "Earliest retake now" in "\n".join(summary_lines(p))


def test_too_few_hours_and_a_one_week_plan_get_notices():
    few = plan(report(ONE_WEAK), hours_per_week=2)
    assert few.total_hours == 10 and any("less than this report calls for" in n for n in few.notices)
    one = plan(report(ONE_WEAK), weeks=1)
    assert one.weeks_plan[0].milestone == "mock_exam" and any("One week" in n for n in one.notices)
    data, _ = render(few)
    assert "less than this report calls for" in first_page(data)


def test_practice_assessment_gets_a_study_plan_not_a_retake_attempt():
    p = plan(report(ONE_WEAK, practice=True, score=58))
    data, text = render(p)
    page1 = first_page(data)
    assert "STUDY PLAN · FROM A PRACTICE ASSESSMENT" in page1.upper() and "RETAKE PLAN" not in page1.upper()
    assert "attempt 1" not in page1
    assert "study plan" in summary_lines(p)[0]


def test_a_bar_shown_as_70_percent_is_at_the_70_percent_baseline():
    from scorereader.normalize import band_for

    assert band_for(0.6996, 0.70) == "above_baseline"
    assert band_for(0.694, 0.70) == "near_baseline"


# ---------------------------------------------------------------- Missing

def test_weak_areas_come_back_in_later_weeks():
    p = plan(report(ONE_WEAK))
    weak = next(d.name for d in p.domains if d.band == NI)
    first = min(w.week for w in p.weeks_plan if weak in w.focus)
    later = [w for w in p.weeks_plan if weak in w.review and not w.final_review]
    assert later and later[0].week >= first + 2
    data, text = render(p)
    assert "REVISIT" in text.upper()


def test_practice_assessment_midway_and_readiness_gate():
    p = plan(report(ONE_WEAK))
    study = [w for w in p.weeks_plan if not w.final_review]
    mid = [w.week for w in study if w.milestone == "practice_assessment"]
    assert mid == [(len(study) + 1) // 2]
    assert "80 %" in p.readiness
    data, text = render(p)
    assert p.readiness in text and "Practice assessment Fri" in text


def test_checkpoint_boxes_and_the_extend_rule_in_the_pdf():
    p = plan(report(ONE_WEAK))
    data, text = render(p)
    assert text.count("SCORE %") == len(p.weeks_plan)
    assert "Still missing basics in an area? Extend that area's time" in text
    with pdfplumber.open(io.BytesIO(data)) as pdf:       # a drawn box per checkpoint to write in
        boxes = [r for page in pdf.pages for r in page.rects if 30 < r["width"] < 40 and 8 < r["height"] < 14]
    assert len(boxes) >= len(p.weeks_plan)


def test_a_pass_names_the_next_certification_and_the_renewal_rule():
    az305 = Exam("AZ-305", "Azure Solutions Architect", "expert", "AZ-900", AZ104.outlines, prerequisite="AZ-104")
    listing = lambda: [AZ104, az305]   # noqa: E731
    bands = {ID: AB, STO: NB, CMP: AB, NET: AB, MON: AB}
    p = build_plan(report(bands, passed=True, score=861), PlanOptions(start=D(2026, 5, 18)),
                   catalog={"AZ-104": AZ104, "AZ-305": az305}.get, listing=listing)
    assert "AZ-305" in p.next_step and "every year" in p.renewal
    data, text = render(p, paper="letter")
    assert "Next: AZ-305" in text and "renewal assessment" in text


def test_comparison_raises_priority_within_the_band_and_is_shown():
    r = report({ID: NB, STO: NB, CMP: AB, NET: NI, MON: AB}, weights={**WEIGHTS, ID: (15, 20)})
    base = {d.name: d.hours for d in plan(r).domains}
    for d in r.domains:
        if d.name == STO:
            d.comparison = "opportunity"
    p = plan(r)
    hours = {d.name: d.hours for d in p.domains}
    assert hours[STO] > base[STO] and hours[STO] > hours[ID]
    data, text = render(p)
    assert "weaker than most candidates" in text


def test_every_plan_json_validates(tmp_path):
    for bands in (ONE_WEAK, ALL_WEAK, {n: AB for n in WEIGHTS}):
        for kw in ({}, {"weeks": 1}, {"hours_per_week": 2}, {"attempt": 5}):
            validate_plan(plan(report(bands, passed=bands is not ONE_WEAK and bands is not ALL_WEAK), **kw).to_json())
    validate_plan(build_plan(_old_report(), PlanOptions(start=D(2026, 12, 7)), catalog=STUB.get).to_json())


def test_a_real_pass_names_the_catalogs_next_certifications(tmp_path):
    from scorereader.catalog import all_exams

    obj, stderr, pdf, _ = cli_plan(tmp_path, "az104-pass-stacked", "--start", "2026-12-07", "--paper", "letter")
    assert obj["kind"] == "strengthen" and obj["earliest_retake"] is None
    builds = [e.code for e in all_exams() if e.prerequisite == "AZ-104" and not (e.retired and e.retired <= D(2026, 12, 7))]
    assert obj["next_step"].startswith("Next:") and all(code in obj["next_step"] for code in builds[:4])
    assert "every year" in obj["renewal"]
    text = pdf_text(pdf)[0]
    assert obj["next_step"] in text and obj["renewal"] in text
    assert all(d["band"] != AB for d in obj["domains"] if d["hours"] > 0) or not any(d["band"] == NB for d in obj["domains"])
