"""Reports whose plans stress the printed layout: unknown weights, long names, many areas, many weeks.

Built as models (the parsers are tested elsewhere); the plans come from the real planner and catalog.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from scorereader.model import Candidate, Domain, ExamRef, Report, Source
from scorereader.plan import PlanOptions, build_plan
from scorereader.plan.model import Plan

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
START = dt.date(2026, 12, 7)
PERF = {"needs_improvement": 0.35, "near_baseline": 0.62, "above_baseline": 0.82}


def _report(code: str, title: str | None, day: dt.date, score: int, domains: list[tuple], *,
            name: str = "Jordan Q. Example-Candidate", passed: bool = False, outline: str | None = None) -> Report:
    doms = [Domain(n, n, wmin, wmax, PERF[b], b, "derived") for n, wmin, wmax, b in domains]
    return Report(source=Source("r.pdf", "0" * 64, "pdf-text", 1), exam=ExamRef(code, title, outline),
                  candidate=Candidate(name), exam_date=day, score=score, passing_score=700, max_score=1000,
                  passed=passed, domains=doms)


def sc900_unknown_weight() -> Report:
    """The issue's SC-900 report read with gaps: one name cut mid-phrase (no catalog match, no weight)."""
    return _report("SC-900", "Microsoft Security, Compliance, and Identity Fundamentals", dt.date(2026, 9, 14), 611, [
        ("Describe the concepts of security, compliance, and identity", 10, 15, "near_baseline"),
        ("Describe the capabilities of Microsoft Entra ID, formerly Microsoft Azure Active", None, None,
         "needs_improvement"),
        ("Describe the capabilities of Microsoft security solutions", 35, 40, "needs_improvement"),
        ("Describe the capabilities of Microsoft compliance solutions", 20, 25, "above_baseline"),
    ])


GH_LONG = [
    "Improve developer productivity with GitHub Copilot across the whole software development lifecycle",
    "Use GitHub Copilot features responsibly, including content exclusions, duplication detection and audit logs",
    "Understand how GitHub Copilot works and handles data: prompts, context, tokenization and the proxy service",
    "Apply prompt crafting and prompt engineering techniques to get useful suggestions from GitHub Copilot Chat",
    "Configure privacy fundamentals, context exclusions and organization-wide policy settings for Copilot Business",
    "Test, validate and secure code written with GitHub Copilot, including unit tests and vulnerability filtering",
]


def github_six_long_no_weights() -> Report:
    """A GitHub-style report: six long area names, no weights printed, an exam not in the catalog."""
    bands = ["needs_improvement", "needs_improvement", "near_baseline", "needs_improvement", "above_baseline",
             "near_baseline"]
    return _report("GH-300", "GitHub Copilot", dt.date(2026, 10, 2), 590,
                   [(n, None, None, b) for n, b in zip(GH_LONG, bands)],
                   name="Maximiliana Alexandrova-Oyelaran-Featherstonehaugh")


def dp203_retired() -> Report:
    """DP-203, retired in the catalog (successor DP-700)."""
    return _report("DP-203", "Data Engineering on Microsoft Azure", dt.date(2024, 11, 20), 642, [
        ("Design and implement data storage", 15, 20, "needs_improvement"),
        ("Develop data processing", 40, 45, "near_baseline"),
        ("Secure, monitor, and optimize data storage and data processing", 30, 35, "needs_improvement"),
    ])


def fixture_reports() -> dict[str, Report]:
    """Every text fixture's expected model (the parsers' ground truth), by fixture name."""
    out = {}
    for path in sorted((FIXTURES / "text").glob("*.expected.json")):
        out[path.name.removesuffix(".expected.json")] = Report.from_json(json.loads(path.read_text()))
    return out


def edge_plans() -> dict[str, Plan]:
    """The synthetic edge cases, planned by the real planner with the real catalog."""
    return {
        "sc900-unknown-weight": build_plan(sc900_unknown_weight(), PlanOptions(start=START)),
        "gh300-six-long-noweights": build_plan(github_six_long_no_weights(), PlanOptions(start=START)),
        "gh300-ten-weeks": build_plan(github_six_long_no_weights(), PlanOptions(start=START, weeks=10,
                                                                                hours_per_week=7.5)),
        "dp203-retired": build_plan(dp203_retired(), PlanOptions(start=START)),
        "dp203-long-hours": build_plan(dp203_retired(), PlanOptions(start=START, weeks=26, hours_per_week=37.5)),
    }


def all_plans() -> dict[str, Plan]:
    plans = {name: build_plan(rep, PlanOptions(start=START)) for name, rep in fixture_reports().items()}
    plans.update(edge_plans())
    return plans
