"""Loads the planner rules (scorereader/rules/plan.toml) once; the planner only evaluates them."""
from __future__ import annotations

import functools
import tomllib
from importlib import resources
from typing import Any


@functools.lru_cache(maxsize=1)
def load_rules() -> dict[str, Any]:
    """The packaged rules, parsed (cached: read once per process)."""
    text = resources.files("scorereader.rules").joinpath("plan.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)
