"""The retake planner: Report (+ options) → Plan. Rules live in scorereader/rules/plan.toml."""
from .model import Plan, PlanDomain, PlanWeek, StudyBlock
from .patterns import PatternHit
from .planner import PlanOptions, build_plan
from .retake import add_months, earliest_retake

__all__ = ["Plan", "PlanDomain", "PlanWeek", "StudyBlock", "PatternHit", "PlanOptions", "build_plan",
           "add_months", "earliest_retake"]
