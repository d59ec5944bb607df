"""The table 'How Your Performance Compares to Those Who Have Taken this Exam' → each row's verdict.

Real reports mark one column per skill area (Opportunity for Improvement | Comparable | Strength)
with a check-mark picture. The picture's alternate text names the column when the report carries
one ('Strength checked'); otherwise the column is the heading cell the picture sits under. The
area is the first-column text beside the picture (wrapped lines included), matched to the chart's
skill areas by name: the table is never read as a second list of areas. The table may continue on
the next page, where its heading row is not repeated.
"""
from __future__ import annotations

from ..catalog import normalize_name
from ..ir import Document, Picture
from ..layout import Line, Segment
from ..rules import ReportWording, norm
from .reading import Evidence, Row

MARK_MAX_EM = 3.0  # a check mark is at most this many text heights on a side


def read_comparison(doc: Document, lines: list[Line], rows: list[Row], w: ReportWording) -> None:
    """Set `row.comparison` for each chart row the comparison table marks."""
    if not rows or not any(p.pictures for p in doc.pages):
        return
    head = next((s for ln in lines for s in ln.segments
                 if any(h in norm(s.text) for h in w.comparison_headings)), None)
    if head is None:
        return
    cells = _column_cells(lines, head, w)
    if len(cells) < 2:
        return
    name_right = min(box_x0 for box_x0, _, _ in cells.values())
    page_segs = {p.number: [s for ln in lines if ln.page == p.number for s in ln.segments] for p in doc.pages}
    for page in doc.pages:
        if page.number < head.page or page.number > head.page + 1:
            continue
        for pic in page.pictures:
            if page.number == head.page and pic.box.top < head.box.bottom:
                continue
            verdict = _verdict(pic, cells, w, head.height)
            if verdict is None:
                continue
            name_segs = _row_name(pic, page_segs[page.number], name_right)
            if not name_segs:
                continue
            row = _matching_row(" ".join(s.text for s in name_segs), rows)
            if row is not None and row.comparison is None:
                row.comparison = verdict
                row.evidence.append(Evidence(page.number, pic.box, f"comparison: {verdict}"))


def _column_cells(lines: list[Line], head: Segment, w: ReportWording) -> dict[str, tuple[float, float, float]]:
    """verdict -> (x0, cx, x1) of its heading cell, from the first row of cells under the heading."""
    cells: dict[str, tuple[float, float, float]] = {}
    for ln in lines:
        if ln.page != head.page or ln.box.top < head.box.bottom or ln.box.top > head.box.bottom + 6 * head.height:
            continue
        for s in ln.segments:
            t = norm(s.text)
            for verdict, words in w.comparison_columns.items():
                if verdict not in cells and any(t == p or t.startswith(p + " ") or p.startswith(t + " ")
                                                for p in words):
                    cells[verdict] = (s.box.x0, s.box.cx, s.box.x1)
    return cells


def _verdict(pic: Picture, cells: dict[str, tuple[float, float, float]], w: ReportWording, em: float) -> str | None:
    b = pic.box
    if b.width > MARK_MAX_EM * em or b.height > MARK_MAX_EM * em or not 0.6 <= b.width / max(b.height, 0.1) <= 1.6:
        return None
    if pic.alt:
        alt = norm(pic.alt)
        for verdict, words in w.comparison_columns.items():
            if any(alt.startswith(p) for p in words):
                return verdict
    xs = sorted(cells.values(), key=lambda c: c[1])
    if not xs[0][0] - 2 * em <= b.cx <= xs[-1][2] + 2 * em:
        return None
    return min(cells, key=lambda v: abs(cells[v][1] - b.cx))


def _row_name(pic: Picture, segs: list[Segment], name_right: float) -> list[Segment]:
    """The first-column text of the picture's row: the line nearest its centre and the lines
    stacked with it (a wrapped name), up to the gap that separates table rows."""
    cands = sorted((s for s in segs if s.box.x1 <= name_right + 1),
                   key=lambda s: s.box.top)
    if not cands:
        return []
    near = min(cands, key=lambda s: abs(s.box.cy - pic.box.cy))
    if abs(near.box.cy - pic.box.cy) > 2.5 * near.height:
        return []
    i = cands.index(near)
    block = [near]
    for step in (-1, 1):
        j, prev = i + step, near
        while 0 <= j < len(cands):
            s = cands[j]
            gap = (prev.box.top - s.box.bottom) if step < 0 else (s.box.top - prev.box.bottom)
            if gap > 0.6 * s.height or abs(s.box.x0 - near.box.x0) > 2 * s.height:
                break
            block.append(s)
            prev, j = s, j + step
    return sorted(block, key=lambda s: s.box.top)


def _matching_row(text: str, rows: list[Row]) -> Row | None:
    from rapidfuzz import fuzz

    want = normalize_name(text)
    best = max(rows, key=lambda r: fuzz.ratio(want, normalize_name(r.printed_name)))
    return best if fuzz.ratio(want, normalize_name(best.printed_name)) >= 85 else None
