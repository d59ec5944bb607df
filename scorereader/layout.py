"""Words → lines → segments: the reading structure the interpreter works on.

A *segment* is a run of words on one line with no wide gap inside it: a label, a value, a table
cell. Tolerances scale with each word's own height, so points and pixels work alike.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from statistics import median

from .ir import Box, Page, Word

GAP_EM = 1.1  # a gap wider than this many text heights starts a new segment


@dataclass
class Segment:
    page: int
    words: list[Word]
    line: int = 0  # index of its line within the page
    tags: set[str] = field(default_factory=set)  # "heading", "boilerplate", "field", "chart-word"

    # words never change after a segment is made (splitting makes new segments), so cache
    @cached_property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @cached_property
    def box(self) -> Box:
        return Box(min(w.box.x0 for w in self.words), min(w.box.top for w in self.words),
                   max(w.box.x1 for w in self.words), max(w.box.bottom for w in self.words))

    @cached_property
    def height(self) -> float:
        return median(w.box.height for w in self.words)

    @property
    def conf(self) -> float | None:
        confs = [w.conf for w in self.words if w.conf is not None]
        return min(confs) if confs else None


@dataclass
class Line:
    page: int
    segments: list[Segment]

    @property
    def box(self) -> Box:
        b = self.segments[0].box
        for s in self.segments[1:]:
            b = b.union(s.box)
        return b

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments)


def _group_lines(words: list[Word]) -> list[list[Word]]:
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.box.cy, w.box.x0)):
        h = w.box.height
        for ln in reversed(lines[-3:]):
            ref = median(x.box.cy for x in ln)
            lh = median(x.box.height for x in ln)
            if abs(w.box.cy - ref) <= 0.5 * min(h, lh) + 0.5 and not _overlaps_any(w, ln):
                ln.append(w)
                break
        else:
            lines.append([w])
    for ln in lines:
        ln.sort(key=lambda w: w.box.x0)
    return sorted(lines, key=lambda ln: median(w.box.cy for w in ln))


def _overlaps_any(w: Word, line: list[Word]) -> bool:
    return any(w.box.h_overlap(o.box) > 0.5 * min(w.box.width, o.box.width) for o in line)


def _split(words: list[Word]) -> list[list[Word]]:
    segs: list[list[Word]] = [[words[0]]]
    for prev, w in zip(words, words[1:]):
        h = min(prev.box.height, w.box.height)
        if w.box.x0 - prev.box.x1 > GAP_EM * h:
            segs.append([w])
        else:
            segs[-1].append(w)
    return segs


def page_lines(page: Page) -> list[Line]:
    out: list[Line] = []
    for i, ws in enumerate(_group_lines(page.words)):
        out.append(Line(page.number, [Segment(page.number, s, i) for s in _split(ws)]))
    return out
