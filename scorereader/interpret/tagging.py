"""Tag segments the interpreter must treat specially: headings (kept/excluded sections),
boilerplate and running headers/footers, chart words, axis labels."""
from __future__ import annotations

import re

from .. import parsers
from ..layout import Line
from ..rules import ReportWording, norm


def starts_with(text: str, phrases: tuple[str, ...]) -> str | None:
    for p in phrases:
        if text == p or (text.startswith(p) and not text[len(p)].isalnum()):
            return p
    return None


def tag_segments(lines: list[Line], w: ReportWording, page_count: int, heights: dict[int, float]) -> None:
    repeated: dict[str, set[int]] = {}
    for ln in lines:
        for s in ln.segments:
            repeated.setdefault(re.sub(r"\d+", "#", norm(s.text)), set()).add(s.page)
    for ln in lines:
        if sum(parsers.parse_percent(s.text) is not None for s in ln.segments) >= 3:
            for s in ln.segments:  # "0%  25%  50%  75%  100%": a chart axis
                s.tags.update({"axis", "chart-word"})
        for s in ln.segments:
            t = norm(s.text)
            if any(p.search(t) for p in w.boilerplate):
                s.tags.add("boilerplate")
            edge = s.box.top < 0.08 * heights[s.page] or s.box.bottom > 0.92 * heights[s.page]
            if page_count > 1 and edge and len(repeated[re.sub(r"\d+", "#", t)]) > 1:
                s.tags.add("boilerplate")
            if t in w.chart_words or re.fullmatch(r"[\d\s%.|-]*", t):
                s.tags.add("chart-word")
            if len(s.words) <= 10 and parsers.parse_percent(t) is None and parsers.parse_weight(t) is None:
                if any(t.startswith(p) for p in w.exclude_sections) or "other candidates" in t:
                    s.tags.update({"heading", "exclude"})
                elif any(re.search(rf"\b{re.escape(p)}\b", t) for p in w.include_sections):
                    s.tags.add("heading")
