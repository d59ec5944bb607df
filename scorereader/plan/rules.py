"""Validates the planner rules (scorereader/rules/plan.toml) as they are loaded.

The planner only evaluates these rules, so a typo in the file must fail loudly: an unknown key, a
missing one or a wrong type is a `RulesError` naming the key, never a silently ignored setting.
"""
from __future__ import annotations

import functools
import tomllib
from typing import Any

from ..bands import RANK
from ..errors import ScoreReaderError
from ..rules import load

BAND_KEYS = (*RANK, "unknown", "new")   # the bands, then the rule keys of areas without one
LEVEL_KEYS = ("fundamentals", "associate", "expert", "specialty", "unknown")
COMPARISONS = ("opportunity", "comparable", "strength")

NUM, INT, STR, BOOL, LIST = (int, float), int, str, bool, list


class RulesError(ScoreReaderError):
    """The packaged plan rules are malformed: a bug in the shipped data (exit 1)."""


def _table(keys: tuple[str, ...], kind: Any) -> dict[str, Any]:
    return {k: kind for k in keys}


# The shape of plan.toml: key → type, nested table, or [table] for an array of tables.
_SELECTOR = {"band": LIST, "tags": LIST, "not_tags": LIST, "hands_on": BOOL, "weight": STR}
_COND = {"where": _SELECTOR, "of": _SELECTOR, "min": INT, "max": INT, "min_fraction": NUM, "as": STR}
SHAPE: dict[str, Any] = {
    "allocation": {
        "band_factor": _table(BAND_KEYS, NUM), "strengthen_band_factor": _table(BAND_KEYS, NUM),
        "bar_gap_weight": NUM, "bar_factor_min": NUM, "bar_factor_max": NUM,
        "comparison_factor": _table(COMPARISONS, NUM), "step_hours": NUM, "default_weight": NUM,
        "weak_share": [{"weak_min": INT, "weak_max": INT, "min_share": NUM}],
    },
    "severity": _table(BAND_KEYS, NUM),
    "levels": _table(LEVEL_KEYS, {"hours_per_week": NUM, "weeks_scale": NUM, "source": STR}),
    "effort": {"too_few_fraction": NUM, "too_few": STR},
    "timeline": [{"kind": STR, "weak_min": INT, "weak_max": INT, "weeks_min": INT, "weeks_max": INT, "label": STR}],
    "foundation": {"min_domains": INT, "lead_weeks": INT, "note": STR},
    "weeks": {"checkpoint_weekday": INT, "first_week_min_days_before_checkpoint": INT, "review_from_weeks": INT,
              "review_note": STR, "one_week_notice": STR, "practice_assessment_from_study_weeks": INT,
              "revisit_bands": LIST, "revisit_share": NUM, "revisit_gap_weeks": INT,
              "revisit_from_study_weeks": INT, "min_focus_hours": NUM},
    "checkpoints": {"study": STR, "practice_assessment": STR, "mock_exam": STR, "rule": STR},
    "readiness": {"gate": STR, "pct": INT, "area_pct": INT},
    "notices": {k: STR for k in ("retired_successor", "retired_successor_unknown", "retired_successor_unmapped",
                                 "retired_none", "retiring", "retiring_before", "stale_outline", "old_report",
                                 "start_moved", "wait_after_plan")},
    "next_step": {"next_cert": STR, "no_next_cert": STR, "renewal": _table(LEVEL_KEYS[:4], STR)},
    "retake": {"first_failure_wait_days": INT, "later_failure_wait_days": INT, "max_attempts": INT,
               "window_months": INT},
    "reasons": {"needs_improvement": STR, "near_baseline": STR, "above_baseline": STR, "unknown": STR, "new": STR,
                "zero": STR, "weight_unknown": STR, "renamed": STR, "comparison": _table(COMPARISONS, STR)},
    "fallback_tags": {"*": LIST, "hands_on": {"tags": LIST}},
    "patterns": [{"id": STR, "title": STR, "evidence": STR, "advice": STR, "levels": LIST,
                  "advice_by_level": {"*": STR}, "when": LIST}],
}
# Keys that may be absent (everything else is required).
OPTIONAL = {"weak_min", "weak_max", "levels", "advice_by_level", "min", "max", "min_fraction", "as", "of",
            "where", "band", "tags", "not_tags", "hands_on", "weight", "advice"}


def _check(value: Any, shape: Any, where: str) -> None:
    if isinstance(shape, list):
        if not isinstance(value, list):
            raise RulesError(f"{where} must be an array of tables")
        for i, item in enumerate(value):
            _check(item, shape[0], f"{where}[{i}]")
        return
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            raise RulesError(f"{where} must be a table")
        for key, item in value.items():
            sub = shape.get(key, shape.get("*"))
            if sub is None:
                raise RulesError(f"{where}: unknown key {key!r}")
            _check(item, sub, f"{where}.{key}")
        missing = [k for k in shape if k != "*" and k not in value and k not in OPTIONAL]
        if missing:
            raise RulesError(f"{where}: missing key(s) {', '.join(missing)}")
        return
    if shape is NUM and (isinstance(value, bool) or not isinstance(value, NUM)):
        raise RulesError(f"{where} must be a number")
    if shape is not NUM and (not isinstance(value, shape) or (shape is INT and isinstance(value, bool))):
        raise RulesError(f"{where} must be of type {shape.__name__}")


def _check_patterns(patterns: list[dict[str, Any]]) -> None:
    for i, pattern in enumerate(patterns):
        for alt in pattern["when"]:
            if not isinstance(alt, list):
                raise RulesError(f"patterns[{i}].when must be a list of condition lists")
            for cond in alt:
                _check(cond, _COND, f"patterns[{i}] ({pattern['id']}) condition")
        for level in pattern.get("levels", []):
            if level not in LEVEL_KEYS:
                raise RulesError(f"patterns[{i}].levels: unknown level {level!r}")


def validate(rules: dict[str, Any]) -> dict[str, Any]:
    """The rules if they have exactly the expected shape, else RulesError naming the first problem."""
    _check(rules, SHAPE, "plan.toml")
    _check_patterns(rules["patterns"])
    return rules


@functools.lru_cache(maxsize=1)
def load_rules() -> dict[str, Any]:
    """The packaged rules, read by the one rules loader (`scorereader.rules.load`) and validated here
    (cached: once per process)."""
    try:
        return validate(load("plan"))
    except tomllib.TOMLDecodeError as err:
        raise RulesError(f"plan.toml is not valid TOML: {err}") from None
