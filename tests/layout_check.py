"""A layout checker for the PDFs scorereader prints: reads each page back with pdfplumber and reports
text that a reader would see as broken.

What it looks at, all from the PDF itself (so it works on any produced file, not only on HTML we hold):
glyph boxes from pdfplumber; paths from pdfium with their clip paths applied (`_shapes`), and the
page rendered by pdfium to tell a filled box from a ring-shaped border (`_painted`).

* `overlap`   — glyphs of two different text runs on top of each other (`weight unknn11.5 h`).
* `off-page`  — a glyph outside the page box.
* `crosses-box` — a glyph partly inside and partly outside a filled box (a chart segment, a chip,
  a heat-map cell): text clipped by its box or running out of it.
* `crossed-by-rule` — a rule (table border, chart line) drawn through a glyph.
* `cell`      — table cells rebuilt from the borders WeasyPrint draws: a collapsed table's row rule
  is drawn as one segment per cell, so the joints between abutting segments on one rule are the
  column boundaries and two consecutive rules bound a row. A glyph whose centre lies in a cell must
  keep `CELL_CLEARANCE` from that cell's sides: text over a column boundary (overflow) or flush with
  it (a cell with no padding) is reported.

Run as a script to check files: `python tests/layout_check.py FILE.pdf...` (exit 1 on problems).
"""
from __future__ import annotations

import io
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pdfplumber

OVERLAP = 1.0          # pt of horizontal overlap between two glyphs of different runs that counts
KERN = 0.6             # consecutive glyphs of one run may overlap this much (kerning, rounding)
STRADDLE = 1.0         # pt a glyph may poke out of a filled box it is otherwise inside
CELL_CLEARANCE = 1.0   # pt a glyph keeps from its table cell's sides
BOX_CLEARANCE = 0.8    # pt a glyph keeps from the left and right sides of the filled box it sits in
RULE_MAX = 3.0         # a shape thinner than this is a rule (a border, a table line), not a box
MIN_BOX = 3.0          # smaller filled shapes (dots in dashed lines) are ignored
SCALE = 2.0            # render scale for the pixel samples (144 dpi)


@dataclass(frozen=True)
class Problem:
    page: int
    kind: str
    text: str
    where: tuple[float, float, float, float]
    detail: str = ""

    def __str__(self) -> str:
        x0, top, x1, bottom = self.where
        return (f"page {self.page}: {self.kind}: {self.text!r} at ({x0:.1f}, {top:.1f})–({x1:.1f}, {bottom:.1f})"
                f"{' — ' + self.detail if self.detail else ''}")


@dataclass
class Glyph:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    run: int


def _glyphs(page) -> tuple[list[Glyph], dict[int, str]]:  # noqa: ANN001 - pdfplumber page
    """Visible glyphs, each tagged with its run, and each run's text: consecutive glyphs in content
    order on one baseline whose boxes abut (a space between is fine) are one run — one line of one box."""
    out: list[Glyph] = []
    texts: dict[int, str] = defaultdict(str)
    run, prev = 0, None
    for c in page.chars:
        if prev is None or abs(c["bottom"] - prev["bottom"]) > 0.5 or not (-KERN * 4 <= c["x0"] - prev["x1"] <= 1.2):
            run += 1
        texts[run] += c["text"]
        if c["text"].strip():
            out.append(Glyph(c["text"], c["x0"], c["x1"], c["top"], c["bottom"], run))
        prev = c
    return out, {k: v.strip() for k, v in texts.items()}


def _overlaps(page_no: int, glyphs: list[Glyph], texts: dict[int, str]) -> list[Problem]:
    grid: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, g in enumerate(glyphs):
        for gx in range(int(g.x0 // 20), int(g.x1 // 20) + 1):
            for gy in range(int(g.top // 20), int(g.bottom // 20) + 1):
                grid[gx, gy].append(i)
    seen: set[tuple[int, int]] = set()
    out = []
    for cell in grid.values():
        for a_i, i in enumerate(cell):
            for j in cell[a_i + 1:]:
                a, b = glyphs[i], glyphs[j]
                if a.run == b.run or (a.run, b.run) in seen:
                    continue
                dx = min(a.x1, b.x1) - max(a.x0, b.x0)
                dy = min(a.bottom, b.bottom) - max(a.top, b.top)
                if dx > OVERLAP and dy > 0.4 * min(a.bottom - a.top, b.bottom - b.top):
                    seen.add((a.run, b.run))
                    out.append(Problem(page_no, "overlap", f"{texts[a.run]} × {texts[b.run]}",
                                       (max(a.x0, b.x0), max(a.top, b.top), min(a.x1, b.x1), min(a.bottom, b.bottom))))
    return out


@dataclass(frozen=True)
class Shape:
    """A filled or stroked path as it shows on paper: its bounds cut down to its clip path's."""
    x0: float
    top: float
    x1: float
    bottom: float
    rgb: tuple[int, int, int]
    stroked: bool


def _shapes(page) -> list[Shape]:  # noqa: ANN001 - pypdfium2 page
    """Paths from pdfium, clip applied. WeasyPrint draws a border by clipping to the border's band
    and filling the whole box, so without the clip a border would look like a filled box."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    height = page.get_height()
    out = []
    # Top-level paths only: paths inside form XObjects (SVG images such as the checkboxes) report
    # bounds and clips in the form's own space, and images are not layout boxes.
    for obj in page.get_objects(max_depth=0):
        if obj.type != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        left, bottom, right, top = obj.get_bounds()
        clip = pdfium_c.FPDFPageObj_GetClipPath(obj.raw)
        if clip:
            for i in range(pdfium_c.FPDFClipPath_CountPaths(clip)):
                xs, ys = [], []
                for j in range(pdfium_c.FPDFClipPath_CountPathSegments(clip, i)):
                    seg = pdfium_c.FPDFClipPath_GetPathSegment(clip, i, j)
                    x, y = ctypes.c_float(), ctypes.c_float()
                    pdfium_c.FPDFPathSegment_GetPoint(seg, x, y)
                    xs.append(x.value)
                    ys.append(y.value)
                if xs:
                    left, right = max(left, min(xs)), min(right, max(xs))
                    bottom, top = max(bottom, min(ys)), min(top, max(ys))
        if right - left <= 0.05 or top - bottom <= 0.05:
            continue
        mode, stroke = ctypes.c_int(), ctypes.c_int()
        pdfium_c.FPDFPath_GetDrawMode(obj.raw, mode, stroke)
        r, g, b, a = (ctypes.c_uint() for _ in range(4))
        if mode.value:
            pdfium_c.FPDFPageObj_GetFillColor(obj.raw, r, g, b, a)
        elif stroke.value:
            pdfium_c.FPDFPageObj_GetStrokeColor(obj.raw, r, g, b, a)
        else:
            continue
        rgb = (r.value, g.value, b.value)
        if a.value == 0 or rgb == (255, 255, 255):
            continue  # invisible, or white on white paper (dividers between segments)
        if not mode.value:  # a stroke's bounds include half its width past each end: take it off
            half = min(right - left, top - bottom) / 2
            left, right = (left + half, right - half) if right - left > top - bottom else (left, right)
            bottom, top = (bottom + half, top - half) if top - bottom > right - left else (bottom, top)
        out.append(Shape(left, height - top, right, height - bottom, rgb, not mode.value))
    return out


def _painted(image, shape: Shape, scale: float) -> bool:  # noqa: ANN001
    """Is the inside of the shape really its colour? A border drawn as a ring (rounded corners) has
    the whole box as its bounds; the rendered page tells a ring from a filled box (3 × 3 samples)."""
    hits = 0
    for fx in (0.25, 0.5, 0.75):
        for fy in (0.25, 0.5, 0.75):
            x = (shape.x0 + fx * (shape.x1 - shape.x0)) * scale
            y = (shape.top + fy * (shape.bottom - shape.top)) * scale
            px = image.getpixel((min(int(x), image.width - 1), min(int(y), image.height - 1)))
            hits += all(abs(p - q) <= 12 for p, q in zip(px[:3], shape.rgb))
    return hits >= 5


def _boxes_and_rules(shapes: list[Shape], image, scale: float):  # noqa: ANN001, ANN202
    """Filled boxes, horizontal rules (x0, x1, y) and vertical rules (x0, x1, top, bottom)."""
    boxes, hrules, vrules = [], [], []
    for sh in shapes:
        w, h = sh.x1 - sh.x0, sh.bottom - sh.top
        if h <= RULE_MAX and w > MIN_BOX:
            hrules.append((sh.x0, sh.x1, (sh.top + sh.bottom) / 2))
        elif w <= RULE_MAX and h > MIN_BOX:
            vrules.append((sh.x0, sh.x1, sh.top, sh.bottom))
        elif not sh.stroked and w >= MIN_BOX and h >= MIN_BOX and _painted(image, sh, scale):
            boxes.append((sh.x0, sh.top, sh.x1, sh.bottom))
    return boxes, hrules, vrules


def _crosses_boxes(page_no: int, glyphs: list[Glyph], texts: dict[int, str], boxes) -> list[Problem]:  # noqa: ANN001
    """A run that starts inside a filled box must stay inside it: the innermost box holding the run's
    first glyph is its box; every glyph keeps BOX_CLEARANCE from its sides (text flush with a side is
    cut by it or by the next box) and stays within its top and bottom (± 2.5 × STRADDLE)."""
    first: dict[int, Glyph] = {}
    for g in glyphs:
        first.setdefault(g.run, g)
    home: dict[int, tuple[float, float, float, float]] = {}
    for run, g in first.items():
        cx, cy = (g.x0 + g.x1) / 2, (g.top + g.bottom) / 2
        inside = [b for b in boxes if b[0] <= cx <= b[2] and b[1] <= cy <= b[3]]
        if inside:
            home[run] = min(inside, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
    out, seen = [], set()
    for g in glyphs:
        box = home.get(g.run)
        if box is None or g.run in seen:
            continue
        x0, top, x1, bottom = box
        if (g.x0 < x0 + BOX_CLEARANCE or g.x1 > x1 - BOX_CLEARANCE
                or g.top < top - 2.5 * STRADDLE or g.bottom > bottom + 2.5 * STRADDLE):
            seen.add(g.run)
            out.append(Problem(page_no, "crosses-box", texts[g.run], (g.x0, g.top, g.x1, g.bottom),
                               f"its box ({x0:.1f}, {top:.1f})–({x1:.1f}, {bottom:.1f})"))
    return out


def _crossed_by_rules(page_no: int, glyphs: list[Glyph], texts: dict[int, str], hrules, vrules) -> list[Problem]:  # noqa: ANN001
    out, seen = [], set()
    for g in glyphs:
        h = g.bottom - g.top
        hit = next((r for r in hrules if r[0] < g.x1 - 0.5 and r[1] > g.x0 + 0.5
                    and g.top + 0.25 * h < r[2] < g.bottom - 0.2 * h), None)
        hit = hit or next((r for r in vrules if g.x0 + 0.25 * (g.x1 - g.x0) < (r[0] + r[1]) / 2
                           < g.x1 - 0.25 * (g.x1 - g.x0) and r[2] < g.bottom - 0.25 * h
                           and r[3] > g.top + 0.25 * h), None)
        if hit and g.run not in seen:
            seen.add(g.run)
            out.append(Problem(page_no, "crossed-by-rule", texts[g.run], (g.x0, g.top, g.x1, g.bottom)))
    return out


def table_cells(hrules) -> list[tuple[float, float, float, float]]:  # noqa: ANN001
    """Cells (x0, top, x1, bottom) of collapsed tables, from row rules drawn one segment per cell."""
    by_y: dict[float, list[tuple[float, float]]] = defaultdict(list)
    for x0, x1, y in hrules:
        by_y[round(y, 1)].append((x0, x1))
    rows: dict[tuple[float, ...], list[float]] = defaultdict(list)  # column boundaries → rule ys
    for y, segs in by_y.items():
        segs.sort()
        chain = [segs[0]]
        for s in segs[1:]:
            if abs(s[0] - chain[-1][1]) <= 0.3:
                chain.append(s)
            else:
                if len(chain) >= 2:
                    rows[tuple(round(a, 1) for a, _ in chain) + (round(chain[-1][1], 1),)].append(y)
                chain = [s]
        if len(chain) >= 2:
            rows[tuple(round(a, 1) for a, _ in chain) + (round(chain[-1][1], 1),)].append(y)
    cells = []
    for bounds, ys in rows.items():
        ys.sort()
        for top, bottom in zip(ys, ys[1:]):
            cells.extend((a, top, b, bottom) for a, b in zip(bounds, bounds[1:]))
    return cells


def _cell_clearance(page_no: int, glyphs: list[Glyph], texts: dict[int, str], cells) -> list[Problem]:  # noqa: ANN001
    out, seen = [], set()
    for g in glyphs:
        cx, cy = (g.x0 + g.x1) / 2, (g.top + g.bottom) / 2
        for x0, top, x1, bottom in cells:
            if not (x0 <= cx <= x1 and top <= cy <= bottom):
                continue
            if g.x0 < x0 + CELL_CLEARANCE or g.x1 > x1 - CELL_CLEARANCE or g.top < top or g.bottom > bottom:
                if g.run not in seen:
                    seen.add(g.run)
                    out.append(Problem(page_no, "cell", texts[g.run], (g.x0, g.top, g.x1, g.bottom),
                                       f"cell ({x0:.1f}, {top:.1f})–({x1:.1f}, {bottom:.1f}) needs "
                                       f"{CELL_CLEARANCE:g} pt clear on each side"))
            break
    return out


def check_pdf(pdf: str | Path | bytes) -> tuple[list[Problem], int]:
    """(problems, pages checked) for a PDF file or its bytes."""
    import pypdfium2 as pdfium

    data = pdf if isinstance(pdf, bytes) else Path(pdf).read_bytes()
    problems: list[Problem] = []
    rendered = pdfium.PdfDocument(data)
    with pdfplumber.open(io.BytesIO(data)) as doc:
        for no, page in enumerate(doc.pages, start=1):
            drawn = rendered[no - 1]
            image = drawn.render(scale=SCALE).to_pil().convert("RGB")
            glyphs, texts = _glyphs(page)
            off = {g.run: g for g in glyphs
                   if g.x0 < -0.5 or g.top < -0.5 or g.x1 > page.width + 0.5 or g.bottom > page.height + 0.5}
            problems += [Problem(no, "off-page", texts[r], (g.x0, g.top, g.x1, g.bottom)) for r, g in off.items()]
            boxes, hrules, vrules = _boxes_and_rules(_shapes(drawn), image, SCALE)
            problems += _overlaps(no, glyphs, texts)
            problems += _crosses_boxes(no, glyphs, texts, boxes)
            problems += _crossed_by_rules(no, glyphs, texts, hrules, vrules)
            problems += _cell_clearance(no, glyphs, texts, table_cells(hrules))
            page.flush_cache()
        pages = len(doc.pages)
    rendered.close()
    return problems, pages


def scorereader_pdfs(folder: Path) -> list[Path]:
    """PDFs under `folder` that scorereader rendered (Creator `scorereader`, from the templates'
    generator meta): plans and cohort summaries whatever their file names; inputs are skipped."""
    import pypdfium2 as pdfium

    found = []
    for path in sorted(folder.rglob("*.pdf")):
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 20_000_000:
            continue  # FIFOs, devices and links that hostile-input tests leave behind; huge inputs
        try:
            doc = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError:
            continue  # damaged or stub inputs
        try:
            if doc.get_metadata_value("Creator") == "scorereader":
                found.append(path)
        finally:
            doc.close()
    return found


def main(argv: list[str]) -> int:
    bad = 0
    for name in argv:
        problems, pages = check_pdf(name)
        print(f"{name}: {pages} page(s), {len(problems)} problem(s)")
        for p in problems:
            print("  ", p)
        bad += bool(problems)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
