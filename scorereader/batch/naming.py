"""Output names for a batch: the input's folders mirrored, names that say what they are, and never
two inputs on one name — stable across reruns, so a row never points at another person's plan."""
from __future__ import annotations

import hashlib
import os
import re
from typing import Any

from .discovery import Entry


def safe_part(name: str, limit: int = 100) -> str:
    """A file-name component made only of letters, digits, '.', '-' and '_' (never hidden)."""
    text = re.sub(r"[^\w.\-]+", "_", name, flags=re.UNICODE).strip("._-")
    text = "".join(c for c in text if c.isprintable())
    return text[:limit].rstrip("._-") or "report"


def plan_names(entries: list[Entry], reports: dict[str, dict[str, Any]] | None = None,
               previous: dict[str, str] | None = None) -> dict[str, str]:
    """rel → output path relative to OUTDIR (without the .pdf), stable across reruns.

    The input's folders are mirrored; the name is `<stem>.retake-plan`, or for a generic download
    name (`scorereport (3).pdf`) `AZ-104 retake plan 2026-05-12` from the report. A name a previous
    run gave a file (`previous`, from the manifest) stays that file's. Inputs whose names collide
    (`smith.pdf` and `Smith.pdf`, `a b/report.pdf` and `a_b/report.pdf`) get a suffix from their own
    relative path, so a file added later never takes over another file's plan."""
    from ..render.outputs import GENERIC_NAME, KIND_WORDS, SUFFIX, shorten

    reports = reports or {}
    previous = previous or {}
    wanted: dict[str, str] = {}
    for e in entries:
        parts = e.rel.split("/")
        folder = "/".join(safe_part(p) for p in parts[:-1])
        stem = os.path.splitext(parts[-1])[0]
        rep = reports.get(e.rel) or {}
        if GENERIC_NAME.match(stem) and rep:
            code = safe_part((rep.get("exam") or {}).get("code") or "Exam")
            kind = {True: "strengthen", False: "retake"}.get(rep.get("passed"))
            name = " ".join([code, KIND_WORDS.get(kind, "plan")] +
                            ([rep["exam_date"]] if rep.get("exam_date") else []))
        else:
            name = shorten(safe_part(stem)) + SUFFIX
        wanted[e.rel] = f"{folder}/{name}" if folder else name
    previous = {rel: old[: -len(".pdf")] for rel, old in previous.items() if old.endswith(".pdf")}
    reserved = {"cohort", "summary"}
    taken: set[str] = set()
    out: dict[str, str] = {}
    for rel in sorted(wanted):
        old = previous.get(rel)
        if old and old.casefold() not in taken:
            out[rel] = old
            taken.add(old.casefold())
    counts: dict[str, int] = {}
    for want in wanted.values():
        counts[want.casefold()] = counts.get(want.casefold(), 0) + 1
    for rel in sorted(wanted):
        if rel in out:
            continue
        want = wanted[rel]
        tag = hashlib.sha256(rel.encode("utf-8", "surrogateescape")).hexdigest()[:6]
        collide = counts[want.casefold()] > 1 or want.casefold() in taken or want.casefold() in reserved
        stem = _with_tag(want, tag) if collide else want
        n = 2
        while stem.casefold() in taken:
            stem = _with_tag(want, f"{tag}-{n}")
            n += 1
        taken.add(stem.casefold())
        out[rel] = stem
    return {rel: f"{stem}.pdf" for rel, stem in out.items()}


def _with_tag(name: str, tag: str) -> str:
    """`x.retake-plan` → `x-<tag>.retake-plan`; `AZ-104_retake_plan_…` → `…-<tag>`."""
    from ..render.outputs import SUFFIX

    return f"{name[: -len(SUFFIX)]}-{tag}{SUFFIX}" if name.endswith(SUFFIX) else f"{name}-{tag}"
