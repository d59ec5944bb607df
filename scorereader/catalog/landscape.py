"""The exam landscape on a given day: each exam's status, and the catalog's cross-file consistency.

Single exam files are validated on load (``catalog/__init__.py``); what only shows across files —
a successor or prerequisite missing from the catalog, an area mapping that points nowhere, a current
exam whose foundation has retired — is checked here, so ``scorereader exams`` and the tests share
one definition of "the catalog is consistent".
"""
from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from . import Exam, get_exam

__all__ = ["ExamStatus", "status_of", "consistency_problems", "pattern_ids"]

RULES_FILE = Path(__file__).resolve().parent.parent / "rules" / "plan.toml"
# Fundamentals areas worded like this are knowledge, not configuration: never flagged hands-on
# (a hands-on flag makes the planner's patterns prescribe labs to SC-900 candidates).
# "Understand …" is left out on purpose: GitHub fundamentals use it for areas that are practised hands-on.
_THEORY_RE = re.compile(r"^(describe|identify|define)\b", re.IGNORECASE)


@dataclass(frozen=True)
class ExamStatus:
    kind: str                 # "current" | "retiring" | "retired"
    date: dt.date | None      # the retirement date, when there is one
    successor: str | None

    def describe(self) -> str:
        """'current', 'retiring on 2026-09-30 → AZ-802', 'retired 2026-03-31 → AB-900'."""
        arrow = f" → {self.successor}" if self.successor else ""
        if self.kind == "current":
            return "current"
        if self.kind == "retiring":
            return f"retiring on {self.date.isoformat()}{arrow}"
        return f"retired {self.date.isoformat()}{arrow}"


def status_of(exam: Exam, today: dt.date) -> ExamStatus:
    """An exam can still be taken on its retirement day (Microsoft retires at the end of that day)."""
    if exam.retired is None:
        return ExamStatus("current", None, exam.successor)
    kind = "retiring" if exam.retired >= today else "retired"
    return ExamStatus(kind, exam.retired, exam.successor)


def pattern_ids(rules_file: Path = RULES_FILE) -> frozenset[str]:
    """The planner's score-pattern ids (``[[patterns]] id``), the keys ``[outlines.advice]`` may use."""
    with rules_file.open("rb") as fh:
        return frozenset(p["id"] for p in tomllib.load(fh).get("patterns", []))


def consistency_problems(exams: Iterable[Exam], today: dt.date,
                         patterns: frozenset[str] | None = None) -> list[str]:
    """Every cross-file inconsistency, one sentence each (empty list = consistent).

    `exams` is the whole catalog: references are resolved within it, not by loading more files,
    so a test can hand in a deliberately broken set.
    """
    by_code = {e.code: e for e in exams}
    patterns = pattern_ids() if patterns is None else patterns
    problems: list[str] = []
    for exam in by_code.values():
        problems += [f"{exam.code}: {p}" for p in _exam_problems(exam, by_code, today, patterns)]
    return problems


def _exam_problems(exam: Exam, by_code: dict[str, Exam], today: dt.date,
                   patterns: frozenset[str]) -> list[str]:
    out: list[str] = []
    if not exam.sources:
        out.append("cites no source (sources = [{url, title, read}])")
    for field_name in ("successor", "prerequisite", "foundation"):
        code = getattr(exam, field_name)
        if code and code not in by_code:
            out.append(f"{field_name} {code} is not in the catalog")
    if exam.successor and exam.retired is None:
        out.append(f"names successor {exam.successor} but no retirement date")
    current = exam.retired is None or exam.retired >= today
    if current:
        for field_name in ("foundation", "prerequisite"):
            ref = by_code.get(getattr(exam, field_name) or "")
            if ref is not None and ref.retired is not None and ref.retired < today:
                out.append(f"{field_name} {ref.code} retired on {ref.retired}; point at its successor")
    if (current and exam.level == "expert" and exam.foundation in by_code
            and by_code[exam.foundation].level == "fundamentals"):
        out.append(f"an expert exam's foundation should be the associate exam it builds on, not {exam.foundation}")
    successor = by_code.get(exam.successor or "")
    if successor is not None:
        target_keys = {d.key for d in successor.outlines[-1].domains}
        for own, theirs in exam.successor_areas.items():
            if theirs not in target_keys:
                out.append(f"successor_areas {own} = {theirs!r}: {successor.code} has no such area")
    for older, newer in zip(exam.outlines, exam.outlines[1:]):
        if not older.effective < newer.effective:
            out.append(f"outlines {older.effective} and {newer.effective} are not in order")
    for outline in exam.outlines:
        where = f"outline {outline.effective}"
        low = sum(d.weight_min for d in outline.domains)
        high = sum(d.weight_max for d in outline.domains)
        if not low <= 100 <= high:
            out.append(f"{where}: weights {low}–{high} % do not bracket 100 %")
        for pattern in set(outline.advice) - patterns:
            out.append(f"{where}: advice for unknown pattern {pattern!r}")
        if exam.level == "fundamentals":
            for d in outline.domains:
                if d.hands_on and _THEORY_RE.match(d.name):
                    out.append(f"{where}: '{d.name}' is knowledge, not hands-on")
    return out


def catalog_problems(today: dt.date) -> list[str]:
    """Consistency of the shipped catalog (loads every exam file)."""
    from . import all_exams

    return consistency_problems(all_exams(), today)


def successor_chain(code: str) -> list[str]:
    """AZ-204 → AI-200 …: the exams a candidate is sent on to, stopping at a loop or a gap."""
    chain = [code]
    exam = get_exam(code)
    while exam is not None and exam.successor and exam.successor not in chain:
        chain.append(exam.successor)
        exam = get_exam(exam.successor)
    return chain
