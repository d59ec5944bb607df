"""Compare a parse result with a fixture's expected JSON (the convention in fixtures/README.md)."""
from __future__ import annotations

SCALARS = ("schema_version", "report_type", "vendor", "exam", "candidate", "exam_date",
           "score", "passing_score", "max_score", "passed")
DOMAIN_EXACT = ("name", "printed_name", "weight_min", "weight_max", "band", "band_source", "comparison")


def compare_report(actual: dict, expected: dict, perf_tol: float, *, exact_names: bool = True,
                   check_warnings: bool = True) -> list[str]:
    """Return human-readable differences (empty when the parse is right)."""
    diffs: list[str] = []
    for key in SCALARS:
        if actual.get(key) != expected.get(key):
            diffs.append(f"{key}: got {actual.get(key)!r}, expected {expected.get(key)!r}")
    for key in ("file", "sha256", "method", "pages"):
        if actual["source"].get(key) != expected["source"].get(key):
            diffs.append(f"source.{key}: got {actual['source'].get(key)!r}, expected {expected['source'].get(key)!r}")
    got, want = actual["domains"], expected["domains"]
    if len(got) != len(want):
        diffs.append(f"domains: got {[d['name'] for d in got]}, expected {[d['name'] for d in want]}")
    for g, w in zip(got, want):
        fields = DOMAIN_EXACT if exact_names else tuple(k for k in DOMAIN_EXACT if k != "printed_name")
        for key in fields:
            if g.get(key) != w.get(key):
                diffs.append(f"domain {w['name']!r} {key}: got {g.get(key)!r}, expected {w.get(key)!r}")
        gp, wp = g.get("performance"), w.get("performance")
        if (gp is None) != (wp is None) or (gp is not None and abs(gp - wp) > perf_tol):
            diffs.append(f"domain {w['name']!r} performance: got {gp!r}, expected {wp!r} ±{perf_tol}")
    if check_warnings:
        warns = [x.lower() for x in actual["warnings"]]
        if not expected["warnings"] and warns:
            diffs.append(f"unexpected warnings: {actual['warnings']}")
        for sub in expected["warnings"]:
            if not any(sub.lower() in x for x in warns):
                diffs.append(f"missing warning containing {sub!r}; got {actual['warnings']}")
    return diffs
