"""The band vocabulary: the three bands a skill area can be in, how each is printed and coloured.

One place for what was spelled in five: the JSON value (the enum's value, unchanged from the SPEC),
the printed label, the lower-case words used inside sentences, the colour and the heat-map mark.
The templates' CSS colours the same bands by class name (`.needs_improvement` ...) with these colours.
"""
from __future__ import annotations

from enum import Enum

from .rules import load


class Band(str, Enum):
    """A skill area's band; str-valued so `Band.NEAR_BASELINE == "near_baseline"` and JSON is unchanged."""

    NEEDS_IMPROVEMENT = "needs_improvement"
    NEAR_BASELINE = "near_baseline"
    ABOVE_BASELINE = "above_baseline"

    def __str__(self) -> str:
        return self.value

    @property
    def label(self) -> str:
        """As a heading or legend prints it: "Needs improvement"."""
        return _LOOK[self][0]

    @property
    def words(self) -> str:
        """Inside a sentence: "needs improvement"."""
        return self.label.lower()

    @property
    def colour(self) -> str:
        return _LOOK[self][1]

    @property
    def text_colour(self) -> str:
        """Readable text on `colour` (heat-map cells)."""
        return _LOOK[self][2]

    @property
    def mark(self) -> str:
        """One character for a heat-map cell, so the grid reads without colour too."""
        return _LOOK[self][3]

    @classmethod
    def of(cls, value: str | None) -> Band | None:
        """The band for a JSON value, None for None or anything unknown."""
        try:
            return cls(value) if value is not None else None
        except ValueError:
            return None


_LOOK: dict[Band, tuple[str, str, str, str]] = {   # label, colour, text on it, mark
    Band.NEEDS_IMPROVEMENT: ("Needs improvement", "#c0392b", "#ffffff", "−"),
    Band.NEAR_BASELINE: ("Near baseline", "#d68910", "#1c2833", "≈"),
    Band.ABOVE_BASELINE: ("Above baseline", "#1e8449", "#ffffff", "+"),
}

#: Worst first: the order bands are ranked, counted and stacked in.
BANDS: tuple[Band, ...] = (Band.NEEDS_IMPROVEMENT, Band.NEAR_BASELINE, Band.ABOVE_BASELINE)
#: A band's rank (0 = worst), by JSON value.
RANK: dict[str, int] = {b.value: i for i, b in enumerate(BANDS)}

NO_BAND_LABEL = "No result"          # a plan's area without a band
NO_BAND_COLOUR = "#7f8c8d"
NOT_REPORTED = {"label": "not reported", "colour": "#eceff1", "text": "#90a4ae", "mark": "·"}  # cohort cell

#: The baseline b when passing ÷ max is unknown (SPEC; practice assessments). The value lives in
#: rules/report.toml beside the rest of the band rule.
DEFAULT_BASELINE: float = float(load("report")["band_rule"]["default_baseline"])


def label(band: str | None) -> str:
    """The printed label of a band value, "No result" when there is none."""
    b = Band.of(band)
    return b.label if b else NO_BAND_LABEL


def words(band: str | None, default: str = "") -> str:
    b = Band.of(band)
    return b.words if b else default


def colour(band: str | None) -> str:
    b = Band.of(band)
    return b.colour if b else NO_BAND_COLOUR


def css_class(band: str | None) -> str:
    """The CSS class the templates colour by: the band's value, or "unknown"."""
    b = Band.of(band)
    return b.value if b else "unknown"
