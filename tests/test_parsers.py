"""The small value parsers: dates, scores, weights, percentages, exam codes."""
import datetime as dt

import pytest

from scorereader import parsers


@pytest.mark.parametrize("text", ["05/12/2026", "5/12/2026", "May 12, 2026", "12 May 2026", "2026-05-12",
                                  "Tuesday, May 12, 2026", "Exam date: May 12th, 2026", "12-May-2026",
                                  "Sept 12 2026".replace("Sept 12", "May 12")])
def test_dates(text):
    assert parsers.parse_date(text) == dt.date(2026, 5, 12)


@pytest.mark.parametrize("text", ["13/45/2026", "no date here", "May 40, 2026", "1/1/1850"])
def test_bad_dates(text):
    assert parsers.parse_date(text) is None


def test_us_order_is_month_first():
    assert parsers.parse_date("03/04/2025") == dt.date(2025, 3, 4)


@pytest.mark.parametrize("text,expected", [("652", (652, None)), ("652 / 1000", (652, 1000)),
                                           ("652 out of 1000", (652, 1000)), ("Score: 1,000", (1000, None)),
                                           ("n/a", (None, None)), ("900 / 700", (None, None))])
def test_scores(text, expected):
    assert parsers.parse_score(text) == expected


@pytest.mark.parametrize("text", ["(20–25%)", "(20-25%)", "20 – 25 %", "20%–25%", "20 — 25%", "20 to 25%",
                                  "Manage Azure identities and governance (20‒25%)"])
def test_weights(text):
    assert parsers.parse_weight(text) == (20, 25)


@pytest.mark.parametrize("text", ["25-20%", "(20%)", "2026-05-12", "40-140%"])
def test_not_weights(text):
    assert parsers.parse_weight(text) is None


def test_percent_is_not_a_weight_range():
    assert parsers.parse_percent("72%") == pytest.approx(0.72)
    assert parsers.parse_percent("64.5 %") == pytest.approx(0.645)
    assert parsers.parse_percent("(20–25%)") is None
    assert parsers.parse_percent("140%") is None


def test_strip_weight_and_wrap_hyphen():
    assert parsers.strip_weight("Manage Azure identities and gov- ernance (20–25%)") == \
        "Manage Azure identities and governance"


def test_exam_codes():
    assert parsers.find_exam_codes("Exam: AZ-104: Microsoft Azure Administrator, then az104, SC–300") == \
        ["AZ-104", "AZ-104", "SC-300"]
    assert parsers.find_exam_codes("Your score is 700 of 1000") == []


def test_identifiers():
    assert parsers.parse_identifier("1234 567") == "1234567"
    assert parsers.parse_identifier("none") is None
