"""The intermediate representation every source produces and the one interpreter reads.

Coordinates are in the page's own units (PDF points for the text layer, pixels for images),
origin top-left, `top` growing downwards, exactly as pdfplumber reports them. The interpreter
never assumes a unit: it scales its tolerances by the text size it finds on the page.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Box:
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    def union(self, other: "Box") -> "Box":
        return Box(min(self.x0, other.x0), min(self.top, other.top),
                   max(self.x1, other.x1), max(self.bottom, other.bottom))

    def v_overlap(self, other: "Box") -> float:
        return max(0.0, min(self.bottom, other.bottom) - max(self.top, other.top))

    def h_overlap(self, other: "Box") -> float:
        return max(0.0, min(self.x1, other.x1) - max(self.x0, other.x0))

    def scaled(self, f: float) -> "Box":
        return Box(self.x0 * f, self.top * f, self.x1 * f, self.bottom * f)


@dataclass(frozen=True)
class Word:
    """One word with its box. `size` is the text height; `conf` is OCR confidence 0–100 (None for a text layer)."""

    text: str
    box: Box
    size: float
    conf: float | None = None


@dataclass(frozen=True)
class Bar:
    """One horizontal bar: the track (background, full scale) and/or the fill (the candidate's part).

    `fraction` is fill ÷ track when both were seen; a lone fill has `track=None` and its fraction is
    decided by the interpreter against the chart's common full width, or left unknown.
    """

    track: Box | None
    fill: Box | None
    source: str  # "rect", "curve", "pixels"
    fill_color: tuple[float, float, float] | None = None

    @property
    def box(self) -> Box:
        if self.track and self.fill:
            return self.track.union(self.fill)
        return self.track or self.fill  # type: ignore[return-value]

    @property
    def fraction(self) -> float | None:
        if self.track is None or self.track.width <= 0:
            return None
        if self.fill is None:
            return 0.0
        return max(0.0, min(1.0, (self.fill.x1 - self.track.x0) / self.track.width))


@dataclass(frozen=True)
class Picture:
    """A placed image that is not a chart (logo, photo, check mark): its box and alternate text.

    Real Microsoft reports mark the comparison table's verdict with a check-mark picture whose only
    machine-readable meaning is its position or its `/XXAlt` text ("Strength checked").
    """

    box: Box
    alt: str | None = None


@dataclass
class Page:
    number: int  # 1-based
    width: float
    height: float
    words: list[Word] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    pictures: list[Picture] = field(default_factory=list)  # text-layer PDFs only
    gridlines: list[Box] = field(default_factory=list)  # thin vertical rules (chart gridlines, axes)
    # OCR only: the prepared frame (H×W×3 array) the coordinates refer to, for `--explain`
    frame: Any = field(default=None, repr=False, compare=False)


@dataclass
class Document:
    """What an extractor hands the interpreter: pages of words and bars, plus how they were read."""

    path: str
    sha256: str
    method: str  # "pdf-text", "pdf-ocr", "image-ocr"
    page_count: int
    pages: list[Page] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
