"""Microsoft's retake policy as date arithmetic (rules in plan.toml [retake]).

Attempt 1 failed → exam date + 1 day (24 hours); attempts 2–4 failed → exam date + 14 days;
a 5th failure → 12 months after the *first* attempt (exam date + 12 months, with a warning, when the
first attempt is unknown). The sixth attempt opens a new 12-month window, so attempt 6 counts as the
window's first again (24 hours), 10 as its fifth. Passed → None.
"""
from __future__ import annotations

import calendar
import datetime as dt
from typing import Any


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months later, clamped to the month's last day (Feb 29 + 12 months → Feb 28)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def earliest_retake(
    exam_date: dt.date | None,
    attempt: int,
    passed: bool | None,
    *,
    first_attempt: dt.date | None = None,
    rules: dict[str, Any],
) -> tuple[dt.date | None, list[str]]:
    """(earliest allowed date for the next attempt, warnings)."""
    if passed:
        return None, []
    if exam_date is None:
        return None, ["The exam date is unknown, so the earliest retake date cannot be computed; "
                      "Microsoft allows a retake 24 hours after a first failed attempt and 14 days after later ones."]
    if attempt < 1:
        raise ValueError("attempt must be 1 or more")
    policy = rules["retake"]
    max_attempts = int(policy["max_attempts"])
    attempt = (attempt - 1) % max_attempts + 1   # the attempt's place in its 12-month window
    if attempt == 1:
        return exam_date + dt.timedelta(days=int(policy["first_failure_wait_days"])), []
    if attempt < max_attempts:
        return exam_date + dt.timedelta(days=int(policy["later_failure_wait_days"])), []
    # The 5th (or later) failure within the window: wait until 12 months after the first attempt.
    months = int(policy["window_months"])
    later = exam_date + dt.timedelta(days=int(policy["later_failure_wait_days"]))
    if first_attempt is None:
        return add_months(exam_date, months), [
            f"Attempt {attempt} failed and the date of the first attempt is unknown: the earliest retake is "
            f"shown as {months} months after this exam; Microsoft counts the {months} months from the first "
            "attempt, so it may be earlier."]
    return max(add_months(first_attempt, months), later), []
