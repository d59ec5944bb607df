"""Catalog history: GitHub exams and retired exams whose reports people still hold.

Checks that each file loads, that the outline is picked by date (and by printed names when the
date is missing), that successors and their area mappings resolve, and that a retired exam never
shadows the live exam of the same title.
"""
from __future__ import annotations

import datetime as dt

import pytest

from scorereader.catalog import find_exam_by_title, get_exam, match_domains

D = dt.date
GITHUB = ["GH-900", "GH-100", "GH-200", "GH-300", "GH-500"]
RETIRED = ["70-480", "70-483", "70-486", "70-778", "AZ-103", "AZ-203", "AZ-300", "AZ-301",
           "DP-200", "DP-201", "MS-500"]
# Successors added by the parallel `catalog` branch; until it is merged their files are absent here.
ADDED_ELSEWHERE = {"AI-200", "DP-700"}


def _successor_or_skip(code: str):
    exam = get_exam(code)
    if exam is None and code in ADDED_ELSEWHERE:
        pytest.skip(f"{code} is added on the catalog branch")
    assert exam is not None, f"successor {code} is not in the catalog"
    return exam


@pytest.mark.parametrize("code", GITHUB + RETIRED)
def test_exam_loads_with_sources(code: str) -> None:
    exam = get_exam(code)
    assert exam is not None and exam.code == code
    assert exam.sources, code
    assert all(s.read == D(2026, 12, 5) for s in exam.sources)


def test_seventy_series_reads_from_its_full_code() -> None:
    assert get_exam("70-480").title == "Programming in HTML5 with JavaScript and CSS3"
    assert get_exam("70 486").code == "70-486"


@pytest.mark.parametrize("code", RETIRED)
def test_retired_exams_name_a_successor_whose_areas_exist(code: str) -> None:
    exam = get_exam(code)
    assert exam.retired is not None and exam.retired < D(2026, 12, 5)
    assert exam.successor
    successor = _successor_or_skip(exam.successor)
    keys = {d.key for d in successor.outlines[-1].domains}
    assert set(exam.successor_areas.values()) <= keys, (code, exam.successor_areas, keys)


@pytest.mark.parametrize("code", RETIRED)
def test_successor_chain_reaches_an_exam_sat_today(code: str) -> None:
    seen: list[str] = []
    exam = get_exam(code)
    while exam.retired is not None and exam.retired <= D(2026, 12, 5):
        assert exam.successor and exam.successor not in seen, seen
        seen.append(exam.successor)
        exam = _successor_or_skip(exam.successor)
    assert exam.retired is None or exam.retired > D(2026, 12, 5)


@pytest.mark.parametrize(("code", "day", "first_name"), [
    ("GH-300", D(2025, 5, 1), "Responsible AI"),
    ("GH-300", D(2026, 9, 1), "Use GitHub Copilot responsibly"),
    ("GH-200", D(2025, 5, 1), "Author and maintain workflows"),
    ("GH-200", D(2026, 3, 1), "Author and manage workflows"),
    ("GH-500", D(2025, 5, 1), "Describe the GHAS security features and functionality"),
    ("GH-500", D(2026, 8, 1), "Describe GitHub Security suites, features, and ecosystem"),
    ("AZ-300", D(2019, 12, 5), "Deploy and configure infrastructure"),
    ("70-486", D(2015, 6, 1), "Design the application architecture"),
])
def test_outline_picked_by_date(code: str, day: dt.date, first_name: str) -> None:
    assert get_exam(code).outline_on(day).domains[0].name == first_name


def test_github_names_without_weights_pick_their_version_when_the_date_is_missing() -> None:
    # GitHub reports print no weights; with no readable date the names alone choose the outline.
    gh300 = get_exam("GH-300")
    outline, matches = match_domains(gh300, None, [
        "Responsible AI", "GitHub Copilot plans and features", "How GitHub Copilot works and handles data",
        "Prompt crafting and Prompt engineering", "Developer use cases for AI", "Testing with GitHub Copilot",
        "Privacy fundamentals and context exclusions",
    ])
    assert outline.effective == gh300.outlines[0].effective
    assert [m.spec.key for m in matches] == [
        "responsible", "features", "data", "prompting", "productivity", "testing", "privacy"]
    assert matches[1].spec.weight_min == 31   # the weight the report did not print


def test_old_report_names_match_the_retired_outline() -> None:
    dp200 = get_exam("DP-200")
    outline, matches = match_domains(dp200, None, [
        "Implement data storage solutions (25-30%)", "Manage and develop data processing (30-35%)",
        "Manage data security (15-20%)", "Monitoring data solutions (10-15%)",
        "Manage and troubleshoot Azure data solutions (10-15%)",
    ])
    assert outline.effective == D(2019, 1, 1)
    assert all(m.spec is not None for m in matches)


@pytest.mark.parametrize(("title", "code"), [
    ("Microsoft Azure Administrator", "AZ-104"),
    ("Developing Solutions for Microsoft Azure", "AZ-204"),
    ("Microsoft Certified: Azure Data Engineer Associate", "DP-203"),
    ("GitHub Copilot", "GH-300"),
    ("Microsoft Azure Architect Technologies", "AZ-300"),
])
def test_retired_exams_do_not_shadow_live_titles(title: str, code: str) -> None:
    assert find_exam_by_title(title).code == code
