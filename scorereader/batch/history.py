"""Attempt history: reports of the same candidate and exam, in date order, and how each band moved.

A candidate is the candidate ID when the report prints one, else the name normalized (case, accents,
punctuation, spacing). Reports with no ID and no name are never grouped (they could be anyone).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ..bands import RANK
from ..catalog import area_of



def normalize_name(name: str | None) -> str | None:
    if not name:
        return None
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[^\w]+", " ", text).strip()
    return text or None


def candidate_key(report: dict[str, Any]) -> str | None:
    cand = report.get("candidate") or {}
    cid = (cand.get("candidate_id") or "").strip()
    if cid:
        return "id:" + re.sub(r"\s+", "", cid).lower()
    name = normalize_name(cand.get("name"))
    return f"name:{name}" if name else None


def group_key(report: dict[str, Any]) -> tuple[str, str, str] | None:
    """(candidate, exam code, report type): practice results are a separate history from the exam."""
    who = candidate_key(report)
    code = (report.get("exam") or {}).get("code")
    if who is None or not code:
        return None
    return (who, code, report.get("report_type") or "exam")


@dataclass
class Attempt:
    rel: str                          # the input, relative to DIR
    report: dict[str, Any]
    number: int = 1                   # 1-based position in the candidate's history for this exam
    earlier: list[str] = field(default_factory=list)   # rels of the earlier attempts, oldest first
    moves: list[dict[str, Any]] = field(default_factory=list)   # vs the previous attempt
    improved: list[str] = field(default_factory=list)
    regressed: list[str] = field(default_factory=list)

    @property
    def trend(self) -> str:
        """Short text for the CSV: '' for a first attempt."""
        if not self.earlier:
            return ""
        parts = []
        if self.improved:
            parts.append("improved: " + ", ".join(self.improved))
        if self.regressed:
            parts.append("regressed: " + ", ".join(self.regressed))
        return "; ".join(parts) or "no band changed"


def _sort_key(a: Attempt) -> tuple:
    date = a.report.get("exam_date")
    return (date is None, date or "", a.rel)


def band_moves(previous: dict[str, Any], current: dict[str, Any]) -> list[dict[str, Any]]:
    """One entry per domain of `current`: its band in `previous` and now, matched by catalog area
    (so an area renamed between outline versions still compares with itself)."""
    code = current.get("exam", {}).get("code")
    before = {area_of(code, d["name"])[0]: d.get("band") for d in previous.get("domains", [])}
    out = []
    for d in current.get("domains", []):
        old, new = before.get(area_of(code, d["name"])[0]), d.get("band")
        if old in RANK and new in RANK:
            trend = "improved" if RANK[new] > RANK[old] else "regressed" if RANK[new] < RANK[old] else "same"
        else:
            trend = "new" if old is None else "same"
        out.append({"name": d["name"], "from": old, "to": new, "trend": trend})
    return out


def build_history(reports: dict[str, dict[str, Any]]) -> dict[str, Attempt]:
    """rel → Attempt for every parsed report (attempt 1 with no history when it stands alone)."""
    groups: dict[tuple, list[Attempt]] = {}
    attempts: dict[str, Attempt] = {}
    for rel, report in reports.items():
        a = Attempt(rel, report)
        attempts[rel] = a
        key = group_key(report)
        if key is not None:
            groups.setdefault(key, []).append(a)
    for members in groups.values():
        members.sort(key=_sort_key)
        for i, a in enumerate(members):
            a.number = i + 1
            a.earlier = [m.rel for m in members[:i]]
            if i:
                a.moves = band_moves(members[i - 1].report, a.report)
                a.improved = [m["name"] for m in a.moves if m["trend"] == "improved"]
                a.regressed = [m["name"] for m in a.moves if m["trend"] == "regressed"]
    return attempts
