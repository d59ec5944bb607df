"""Vector shapes (rects, curves, thick lines) → horizontal bars (track and fill).

Pure geometry over plain boxes, so it is unit-testable without a PDF. The recipe: keep long,
thin, horizontal painted shapes; group those on the same row that overlap; the light neutral
(or unfilled, stroked) widest shape is the track, the differently coloured shape that starts at
the track's left edge is the fill. End markers and ticks are too short to survive the filter.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..ir import Bar, Box
from .colors import RGB, is_light_neutral, same_color

MIN_ASPECT = 3.0      # width ÷ height of anything we call a bar
MIN_HEIGHT = 1.5      # thinner is a rule or an underline (points)
MAX_PAGE_FRACTION = 0.06  # taller than this share of the page is a panel, not a bar


@dataclass(frozen=True)
class Shape:
    box: Box
    color: RGB | None   # fill colour (or stroke colour for a stroked line/outline)
    filled: bool        # painted area (False: outline only)
    kind: str           # rect | curve | line


def is_bar_like(s: Shape, page_height: float) -> bool:
    b = s.box
    return (b.height >= MIN_HEIGHT and b.width >= MIN_ASPECT * b.height and b.width >= 15
            and b.height <= MAX_PAGE_FRACTION * page_height)


def _same_row(a: Box, b: Box) -> bool:
    tol = max(1.5, 0.35 * min(a.height, b.height))
    return abs(a.cy - b.cy) <= tol and a.h_overlap(b) > 0


def _inside(inner: Box, outer: Box) -> bool:
    return (inner.x0 >= outer.x0 - 1 and inner.x1 <= outer.x1 + 1 and inner.top >= outer.top - 1
            and inner.bottom <= outer.bottom + 1 and inner.height >= 0.5 * outer.height)


def _merge_pieces(shapes: list[Shape]) -> list[Shape]:
    """Join same-coloured pieces of one bar (e.g. a rect body plus two round end caps)."""
    out: list[Shape] = []
    for s in sorted(shapes, key=lambda s: (round(s.box.cy), s.box.x0)):
        for i, o in enumerate(out):
            if (o.filled == s.filled and same_color(o.color, s.color) and abs(o.box.cy - s.box.cy) <= 1.0
                    and abs(o.box.height - s.box.height) <= 1.0 and s.box.x0 <= o.box.x1 + 0.5):
                out[i] = Shape(o.box.union(s.box), o.color, o.filled, o.kind)
                break
        else:
            out.append(s)
    return out


def group_bars(shapes: list[Shape], page_height: float) -> list[Bar]:
    """Return one Bar per row of overlapping bar-like shapes, top to bottom."""
    long = [s for s in shapes if is_bar_like(s, page_height)]
    # a short fill is still a fill when it lies inside a bar's track (a weak area's stub)
    stubs = [s for s in shapes if s.filled and s not in long and any(_inside(s.box, t.box) for t in long)]
    cands = _merge_pieces(long + stubs)
    groups: list[list[Shape]] = []
    for s in sorted(cands, key=lambda s: (s.box.cy, s.box.x0)):
        for g in groups:
            if any(_same_row(s.box, o.box) for o in g):
                g.append(s)
                break
        else:
            groups.append([s])
    bars = [bar for g in groups if (bar := _classify(g)) is not None]
    return sorted(bars, key=lambda b: (b.box.top, b.box.x0))


def _classify(group: list[Shape]) -> Bar | None:
    kind = group[0].kind
    if len(group) == 1:
        s = group[0]
        if not s.filled or is_light_neutral(s.color):
            # an empty track: the candidate's part is zero length (or drawn too small to survive)
            return Bar(track=s.box, fill=None, source=kind)
        return Bar(track=None, fill=s.box, source=kind, fill_color=s.color)
    widest = max(group, key=lambda s: (s.box.width, not s.filled, is_light_neutral(s.color)))
    tracks = [s for s in group if (not s.filled or is_light_neutral(s.color))
              and s.box.width >= widest.box.width - 1.0]
    track = tracks[0].box if tracks else widest.box
    track_x0 = min(t.box.x0 for t in tracks) if tracks else track.x0
    fills = [s for s in group if s not in tracks and s.filled and s.box.x0 <= track_x0 + max(2.0, s.box.height)]
    if not fills:
        if tracks:
            return Bar(track=track, fill=None, source=kind)
        return None
    fill = max(fills, key=lambda s: s.box.width)
    if not tracks and fill is widest:
        # several coloured shapes with no neutral track: the widest holds the full scale
        others = [s for s in fills if s is not widest]
        if not others:
            return Bar(track=None, fill=fill.box, source=fill.kind, fill_color=fill.color)
        fill = max(others, key=lambda s: s.box.width)
    return Bar(track=track, fill=fill.box, source=fill.kind, fill_color=fill.color)


def widen_lone_fills(bars: list[Bar], gridlines: list[Box]) -> list[Bar]:
    """Give lone fills the full scale of their chart: vertical gridlines/axis spanning their rows."""
    out = []
    for bar in bars:
        if bar.track is None and bar.fill is not None:
            f = bar.fill
            xs = [g.cx for g in gridlines if g.top <= f.cy <= g.bottom and g.cx >= f.x0 - 1.5]
            if xs and abs(min(xs) - f.x0) <= 2.0 and max(xs) - f.x0 > 0.5 * f.width:
                track = Box(f.x0, f.top, max(max(xs), f.x1), f.bottom)
                bar = Bar(track=track, fill=f, source=bar.source, fill_color=bar.fill_color)
        out.append(bar)
    return out
