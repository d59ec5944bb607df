"""A small generic evaluator for the score patterns defined as data in plan.toml [[patterns]]."""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any, Iterable


@dataclass(frozen=True)
class Fact:
    """What the evaluator knows about one domain."""

    name: str
    band: str | None
    weight_min: int | None
    weight_max: int | None
    tags: frozenset[str]
    hands_on: bool

    @property
    def mid(self) -> float | None:
        if self.weight_min is None or self.weight_max is None:
            return None
        return (self.weight_min + self.weight_max) / 2

    def label(self) -> str:
        if self.weight_min is None or self.weight_max is None:
            return self.name
        if self.weight_min == self.weight_max:
            return f"{self.name} ({self.weight_min} %)"
        return f"{self.name} ({self.weight_min}–{self.weight_max} %)"


@dataclass(frozen=True)
class PatternHit:
    id: str
    title: str
    evidence: str
    advice: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "evidence": self.evidence, "advice": self.advice}


def join_names(items: Iterable[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _selects(fact: Fact, where: dict[str, Any], median: float | None) -> bool:
    if "band" in where and fact.band not in where["band"]:
        return False
    if "tags" in where and not fact.tags.intersection(where["tags"]):
        return False
    if "not_tags" in where and fact.tags.intersection(where["not_tags"]):
        return False
    if "hands_on" in where and fact.hands_on != bool(where["hands_on"]):
        return False
    if "weight" in where:
        if median is None or fact.mid is None:
            return False
        if where["weight"] == "high" and not fact.mid > median:
            return False
        if where["weight"] == "low" and not fact.mid < median:
            return False
    unknown = set(where) - {"band", "tags", "not_tags", "hands_on", "weight"}
    if unknown:
        raise ValueError(f"unknown pattern selector keys: {sorted(unknown)}")
    return True


def _holds(cond: dict[str, Any], facts: list[Fact], median: float | None) -> tuple[bool, list[Fact]]:
    chosen = [f for f in facts if _selects(f, cond.get("where", {}), median)]
    base = [f for f in facts if _selects(f, cond.get("of", {}), median)]
    n = len(chosen)
    if "min" in cond and n < cond["min"]:
        return False, chosen
    if "max" in cond and n > cond["max"]:
        return False, chosen
    if "min_fraction" in cond and (not base or n / len(base) < cond["min_fraction"]):
        return False, chosen
    return True, chosen


def evaluate(patterns: list[dict[str, Any]], facts: list[Fact]) -> list[PatternHit]:
    """Every pattern whose `when` has one alternative with all conditions true, in rule order."""
    mids = [f.mid for f in facts if f.mid is not None]
    median = statistics.median(mids) if mids else None
    hits: list[PatternHit] = []
    for pattern in patterns:
        for alternative in pattern["when"]:
            bound: dict[str, Any] = {"n": len(facts)}
            ok = True
            for cond in alternative:
                holds, chosen = _holds(cond, facts, median)
                if not holds:
                    ok = False
                    break
                if "as" in cond:
                    bound[cond["as"]] = join_names(f.label() for f in chosen)
                    bound["n_" + cond["as"]] = len(chosen)
            if ok:
                hits.append(PatternHit(pattern["id"], pattern["title"],
                                       pattern["evidence"].format(**bound), pattern.get("advice", "")))
                break
    return hits
