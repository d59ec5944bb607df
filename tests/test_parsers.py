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


@pytest.mark.parametrize("text,expected", [("6 52", (652, None)), ("84 2", (842, None)), ("8 57 / 1000", (857, 1000)),
                                           ("652 1000", (652, None)), ("12 345 678", (12, None))])
def test_split_score_digits_join(text, expected):
    """Large display digits OCR reads with a gap join; a second number or too many digits do not."""
    assert parsers.parse_score(text) == expected


def test_split_percent_digits_join():
    assert parsers.join_split_digits("7 1%") == "71%"
    assert parsers.join_split_digits("Score 71%") == "Score 71%"  # only a value's leading digits


def test_ocr_comma_read_as_period_in_a_date():
    assert parsers.parse_date("October 6. 2026") == dt.date(2026, 10, 6)


@pytest.mark.parametrize("text,token", [("Exam: 5C-300: Microsoft Identity", "5C-300"), ("M5-102", "M5-102"),
                                        ("A2-104 Azure", "A2-104"), ("Al-900", "Al-900")])
def test_code_like_tokens(text, token):
    assert parsers.find_code_like(text)[0][0] == token


@pytest.mark.parametrize("text", ["third-party services", "12-May-2026", "2026-05-12", "555-1234", "Page 1 of 2"])
def test_not_code_like(text):
    assert parsers.find_code_like(text) == []


def test_one_confusion_away():
    from scorereader.normalize import _one_confusion_away
    from scorereader.rules import load

    conf = load("report")["ocr_confusions"]
    near = lambda p, c: _one_confusion_away(p, c, conf["digit_for"], conf["letter_for"])  # noqa: E731
    assert near("5C-300", "SC-300") and near("M5-102", "MS-102") and near("AZ-1O4", "AZ-104")
    assert near("Al-900", "AI-900") and near("A2-104", "AZ-104")
    assert not near("AZ-305", "AZ-104") and not near("5C-3O0", "SC-300") and not near("SC-300", "SC-300")
