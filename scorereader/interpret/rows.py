"""Skill-area rows: bars with their labels (beside or above), printed percentages, band words."""
from __future__ import annotations

import re
from statistics import median

from .. import parsers
from ..ir import Bar, Box, Document
from ..layout import Line, Segment
from ..rules import ReportWording, norm
from .reading import Evidence, Reading, Row

def _band_word(text: str, w: ReportWording) -> str | None:
    t = norm(text)
    hits = {band for band, words in w.bands.items() for p in words if re.search(rf"\b{re.escape(p)}\b", t)}
    return hits.pop() if len(hits) == 1 else None  # a legend naming all bands is not a row


def excluded_regions(lines: list[Line]) -> dict[int, list[tuple[float, float]]]:
    """Vertical spans under an 'exclude' heading, up to the next heading on that page."""
    regions: dict[int, list[tuple[float, float]]] = {}
    heads = [(s.page, s.box.top, "exclude" in s.tags) for ln in lines for s in ln.segments if "heading" in s.tags]
    heads.sort()
    for i, (page, top, excl) in enumerate(heads):
        if not excl:
            continue
        nxt = next((t for p, t, _ in heads[i + 1:] if p == page), float("inf"))
        regions.setdefault(page, []).append((top - 1, nxt - 1))
    return regions


def _in_regions(page: int, y: float, regions: dict[int, list[tuple[float, float]]]) -> bool:
    return any(a <= y < b for a, b in regions.get(page, []))


def _label_ok(s: Segment) -> bool:
    return not (s.tags & {"boilerplate", "field", "heading", "chart-word"}) and bool(re.search(r"[^\W\d_]{2,}", s.text))


def _chart_scale(bars: list[Bar], segs: list[Segment]) -> tuple[float, float] | None:
    """Full-scale x-range for lone fills: the common track, else the '0%' … '100%' axis labels."""
    tracks = [b.track for b in bars if b.track is not None]
    if tracks:
        return median(t.x0 for t in tracks), median(t.x1 for t in tracks)
    zero = [s for s in segs if norm(s.text) in ("0%", "0")]
    full = [s for s in segs if norm(s.text) in ("100%", "100")]
    if zero and full:
        return zero[0].box.cx, full[0].box.cx
    return None


def bar_rows(doc: Document, lines: list[Line], w: ReportWording, regions, r: Reading) -> list[Row]:
    rows: list[Row] = []
    page_segs = {p.number: [s for ln in lines if ln.page == p.number for s in ln.segments] for p in doc.pages}
    candidates = _chart_bars([(p.number, b) for p in doc.pages for b in p.bars
                              if not _in_regions(p.number, b.box.cy, regions) and not _is_button(b, page_segs[p.number])])
    for page in doc.pages:
        segs = page_segs[page.number]
        bars = [b for n, b in candidates if n == page.number]
        if not bars:
            continue
        lh = median(s.height for s in segs) if segs else 10.0
        scale = _chart_scale(bars, segs)
        columns = _columns(bars, 0.02 * page.width)
        for ci, column in enumerate(columns):
            # text of this column's rows lies right of the previous column's bars
            barrier = max((b.box.x1 for c in columns[:ci] for b in c), default=float("-inf"))
            col_rows: list[tuple[float, Row]] = []
            owners = _weight_owners(column, segs, lh, w)
            for i, bar in enumerate(column):
                row = _bar_row(bar, column, i, segs, barrier, lh, w, owners)
                if row is None:
                    continue
                perf = _bar_fraction(bar, scale)
                if row.performance is None:
                    row.performance = perf
                    if perf is None and row.band is None:
                        r.warnings.append(f"The bar for '{row.printed_name}' has no visible full scale, "
                                          "so its performance is unknown.")
                label = f"bar {row.performance:.2f}" if row.performance is not None else "bar"
                row.evidence.append(Evidence(page.number, bar.box, label))
                col_rows.append((bar.box.cy, row))
            col_rows += _rows_without_bar(column, col_rows, segs, barrier, page.gridlines, w)
            rows.extend(row for _, row in sorted(col_rows, key=lambda t: t[0]))
    return rows


def _rows_without_bar(column: list[Bar], done: list[tuple[float, Row]], segs: list[Segment], barrier: float,
                      gridlines: list[Box], w: ReportWording) -> list[tuple[float, Row]]:
    """Labels in the chart with no bar beside them: a bar of zero length is not drawn ('If a bar is not
    displayed for a skill area, no questions were answered correctly in that section').

    Only where the chart's gridlines (at least two, from the bars' 0 % line rightwards) run past the
    label, with labels beside the bars; the label must line up with the other labels (same right or
    left edge) in the same type size, in a gap of the bar sequence or one row beyond its ends.
    """
    if len(column) < 2 or not done:
        return []
    x0 = min(b.box.x0 for b in column)
    grid = [g for g in gridlines if g.cx >= x0 - 2 and g.height > 0]
    used = {id(s) for _, row in done for s in row.label_segs}
    labels = [s for _, row in done for s in row.label_segs]
    if not labels or any(s.box.x1 > column[0].box.x0 + 2 for s in labels):
        return []
    x0s, x1s = sorted(s.box.x0 for s in labels), sorted(s.box.x1 for s in labels)
    right, left = x1s[len(x1s) // 2], x0s[len(x0s) // 2]
    size = median(_size(s) for s in labels)
    centers = [b.box.cy for b in column]
    pitch = min(b - a for a, b in zip(centers, centers[1:]))
    lo, hi = centers[0] - 1.35 * pitch, centers[-1] + 1.35 * pitch
    loose = [s for s in segs if id(s) not in used and s.box.x0 >= barrier - 1 and s.box.x1 <= column[0].box.x0 + 2
             and lo <= s.box.cy <= hi and (_label_ok(s) or _weight_only(s)) and abs(_size(s) - size) <= 0.15 * size
             and (abs(s.box.x1 - right) <= 2 or abs(s.box.x0 - left) <= 2)]
    out = []
    for block in _blocks(loose):
        cy = sum(s.box.cy for s in block) / len(block)
        if sum(g.top <= cy <= g.bottom for g in grid) < 2:
            continue  # outside the chart's grid
        # a missing row sits where a bar would be: in a gap of the bar sequence, or one row pitch
        # beyond the first or last bar
        above = max((c for c in centers if c < cy), default=None)
        below = min((c for c in centers if c > cy), default=None)
        if above is None or below is None:
            edge = below if above is None else above
            if abs(abs(cy - edge) - pitch) > 0.3 * pitch:
                continue
        elif below - above < 1.6 * pitch:
            continue
        row = _make_row([s for s in block if not _weight_only(s)], block, w) if any(map(_label_ok, block)) else None
        if row is None:
            continue
        row.performance = 0.0
        row.evidence.extend(Evidence(s.page, s.box, "skill area") for s in block if _weight_only(s))
        row.evidence.append(Evidence(block[0].page, block[-1].box.union(block[0].box), "bar 0.00 (none drawn)"))
        out.append((cy, row))
    return out


def _size(s: Segment) -> float:
    return median(x.size for x in s.words)


def _weight_only(s: Segment) -> bool:
    """'(25-30%)' alone on the last line of a wrapped label."""
    return parsers.parse_weight(s.text) is not None and not parsers.strip_weight(s.text)


# Lines of one wrapped label sit within this many line heights of each other (OCR line boxes are
# tighter than PDF text boxes, so the gap between them looks larger than the leading).
BLOCK_GAP = 1.0


def _blocks(segs: list[Segment]) -> list[list[Segment]]:
    """Label lines stacked with ordinary leading form one block; a wider gap starts the next label."""
    blocks: list[list[Segment]] = []
    for s in sorted(segs, key=lambda s: (s.box.top, s.box.x0)):
        if blocks and s.box.top - max(x.box.bottom for x in blocks[-1]) <= BLOCK_GAP * s.height:
            blocks[-1].append(s)
        else:
            blocks.append([s])
    return blocks


def _columns(bars: list[Bar], tol: float) -> list[list[Bar]]:
    """Bars side by side in two charts (wide screenshots): one list per left edge, left to right."""
    cols: list[list[Bar]] = []
    for bar in sorted(bars, key=lambda b: (b.box.x0, b.box.top)):
        for c in cols:
            if abs(c[0].box.x0 - bar.box.x0) <= tol:
                c.append(bar)
                break
        else:
            cols.append([bar])
    cols.sort(key=lambda c: c[0].box.x0)
    for c in cols:
        c.sort(key=lambda b: b.box.top)
    return cols


def _bar_row(bar: Bar, column: list[Bar], i: int, segs: list[Segment], barrier: float, lh: float,
             w: ReportWording, owners: dict[int, int]) -> Row | None:
    """The label (beside or above) and printed values of one bar, within its share of the column.

    A line holding only a weight belongs to the bar nearest to it (`owners`), wherever it is
    printed (after a wrapped name, or below the bar in mobile layouts), and is never a label."""
    bb = bar.box
    centers = [b.box.cy for b in column]
    lo = (centers[i - 1] + bb.cy) / 2 if i else bb.cy - 2.5 * lh
    hi = (centers[i + 1] + bb.cy) / 2 if i + 1 < len(column) else bb.cy + 2.5 * lh
    mine = [s for s in segs if s.box.x0 >= barrier - 1 and s.box.x0 <= bb.x1 + 6 * lh]
    in_band = [_short_of(s, bb.x0 + 2) for s in mine if lo <= s.box.cy < hi and id(s) not in owners]
    left = [s for s in in_band if s.box.x1 <= bb.x0 + 2 and (_label_ok(s) or _weight_only(s))]
    right = [s for s in in_band if s.box.x0 >= bb.x1 - 2]
    if left and _own_column_label(bb, column, mine, lh, owners):
        left = []  # the bar's label is above it in its own column; the text to its left is another column's
    if left:
        # the label block beside this bar (others in the band belong to a row with no bar drawn)
        block = min(_blocks(left), key=lambda b: (min(abs(s.box.cy - bb.cy) for s in b)))
        label_segs = _label_column([s for s in block if _label_ok(s)])
        right += [s for s in block if _weight_only(s)]
    else:  # stacked layout: the label sits above its bar
        top_lim = column[i - 1].box.bottom if i else bb.top - 3.5 * lh
        # above: ends at the bar's top, or (an OCR line box stretched by a neighbour) centred above it
        label_segs = [s for s in mine if top_lim - 0.5 < s.box.top
                      and (s.box.bottom <= bb.top + 1 or s.box.cy <= bb.top - 0.25 * lh) and s.box.x0 < bb.x1 and s.box.x1 > bb.x0 - 3 * lh and _label_ok(s) and id(s) not in owners]
        label_segs = _up_to_sentence(label_segs)
        right += [s for s in mine if top_lim - 0.5 < s.box.top and s.box.bottom <= bb.bottom + 1
                  and s.box.x0 >= bb.x1 - 2 and id(s) not in owners]
    if not label_segs:
        return None
    label_lines = {(x.page, x.line) for x in label_segs}
    values = [s for s in in_band + right if "axis" not in s.tags and
              (abs(s.box.cy - bb.cy) <= max(bb.height, lh) or (s.page, s.line) in label_lines)]
    values += [s for s in mine if owners.get(id(s)) == i]
    return _make_row(label_segs, values, w)


def _short_of(s: Segment, x: float) -> Segment:
    """A label that runs on into the bar (OCR specks at the bar's start joined to it) ends
    where the bar begins."""
    if s.box.x0 >= x or s.box.x1 <= x:
        return s
    words = [w for w in s.words if w.box.x1 <= x]
    return Segment(s.page, words, s.line, s.tags) if words else s


def weight_only(s: Segment, w: ReportWording) -> bool:
    """A weight printed on its own ("20–25%", "Weight: 20–25% of exam"): no skill-area words."""
    if parsers.parse_weight(s.text) is None:
        return False
    rest = norm(parsers.strip_weight(s.text))
    for f in w.weight_fillers:
        rest = re.sub(rf"\b{re.escape(f)}\b", " ", rest)
    return not re.search(r"[^\W\d_]{2,}", rest)


def _weight_owners(column: list[Bar], segs: list[Segment], lh: float, w: ReportWording) -> dict[int, int]:
    """id(segment) → index of the column's bar nearest to it, for every weight-only segment
    within three lines of a bar of the column (vertical gap; 0 when beside the bar)."""
    owners: dict[int, int] = {}
    x0 = min(b.box.x0 for b in column)
    x1 = max(b.box.x1 for b in column)
    for s in segs:
        if s.box.x1 < x0 - 40 * lh or s.box.x0 > x1 + 6 * lh or not weight_only(s, w):
            continue
        if s.box.x1 <= x0 + 2 and _weight_only(s):
            continue  # left of the bars: part of a label block beside its bar (or beside no bar: a 0 row)
        gap, k = min((max(0.0, b.box.top - s.box.bottom, s.box.top - b.box.bottom), k) for k, b in enumerate(column))
        if gap <= 3 * lh:
            owners[id(s)] = k
    return owners


def _own_column_label(bb, column: list[Bar], mine: list[Segment], lh: float,  # noqa: ANN001 - Box
                      owners: dict[int, int]) -> bool:
    """A label line right above the bar starting at its left edge: the stacked layout of a chart
    in its own column (a landscape page with fields in a column to its left). Words (three
    letters or more), not specks left of a bar above."""
    def on_a_bar(s: Segment) -> bool:
        return any(b.box.top <= s.box.cy <= b.box.bottom and b.box.x0 <= s.box.cx <= b.box.x1 for b in column)

    return any(bb.top - 2.2 * lh <= s.box.cy <= bb.top and abs(s.box.x0 - bb.x0) <= 1.5 * lh
               and _label_ok(s) and re.search(r"[^\W\d_]{3,}", s.text) and id(s) not in owners
               and not on_a_bar(s) for s in mine)


_SENTENCE_END = re.compile(r"[.:!?]\s*$")


def _up_to_sentence(label_segs: list[Segment]) -> list[Segment]:
    """Label lines above a bar, collected upwards from the bar: a sentence (a caption that
    explains the chart, ending in '.' or ':'; or a long line ending in a comma, as OCR reads a
    full stop) ends the label and is not part of it."""
    by_line: dict[tuple[int, int], list[Segment]] = {}
    for s in label_segs:
        by_line.setdefault((s.page, s.line), []).append(s)
    keep: list[Segment] = []
    for _key, line in sorted(by_line.items(), key=lambda kv: -max(x.box.bottom for x in kv[1])):
        text = " ".join(x.text for x in sorted(line, key=lambda x: x.box.x0))
        if keep and (_SENTENCE_END.search(text) or (text.rstrip().endswith(",") and len(text.split()) >= 8)):
            break
        keep.extend(line)
    return keep


def _is_button(bar: Bar, segs: list[Segment]) -> bool:
    """A bar-shaped box with words inside it is a button or a banner; a number inside is a label."""
    b = bar.box
    inside = [s for s in segs if b.x0 - 1 <= s.box.cx <= b.x1 + 1 and b.top - 1 <= s.box.cy <= b.bottom + 1]
    return any(bar.fill is None or re.search(r"[^\W\d_]{3,}", s.text) for s in inside)


def _chart_bars(bars: list[tuple[int, Bar]]) -> list[tuple[int, Bar]]:
    """Skill bars come in charts that share a left edge; a lone shape elsewhere is decoration."""
    clusters: list[list[tuple[int, Bar]]] = []
    for item in bars:
        for c in clusters:
            if abs(c[0][1].box.x0 - item[1].box.x0) <= 3:
                c.append(item)
                break
        else:
            clusters.append([item])
    if any(len(c) >= 2 for c in clusters):
        clusters = [c for c in clusters if len(c) >= 2]
    keep = {id(b) for c in clusters for _, b in c}
    return [item for item in bars if id(item[1]) in keep]


def _bar_fraction(bar: Bar, scale: tuple[float, float] | None) -> float | None:
    if bar.fraction is not None:
        return bar.fraction
    if bar.fill is not None and scale is not None:
        x0, x1 = scale
        if x1 - x0 > 0 and abs(bar.fill.x0 - x0) <= 0.03 * (x1 - x0):
            return max(0.0, min(1.0, (bar.fill.x1 - x0) / (x1 - x0)))
    return None


def _label_column(left: list[Segment]) -> list[Segment]:
    """Among text left of a bar, keep the label column (leftmost), not a weight column beside it."""
    words_first = [s for s in left if re.search(r"[^\W\d_]{2,}", parsers.strip_weight(s.text))]
    if not words_first:
        return []
    first = min(words_first, key=lambda s: s.box.x0)
    # left-aligned lines share x0; right-aligned wrapped lines overlap the longest one
    return [s for s in words_first if s.box.x0 <= first.box.x0 + 2 * s.height or s.box.h_overlap(first.box) > 0]


def _make_row(label_segs: list[Segment], around: list[Segment], w: ReportWording) -> Row | None:
    label_segs = sorted(label_segs, key=lambda s: (s.box.top, s.box.x0))
    raw = " ".join(s.text for s in label_segs)
    weight = parsers.parse_weight(raw)
    band = _band_word(raw, w)
    perf = None
    for s in around:
        if s in label_segs:
            continue
        weight = weight or parsers.parse_weight(s.text)
        band = band or _band_word(s.text, w)
        if perf is None:
            perf = parsers.parse_percent(s.text)
    name = parsers.strip_weight(raw)
    if band is not None:
        name = _strip_band_words(name, w)
    name = re.sub(r"\s*\d{1,3}\s*%$", "", name).strip()
    if not name or norm(name) in w.chart_words:
        return None
    row = Row(printed_name=name, weight=weight, performance=perf, band=band, label_segs=label_segs)
    row.evidence.extend(Evidence(s.page, s.box, "skill area") for s in label_segs)
    row.evidence.extend(Evidence(s.page, s.box, "skill area") for s in around
                        if s not in label_segs and parsers.parse_weight(s.text) and not parsers.strip_weight(s.text))
    return row


def _strip_band_words(name: str, w: ReportWording) -> str:
    for words in w.bands.values():
        for p in words:
            name = re.sub(rf"\b{re.escape(p)}\b", " ", name, flags=re.I)
    return parsers.clean_name(name)


def text_rows(lines: list[Line], w: ReportWording, regions, bar_pages: set[int]) -> list[Row]:
    """Skill areas printed as text only: a percentage or a band word per row."""
    rows: list[Row] = []
    last: tuple[Row, Line] | None = None
    for ln in lines:
        if ln.page in bar_pages or _in_regions(ln.page, ln.box.cy, regions):
            last = None
            continue
        segs = [s for s in ln.segments if not (s.tags & {"boilerplate", "field", "heading"})]
        if not segs:
            last = None
            continue
        text = " ".join(s.text for s in segs)
        value = parsers.parse_percent(text) is not None or _band_word(text, w) is not None
        if value:
            labels = [s for s in segs if _label_ok(s) and parsers.parse_percent(s.text) is None
                      and _band_word(s.text, w) is None] or [s for s in segs if _label_ok(s)]
            row = _make_row(labels, segs, w) if labels else None
            if row is not None and (row.performance is not None or row.band is not None):
                rows.append(row)
                last = (row, ln)
                continue
        elif last is not None and all(_label_ok(s) for s in segs):
            row, prev = last
            lab0 = next(e.box for e in row.evidence)
            if abs(segs[0].box.x0 - lab0.x0) < 2 * segs[0].height and ln.box.top - prev.box.bottom < 1.2 * segs[0].height:
                row.printed_name = parsers.strip_weight(row.printed_name + " " + segs[0].text)
                row.weight = row.weight or parsers.parse_weight(segs[0].text)
                row.evidence.append(Evidence(ln.page, segs[0].box, "skill area"))
                last = (row, ln)
                continue
        last = None
    return rows
