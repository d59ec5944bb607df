"""The exam printed as a heading, without an 'Exam:' label: the code and the title under it.

Real Microsoft reports print the code beside the programme logo with the title below it
('AZ-900' / 'Microsoft Azure Fundamentals'), and retired 70-series exams print only the number
('480', title on the next line), which is exam 70-480. A bare number counts only when it stands
alone on its line above the header fields, followed by a title line: a score or an ID never does.
"""
from __future__ import annotations

import re

from .. import parsers
from ..layout import Line
from .reading import Evidence, Reading

_BARE_NUMBER = re.compile(r"\d{3}")
_TITLE_WORDS = re.compile(r"[^\W\d_]{2,}")


def read_exam_heading(lines: list[Line], r: Reading) -> None:
    """Fill `r.exam_code` / `r.exam_title` from the first page's heading, where labels left them unset."""
    if not lines:
        return
    first = [ln for ln in lines if ln.page == lines[0].page]
    for i, ln in enumerate(first):
        if any("field" in s.tags for s in ln.segments):
            break  # the heading sits above the header fields
        for seg in ln.segments:
            if "boilerplate" in seg.tags:
                continue
            code, rest = _code_at_start(seg.text)
            if code is None and _BARE_NUMBER.fullmatch(seg.text) and len(ln.segments) == 1:
                code, rest = f"70-{seg.text}", ""
                if _title_below(first, i) is None:
                    continue
            if code is None:
                continue
            if r.exam_code is None:
                r.exam_code = code
                r.evidence.append(Evidence(seg.page, seg.box, "exam"))
            if r.exam_title is None and code == r.exam_code:
                title = rest if len(_TITLE_WORDS.findall(rest)) >= 2 else _title_below(first, i)
                r.exam_title = parsers.clean_name(title) if title else None
            return


def _code_at_start(text: str) -> tuple[str | None, str]:
    m = re.match(r"\s*(?:exam\s+)?([A-Z]{2,3})\s?[-‐‑–—]?\s?(\d{3})\b[:\s–—-]*(.*)$", text, re.I)
    if not m or not m.group(1).isupper():
        return None, ""
    return f"{m.group(1).upper()}-{m.group(2)}", m.group(3)


def _title_below(lines: list[Line], i: int) -> str | None:
    """The line right under the code (within four of its heights), when it reads like a title."""
    code_line = lines[i]
    h = max(s.height for s in code_line.segments)
    for ln in lines[i + 1: i + 3]:
        if ln.box.top - code_line.box.bottom > 4 * h:
            return None
        text = ln.text
        if any("field" in s.tags for s in ln.segments) or ":" in text:
            return None
        if len(_TITLE_WORDS.findall(text)) >= 2 and not parsers.find_exam_codes(text):
            return text
    return None
