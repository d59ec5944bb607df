"""Domain knowledge as data: report wording (`report.toml`), plan rules (`plan.toml`)."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any


@cache
def load(name: str) -> dict[str, Any]:
    """Load `scorereader/rules/<name>.toml` once per process."""
    return tomllib.loads(files(__package__).joinpath(f"{name}.toml").read_text("utf-8"))


def norm(text: str) -> str:
    """Lower case, one kind of dash and space, no trailing colon: how labels are compared."""
    text = re.sub(r"[‐‑‒–—―]", "-", text.lower())
    return re.sub(r"\s+", " ", text).strip(" :.#")


@dataclass(frozen=True)
class ReportWording:
    labels: dict[str, tuple[str, ...]]     # field -> labels, longest first
    pass_words: tuple[str, ...]
    fail_words: tuple[str, ...]
    bands: dict[str, tuple[str, ...]]
    practice_markers: tuple[str, ...]
    include_sections: tuple[str, ...]
    exclude_sections: tuple[str, ...]
    chart_words: frozenset[str]
    boilerplate: tuple[re.Pattern[str], ...]
    comparison_headings: tuple[str, ...]
    comparison_columns: dict[str, tuple[str, ...]]   # verdict id -> column heading words
    our_programmes: tuple[re.Pattern[str], ...]
    other_programmes: dict[str, tuple[re.Pattern[str], ...]]  # programme name -> patterns
    weight_fillers: tuple[str, ...] = ()     # words beside a weight on a line of its own


@cache
def report_wording() -> ReportWording:
    d = load("report")
    return ReportWording(
        labels={k: tuple(sorted(v, key=len, reverse=True)) for k, v in d["fields"].items()},
        pass_words=tuple(d["result_words"]["pass"]),
        fail_words=tuple(d["result_words"]["fail"]),
        bands={k: tuple(v) for k, v in d["bands"].items()},
        practice_markers=tuple(d["report_types"]["practice_assessment"]),
        include_sections=tuple(d["sections"]["include"]),
        exclude_sections=tuple(d["sections"]["exclude"]),
        chart_words=frozenset(d["chart_words"]["ignore"]),
        boilerplate=tuple(re.compile(p, re.I) for p in d["boilerplate"]["patterns"]),
        comparison_headings=tuple(d["comparison"]["headings"]),
        comparison_columns={k: tuple(v) for k, v in d["comparison"]["columns"].items()},
        our_programmes=tuple(re.compile(p, re.I) for p in d["programmes"]["ours"]),
        other_programmes={name: tuple(re.compile(p, re.I) for p in pats)
                          for name, pats in d["programmes"]["others"].items()},
        weight_fillers=tuple(sorted(d.get("weight_line", {}).get("fillers", ()), key=len, reverse=True)),
    )
