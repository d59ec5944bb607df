"""Small wording helpers for the sentences the planner writes (dates, lists, verb agreement)."""
from __future__ import annotations

import datetime as dt
from typing import Iterable


def fmt_day(day: dt.date | None) -> str:
    """18 May 2026 (the same form the PDF uses)."""
    return f"{day.day} {day:%b %Y}" if day else "—"


def join_names(items: Iterable[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def agree(n: int, one: str, many: str) -> str:
    """The verb form that agrees with a list of n names ('is'/'are', 'needs'/'need')."""
    return one if n == 1 else many
