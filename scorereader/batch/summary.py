"""summary.csv and summary.json: one row per input file.

CSV cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) are
neutralized with a leading single quote; the JSON keeps the values as read.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..bands import words as band_words
from ..render.atomic import atomic_write
from ..text import one_line

FIXED = ["file", "status", "error", "exam", "date", "score", "passed", "method", "report_type",
         "candidate", "candidate_id", "attempt", "trend", "plan", "duplicate_of"]
STATUSES = ("ok", "skipped", "failed", "duplicate", "other_programme")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Row:
    file: str
    status: str                     # ok | skipped (up to date, from the manifest) | failed | duplicate | other_programme
    error: str | None = None
    exit_code: int | None = None
    report: dict[str, Any] | None = None
    attempt: int | None = None
    earlier: list[str] = field(default_factory=list)
    improved: list[str] = field(default_factory=list)
    regressed: list[str] = field(default_factory=list)
    trend_text: str = ""
    plan: str | None = None         # output path relative to OUTDIR
    duplicate_of: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)   # time spent this run: read, plan

    def to_json(self) -> dict[str, Any]:
        r = self.report or {}
        exam = r.get("exam") or {}
        cand = r.get("candidate") or {}
        return {
            "file": self.file, "status": self.status, "error": self.error, "exit_code": self.exit_code,
            "exam": exam.get("code"), "exam_title": exam.get("title"), "date": r.get("exam_date"),
            "score": r.get("score"), "passing_score": r.get("passing_score"), "max_score": r.get("max_score"),
            "passed": r.get("passed"), "method": (r.get("source") or {}).get("method"),
            "report_type": r.get("report_type"),
            "candidate": cand.get("name"), "candidate_id": cand.get("candidate_id"),
            "attempt": self.attempt,
            "trend": None if not self.earlier else {
                "previous": list(self.earlier), "improved": list(self.improved),
                "regressed": list(self.regressed), "text": self.trend_text},
            "bands": {d["name"]: d.get("band") for d in r.get("domains", [])},
            "comparisons": {d["name"]: d["comparison"] for d in r.get("domains", []) if d.get("comparison")},
            "plan": self.plan, "duplicate_of": self.duplicate_of,
            "warnings": list(r.get("warnings", [])),
            "seconds": dict(self.seconds),
        }


def neutralize(value: Any) -> Any:
    """Spreadsheet-injection guard for one CSV cell."""
    if isinstance(value, str):
        value = one_line(value)  # control characters from a document never reach the CSV
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def band_columns(rows: list[Row]) -> list[tuple[str, str, str]]:
    """(header, exam code, domain name) for every domain seen, grouped by exam, in printed order."""
    cols: dict[tuple[str, str], None] = {}
    for row in sorted(rows, key=lambda r: ((r.report or {}).get("exam") or {}).get("code") or ""):
        r = row.report or {}
        code = (r.get("exam") or {}).get("code") or "?"
        for d in r.get("domains", []):
            cols.setdefault((code, d["name"]), None)
    return [(f"{code}: {name}", code, name) for code, name in cols]


COMPARISON_SHORT = {"opportunity": "opportunity for improvement", "comparable": "comparable", "strength": "strength"}


def comparison_columns(rows: list[Row]) -> list[tuple[str, str, str]]:
    """(header, exam code, domain name) for every area some report's comparison table rated."""
    rated = {(((r.report or {}).get("exam") or {}).get("code") or "?", d["name"])
             for r in rows for d in (r.report or {}).get("domains", []) if d.get("comparison")}
    return [(f"{h} (vs others)", c, n) for h, c, n in band_columns(rows) if (c, n) in rated]


def to_csv(rows: list[Row]) -> str:
    cols = band_columns(rows)
    ccols = comparison_columns(rows)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([neutralize(h) for h in FIXED + [c[0] for c in cols] + [c[0] for c in ccols]])
    for row in rows:
        j = row.to_json()
        code = j["exam"] or "?"
        passed = {True: "yes", False: "no"}.get(j["passed"], "")
        fixed = [j["file"], j["status"], j["error"], j["exam"], j["date"], j["score"], passed, j["method"],
                 j["report_type"], j["candidate"], j["candidate_id"], j["attempt"], row.trend_text,
                 j["plan"], j["duplicate_of"]]
        bands = [band_words(j["bands"].get(name)) if c == code else "" for _, c, name in cols]
        versus = [COMPARISON_SHORT.get(j["comparisons"].get(name), "") if c == code else "" for _, c, name in ccols]
        w.writerow([neutralize("" if v is None else v) for v in fixed + bands + versus])
    return buf.getvalue()


def to_json(rows: list[Row], meta: dict[str, Any]) -> str:
    counts = {s: sum(1 for r in rows if r.status == s) for s in STATUSES}
    data = {"schema_version": 1, **meta, "counts": counts, "rows": [r.to_json() for r in rows]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write_summary(outdir: Path, rows: list[Row], meta: dict[str, Any],
                  names: tuple[str, str] = ("summary.csv", "summary.json")) -> tuple[Path, Path]:
    # utf-8 with a BOM so that spreadsheet programs read names with accents correctly
    csv_path = atomic_write(Path(outdir) / names[0], "\ufeff" + to_csv(rows))
    json_path = atomic_write(Path(outdir) / names[1], to_json(rows, meta))
    return csv_path, json_path
