"""The catalog as a whole: every reference between exam files resolves, every outline version's
weights bracket 100 %, every file cites its sources, and the exam landscape of December 2026
(successors, retirements, the 2026 exams) is what the sources say."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from scorereader.catalog import all_exams, get_exam
from scorereader.catalog.landscape import (
    catalog_problems, consistency_problems, pattern_ids, status_of, successor_chain,
)

TODAY = dt.date(2026, 12, 5)   # the day the sources were read

# Exams the acceptance names, plus the successors the catalog refers to.
REQUIRED_2026 = {
    "AB-900", "AI-200", "AI-901", "AI-103", "DP-700", "SC-500", "SC-401", "AZ-802",
    "GH-900", "GH-100", "GH-200", "GH-300", "GH-500",
}


def test_shipped_catalog_is_consistent() -> None:
    assert catalog_problems(TODAY) == []


def test_catalog_size_and_required_exams() -> None:
    codes = {e.code for e in all_exams()}
    github = {c for c in REQUIRED_2026 if c.startswith("GH-")}
    assert REQUIRED_2026 - github <= codes
    if not github <= codes:   # the GitHub and retired-70-series files come from the catalog-old branch
        pytest.skip(f"not merged yet: {sorted(github - codes)}")
    assert len(codes) >= 45


@pytest.mark.parametrize(("code", "retired", "successor"), [
    ("AZ-800", dt.date(2026, 9, 30), "AZ-802"),
    ("AZ-801", dt.date(2026, 9, 30), "AZ-802"),
    ("AZ-204", dt.date(2026, 7, 31), "AI-200"),
    ("AZ-500", dt.date(2026, 8, 31), "SC-500"),
    ("MS-900", dt.date(2026, 3, 31), "AB-900"),
    ("AI-900", dt.date(2026, 6, 30), "AI-901"),
    ("AI-102", dt.date(2026, 6, 30), "AI-103"),
    ("DP-203", dt.date(2025, 3, 31), "DP-700"),
    ("MS-102", dt.date(2026, 11, 30), None),   # study-guide banner; no successor named in the sources
])
def test_retirements_and_successors(code: str, retired: dt.date, successor: str | None) -> None:
    exam = get_exam(code)
    assert (exam.retired, exam.successor) == (retired, successor)
    if successor:
        assert get_exam(successor) is not None and get_exam(successor).retired is None


def test_status_wording() -> None:
    az800 = get_exam("AZ-800")
    assert status_of(az800, TODAY).describe() == "retired 2026-09-30 → AZ-802"
    assert status_of(az800, dt.date(2026, 9, 30)).describe() == "retiring on 2026-09-30 → AZ-802"
    assert status_of(get_exam("AZ-104"), TODAY).describe() == "current"
    assert status_of(get_exam("MS-102"), TODAY).describe() == "retired 2026-11-30"
    assert successor_chain("AZ-204") == ["AZ-204", "AI-200"]


def test_expert_exams_build_on_associates() -> None:
    assert get_exam("AZ-305").prerequisite == "AZ-104" and get_exam("AZ-305").foundation == "AZ-104"
    for exam in all_exams():
        if exam.level == "expert" and (exam.retired is None or exam.retired >= TODAY):
            assert get_exam(exam.foundation).level != "fundamentals", exam.code


def test_fundamentals_describe_areas_are_not_hands_on() -> None:
    sc900 = get_exam("SC-900")
    assert not any(d.hands_on for d in sc900.outlines[-1].domains)


def test_successor_mappings_carry_every_az800_area() -> None:
    az800, az802 = get_exam("AZ-800"), get_exam("AZ-802")
    assert set(az800.successor_areas) == {d.key for d in az800.outlines[-1].domains}
    assert set(az800.successor_areas.values()) <= {d.key for d in az802.outlines[-1].domains}


def test_advice_uses_planner_pattern_ids() -> None:
    ids = pattern_ids()
    assert "security_blind_spot" in ids
    advised = [(e.code, k) for e in all_exams() for o in e.outlines for k in o.advice]
    assert advised and all(k in ids for _, k in advised)


# ------------------------------------------------------------------ the checker finds each defect

def _broken(code: str, **changes):
    return dataclasses.replace(get_exam(code), **changes)


def _outline(code: str, **changes):
    exam = get_exam(code)
    return dataclasses.replace(exam, outlines=(*exam.outlines[:-1], dataclasses.replace(exam.outlines[-1], **changes)))


@pytest.mark.parametrize(("exam", "message"), [
    (lambda: _broken("AZ-800", successor="AZ-999"), "successor AZ-999 is not in the catalog"),
    (lambda: _broken("AZ-305", prerequisite="AZ-998"), "prerequisite AZ-998 is not in the catalog"),
    (lambda: _broken("AZ-800", successor_areas={"adds": "nowhere"}), "AZ-802 has no such area"),
    (lambda: _broken("AZ-104", sources=()), "cites no source"),
    (lambda: _broken("AZ-104", successor="AZ-305"), "no retirement date"),
    (lambda: _broken("AZ-305", foundation="AZ-900"), "expert exam's foundation"),
    (lambda: _broken("MD-102", foundation="MS-900"), "foundation MS-900 retired"),
    (lambda: _outline("AZ-104", advice={"no_such_pattern": "x"}), "unknown pattern"),
    (lambda: dataclasses.replace(get_exam("AZ-104"), outlines=get_exam("AZ-104").outlines[::-1]), "not in order"),
])
def test_checker_reports_each_kind_of_defect(exam, message: str) -> None:
    broken = exam()
    catalog = [broken if e.code == broken.code else e for e in all_exams()]
    problems = consistency_problems(catalog, TODAY)
    assert any(message in p and p.startswith(broken.code) for p in problems), problems


def test_checker_reports_weights_and_hands_on() -> None:
    sc900 = get_exam("SC-900")
    last = sc900.outlines[-1]
    heavy = tuple(dataclasses.replace(d, weight_min=40, weight_max=45) for d in last.domains)
    practical = tuple(dataclasses.replace(d, hands_on=True) for d in last.domains)
    for domains, message in ((heavy, "do not bracket 100"), (practical, "is knowledge, not hands-on")):
        broken = dataclasses.replace(sc900, outlines=(*sc900.outlines[:-1], dataclasses.replace(last, domains=domains)))
        catalog = [broken if e.code == "SC-900" else e for e in all_exams()]
        assert any(message in p for p in consistency_problems(catalog, TODAY))


@pytest.mark.parametrize(("code", "absent"), [
    # Not on these outlines (AZ-104 as of 2026-04-17 has built-in roles only; the Windows Server exams
    # have no Key Vault or Conditional Access skills), so no lab or advice may send candidates there.
    ("AZ-104", ("custom role", "custom rbac", "key vault", "conditional access")),
    ("AZ-800", ("key vault", "conditional access")),
    ("AZ-802", ("key vault", "conditional access")),
])
def test_current_labs_and_advice_name_only_outline_skills(code: str, absent: tuple[str, ...]) -> None:
    outline = get_exam(code).outlines[-1]
    texts = [lab for d in outline.domains for lab in d.labs] + list(outline.advice.values())
    assert outline.advice, f"{code} has no per-outline advice"
    for text in texts:
        assert not any(word in text.lower() for word in absent), (code, text)


@pytest.mark.parametrize(("code", "printed", "year", "keys"), [
    ("AZ-700", ["Design, implement, and manage hybrid networking", "Design and implement core networking infrastructure",
                "Design and implement routing", "Secure and monitor networks",
                "Design and implement Private access to Azure Services"], 2021,
     ["connectivity", "core", "app_delivery", "security", "private_access"]),
    ("AZ-400", ["Configure processes and communications", "Design and implement source control",
                "Design and implement build and release pipelines"], 2022,
     ["processes", "source_control", "pipelines"]),
    ("AI-102", ["Implement content moderation solutions (10–15%)", "Implement natural language processing solutions (30–35%)"], 2024,
     ["moderation", "nlp"]),
])
def test_older_outline_versions_are_matched(code: str, printed: list[str], year: int, keys: list[str]) -> None:
    """Reports printed before an outline change land on the older version (and its weights)."""
    from scorereader.catalog import match_domains

    outline, matches = match_domains(get_exam(code), None, printed)
    assert outline is not None and outline.effective.year == year
    assert [m.spec.key for m in matches] == keys


def test_every_retired_exam_with_a_successor_maps_its_current_areas() -> None:
    """The plan carries bands over by these mappings; an unmapped area must be a deliberate gap."""
    deliberate_gaps = {("AZ-801", "high_availability"), ("AZ-801", "disaster_recovery"), ("AZ-801", "migration"),
                       ("MS-900", "cloud_concepts"), ("MS-900", "pricing")}
    # The 2025–2026 retirements researched for issue 13 (files of the older retired exams come from
    # another branch and are checked by test_shipped_catalog_is_consistent only).
    for code in ("AZ-204", "AZ-800", "AZ-801", "AZ-500", "DP-203", "MS-900", "AI-900", "AI-102"):
        exam = get_exam(code)
        if exam.successor and exam.retired and exam.retired <= TODAY and get_exam(exam.successor):
            for d in exam.outlines[-1].domains:
                if (exam.code, d.key) not in deliberate_gaps:
                    assert d.key in exam.successor_areas, (exam.code, d.key)
