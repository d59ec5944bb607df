"""A small generic evaluator for the score patterns defined as data in plan.toml [[patterns]]."""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

from .words import agree, join_names


@dataclass(frozen=True)
class Fact:
    """What the evaluator knows about one domain."""

    name: str
    band: str | None
    weight_min: int | None
    weight_max: int | None
    tags: frozenset[str]
    hands_on: bool
    skills: tuple[str, ...] = ()

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


def _skills(chosen: list[Fact]) -> str:
    """The official skills of the chosen areas (or their names when the catalog has none)."""
    skills = [s for f in chosen for s in f.skills] or [f.name for f in chosen]
    return "; ".join(dict.fromkeys(skills))


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


def evaluate(patterns: list[dict[str, Any]], facts: list[Fact], *, level: str = "unknown",
             foundation: str | None = None, exam_advice: dict[str, str] | None = None) -> list[PatternHit]:
    """Every pattern whose `when` has one alternative with all conditions true, in rule order.

    A pattern limited to some exam levels is skipped on the others; the advice is the exam
    outline's own for that pattern when the catalog has it, else the level's, else the generic one.
    """
    mids = [f.mid for f in facts if f.mid is not None]
    median = statistics.median(mids) if mids else None
    exam_advice = exam_advice or {}
    hits: list[PatternHit] = []
    for pattern in patterns:
        if "levels" in pattern and level not in pattern["levels"]:
            continue
        for alternative in pattern["when"]:
            bound: dict[str, Any] = {"n": len(facts), "foundation": foundation or "fundamentals"}
            ok = True
            for cond in alternative:
                holds, chosen = _holds(cond, facts, median)
                if not holds:
                    ok = False
                    break
                if "as" in cond:
                    name = cond["as"]
                    bound[name] = join_names(f.label() for f in chosen)
                    bound["n_" + name] = len(chosen)
                    bound[name + "_is"] = bound[name + "_are"] = agree(len(chosen), "is", "are")
                    bound[name + "_needs"] = agree(len(chosen), "needs", "need")
                    bound[name + "_skills"] = _skills(chosen)
            if ok:
                advice = exam_advice.get(pattern["id"]) or pattern.get("advice_by_level", {}).get(level) \
                    or pattern.get("advice", "")
                hits.append(PatternHit(pattern["id"], pattern["title"], pattern["evidence"].format(**bound),
                                       advice.format(**bound)))
                break
    return hits
