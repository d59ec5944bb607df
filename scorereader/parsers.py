"""Small pure parsers for the values score reports print: dates, scores, weights, percentages.

Each returns None for anything it cannot read with confidence; none of them guesses.
"""
from __future__ import annotations

import datetime as dt
import re

DASHES = "-‐‑‒–—―~"
_DASH = f"[{re.escape(DASHES)}]"
MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"])}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
_MON = r"(?P<mon>[A-Za-z]{3,9})\.?"

_DATE_PATTERNS = [
    re.compile(r"\b(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})\b"),          # 2026-05-12
    re.compile(r"\b(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4}|\d{2})\b"),             # 05/12/2026 (US)
    re.compile(rf"\b{_MON}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?[,.]?\s+(?P<y>\d{{4}})\b"),  # May 12, 2026 (OCR: "12.")
    re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MON},?\s+(?P<y>\d{{4}})\b"),  # 12 May 2026
    re.compile(rf"\b(?P<d>\d{{1,2}})[-\s]{_MON}[-\s](?P<y>\d{{4}})\b"),              # 12-May-2026
]


def parse_date(text: str) -> dt.date | None:
    """First date in `text`: ISO, US numeric (MM/DD/YYYY, as Pearson VUE prints), or long forms."""
    for pat in _DATE_PATTERNS:
        for m in pat.finditer(text):
            g = m.groupdict()
            try:
                month = MONTHS.get(g["mon"].lower()) if g.get("mon") else int(g["m"])
                if month is None:
                    continue
                year = int(g["y"])
                year = year + 2000 if len(g["y"].lstrip()) <= 2 else year  # "26" is 2026; "0001" is year 1
                day = dt.date(year, month, int(g["d"]))
            except (ValueError, TypeError):
                continue
            if 1990 <= day.year <= 2100:
                return day
    return None


_INT = re.compile(r"(?<![\d.,])(\d{1,4})(?![\d.,]*\d)")
_OUT_OF = re.compile(r"(?<![\d.])(\d{1,4})\s*(?:/|out of|of)\s*(\d{2,4})\b", re.I)


#: Digit groups split by single spaces at the start of a value ("8 57", "7 1%"): large display
#: digits that OCR reads with a gap. Joined when they make 2-4 digits; "652 / 1000" has a
#: separator, "652 1000" too many digits, so neither is touched.
_SPLIT_DIGITS = re.compile(r"^(\d{1,3})((?: \d{1,3})+)(?=\s*(?:%|/|\bout of\b|\bof\b|$))", re.I)


def join_split_digits(text: str) -> str:
    """'8 57' → '857', '7 1%' → '71%' (see _SPLIT_DIGITS); anything else unchanged."""
    t = text.strip()
    m = _SPLIT_DIGITS.match(t)
    if not m:
        return text
    digits = m.group(1) + m.group(2).replace(" ", "")
    if not 2 <= len(digits) <= 4:
        return text
    return digits + t[m.end():]


def parse_score(text: str) -> tuple[int | None, int | None]:
    """Score and, when printed beside it ("652 / 1000", "652 out of 1000"), the maximum; digits
    that OCR split ("6 52") are joined."""
    t = join_split_digits(text).replace(",", "")
    m = _OUT_OF.search(t)
    if m:
        score, top = int(m.group(1)), int(m.group(2))
        return (score, top) if score <= top else (None, None)
    m = _INT.search(t)
    if not m:
        return None, None
    return int(m.group(1)), None


_PERCENT = re.compile(r"(?<![\d.])(\d{1,3}(?:[.,]\d+)?)\s*%")


def parse_percent(text: str) -> float | None:
    """A single percentage ("64%", "64 %", "64.5%") as 0..1; a weight range is not a percentage."""
    if parse_weight(text) is not None:
        return None
    m = _PERCENT.search(text)
    if not m:
        return None
    value = float(m.group(1).replace(",", "."))
    return value / 100 if 0 <= value <= 100 else None


_WEIGHT = re.compile(
    rf"(?<![\d.])(\d{{1,2}})\s*%?\s*(?:{_DASH}|to)\s*(\d{{1,3}})\s*%")


def parse_weight(text: str) -> tuple[int, int] | None:
    """A weight range: "(20–25%)", "20 - 25 %", "20%–25%", "20 to 25%"."""
    m = _WEIGHT.search(text)
    if not m:
        return None
    lo, hi = int(m.group(1)), int(m.group(2))
    if not (0 <= lo <= hi <= 100):
        return None
    return lo, hi


_WEIGHT_SPAN = re.compile(rf"\(?\s*\d{{1,2}}\s*%?\s*(?:{_DASH}|to)\s*\d{{1,3}}\s*%\s*\)?")


def strip_weight(text: str) -> str:
    """Remove a printed weight range and tidy what is left."""
    return clean_name(_WEIGHT_SPAN.sub(" ", text))


def clean_name(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" :;,.-–—•·|")
    text = re.sub(r"(\w)- (\w)", r"\1\2", text)  # a word hyphenated at a line wrap
    return text.strip()


_EXAM_CODE = re.compile(rf"\b([A-Z]{{2,3}})(?:\s?(?:{_DASH})\s?)?(\d{{3}})\b")


_CODE_LIKE = re.compile(rf"(?<![\w-])([A-Za-z0-9|]{{2,3}})\s?(?:{_DASH})\s?([A-Za-z0-9|]{{3}})(?!\w)")


def find_code_like(text: str) -> list[tuple[str, int]]:
    """Tokens shaped like an exam code that OCR may have garbled ("AZ-1O4", "5C-300", "Al-900"),
    with where each ends in `text`: two or three characters, a dash, three with at least two
    digits, and a letter somewhere. Whether one is a code is for the catalog to say (normalize)."""
    out = []
    for m in _CODE_LIKE.finditer(text):
        token = f"{m.group(1)}-{m.group(2)}"
        if sum(c.isdigit() for c in m.group(2)) >= 2 and any(c.isalpha() for c in token):
            out.append((token, m.end()))
    return out


def find_exam_codes(text: str) -> list[str]:
    """Exam codes in reading order, normalized to "AZ-104"."""
    return [f"{a}-{b}" for a, b in _EXAM_CODE.findall(text.upper())]


_ID = re.compile(r"[A-Z0-9][A-Z0-9\-]{3,}", re.I)


def parse_identifier(text: str) -> str | None:
    """Candidate/registration IDs: digit strings (letters allowed, as some providers print)."""
    m = _ID.search(text.replace(" ", ""))
    if not m or not any(ch.isdigit() for ch in m.group(0)):
        return None
    return m.group(0).upper()
