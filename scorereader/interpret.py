"""IR → what the report says (a `Reading`): header fields by label and geometry, skill-area rows.

One interpreter for every source. It knows report *wording* (rules/report.toml) but nothing about
exams; matching names to the catalog and deriving bands happens in `normalize`.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from statistics import median

from . import parsers
from .ir import Bar, Box, Document
from .layout import Line, Segment, page_lines
from .rules import ReportWording, norm, report_wording

LOW_CONFIDENCE = 60.0  # OCR word confidence below which a value is not trusted


@dataclass(frozen=True)
class Evidence:
    page: int
    box: Box
    label: str


@dataclass
class Row:
    """One skill area as printed."""

    printed_name: str
    weight: tuple[int, int] | None = None
    performance: float | None = None
    band: str | None = None  # a printed band word, as the SPEC's band id
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Reading:
    exam_code: str | None = None
    exam_title: str | None = None
    candidate_name: str | None = None
    candidate_id: str | None = None
    registration_id: str | None = None
    exam_date: dt.date | None = None
    score: int | None = None
    max_score: int | None = None
    passing_score: int | None = None
    passed: bool | None = None
    practice: bool = False
    score_is_percent: bool = False
    rows: list[Row] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


# --------------------------------------------------------------------------- segment tagging

def _starts_with(text: str, phrases: tuple[str, ...]) -> str | None:
    for p in phrases:
        if text == p or (text.startswith(p) and not text[len(p)].isalnum()):
            return p
    return None


def _tag(lines: list[Line], w: ReportWording, page_count: int, heights: dict[int, float]) -> None:
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


# --------------------------------------------------------------------------- header fields

def _label_of(seg: Segment, w: ReportWording) -> tuple[str, str] | None:
    """(field, label) when the segment starts with a known label; the longest label wins."""
    t = norm(seg.text)
    best: tuple[str, str] | None = None
    for fname, labels in w.labels.items():
        lab = _starts_with(t, labels)
        if lab and (best is None or len(lab) > len(best[1])):
            best = (fname, lab)
    return best


def _rest_after_label(seg: Segment, label: str) -> str:
    n = len(label.split())
    words = [x.text for x in seg.words]
    # labels may carry punctuation ("Registration #:"), so drop words until the label is used up
    rest = words[n:] if len(words) > n else []
    return " ".join(rest).lstrip(":#.-–— ").strip()


def _below(seg: Segment, lines: list[Line], li: int) -> Segment | None:
    """The value printed under a label (label-above-value layouts)."""
    for ln in lines[li + 1: li + 3]:
        if ln.page != seg.page or ln.box.top - seg.box.bottom > 2.2 * seg.height:
            return None
        for s in ln.segments:
            if s.box.h_overlap(seg.box) > 0 or abs(s.box.x0 - seg.box.x0) < 2 * seg.height:
                return s
    return None


def _value_candidates(seg: Segment, label: str, line: Line, lines: list[Line], li: int,
                      w: ReportWording) -> list[tuple[str, Segment]]:
    out: list[tuple[str, Segment]] = []
    rest = _rest_after_label(seg, label)
    if rest:
        out.append((rest, seg))
    i = line.segments.index(seg)
    if i + 1 < len(line.segments):
        nxt = line.segments[i + 1]
        if _label_of(nxt, w) is None:
            out.append((nxt.text, nxt))
    if not rest:
        below = _below(seg, lines, li)
        if below is not None and _label_of(below, w) is None:
            out.append((below.text, below))
    return out


def _split_inline_labels(lines: list[Line], w: ReportWording) -> None:
    """'Name: Jane Doe  Candidate ID: 123' printed as one run: cut it before each 'label:'."""
    label_set = {lab for labs in w.labels.values() for lab in labs}
    for ln in lines:
        new: list[Segment] = []
        for s in ln.segments:
            texts = [x.text for x in s.words]
            cuts = [0]
            for end in range(1, len(texts)):
                if not texts[end].endswith(":"):
                    continue
                # the longest label ending in this colon word decides where the label starts
                starts = [i for i in range(max(0, end - 3), end + 1)
                          if norm(" ".join(texts[i:end + 1])) in label_set]
                if starts and min(starts) > cuts[-1]:
                    cuts.append(min(starts))
            cuts.append(len(texts))
            new.extend(Segment(s.page, s.words[a:b], s.line, set(s.tags)) for a, b in zip(cuts, cuts[1:]) if b > a)
        ln.segments = new


_NUMBER_WORD = re.compile(r"[#(]?\d[\d/.,:()\-]*")


def _parse_field(fname: str, label: str, text: str, w: ReportWording):
    if fname in ("score", "passing_score"):
        if parsers.parse_percent(text) is not None:
            return ("percent", round(parsers.parse_percent(text) * 100))
        score, top = parsers.parse_score(text)
        return None if score is None else ("points", score, top)
    if fname == "exam_date":
        return parsers.parse_date(text)
    if fname in ("candidate_id", "registration_id"):
        return parsers.parse_identifier(text)
    if fname == "candidate_name":
        name = parsers.clean_name(text)
        # A word that is a number or a date (an ID or the exam date on the same
        # line) means this is not a name. Anything else is kept as printed (rendered literally later).
        if any(_NUMBER_WORD.fullmatch(t) for t in name.split()) or not name or len(name) > 80:
            return None
        return name
    if fname == "result":
        return _result_word(text, w)
    if fname == "exam":
        named = label in ("exam title", "exam name") and len(text) > 6
        return text if parsers.find_exam_codes(text) or named else None
    return None


def _result_word(text: str, w: ReportWording) -> bool | None:
    t = norm(text)
    if _starts_with(t, tuple(sorted(w.fail_words, key=len, reverse=True))):
        return False
    if _starts_with(t, tuple(sorted(w.pass_words, key=len, reverse=True))):
        return True
    return None


def _read_fields(lines: list[Line], w: ReportWording, r: Reading) -> None:
    found: dict[str, tuple[object, list[Segment]]] = {}
    for li, ln in enumerate(lines):
        for seg in ln.segments:
            if "boilerplate" in seg.tags:
                continue
            hit = _label_of(seg, w)
            if hit is None:
                continue
            fname, label = hit
            if fname in found:
                continue
            for text, src in _value_candidates(seg, label, ln, lines, li, w):
                value = _parse_field(fname, label, text, w)
                if value is not None:
                    found[fname] = (value, [seg, src])
                    seg.tags.add("field")
                    src.tags.add("field")
                    if src.conf is not None and src.conf < LOW_CONFIDENCE:
                        r.warnings.append(f"The {fname.replace('_', ' ')} was read with low OCR confidence "
                                          f"({src.conf:.0f}%): check '{text}'.")
                    break
    for fname, (value, segs) in found.items():
        for s in segs:
            r.evidence.append(Evidence(s.page, s.box, fname))
        if fname == "score":
            if value[0] == "percent":
                r.score, r.score_is_percent = value[1], True
            else:
                r.score, r.max_score = value[1], value[2]
        elif fname == "passing_score":
            r.passing_score = value[1]
        elif fname == "result":
            r.passed = value
        elif fname == "exam":
            codes = parsers.find_exam_codes(value)
            if codes:
                r.exam_code = codes[0]
                title = re.split(r"[A-Za-z]{2,3}\s?[-‐‑–—]?\s?\d{3}", value, maxsplit=1)[-1]
                r.exam_title = parsers.clean_name(title) or None
            else:
                r.exam_title = parsers.clean_name(value)
        else:
            setattr(r, fname, value)
    if r.passed is None:  # a standalone PASS / FAIL / "Congratulations, you passed"
        for ln in lines:
            for seg in ln.segments:
                if len(seg.words) <= 6 and "boilerplate" not in seg.tags:
                    verdict = _result_word(seg.text, w)
                    if verdict is not None:
                        r.passed = verdict
                        r.evidence.append(Evidence(seg.page, seg.box, "result"))
                        break
            if r.passed is not None:
                break


# --------------------------------------------------------------------------- skill-area rows

def _band_word(text: str, w: ReportWording) -> str | None:
    t = norm(text)
    hits = {band for band, words in w.bands.items() for p in words if re.search(rf"\b{re.escape(p)}\b", t)}
    return hits.pop() if len(hits) == 1 else None  # a legend naming all bands is not a row


def _excluded_regions(lines: list[Line]) -> dict[int, list[tuple[float, float]]]:
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


def _bar_rows(doc: Document, lines: list[Line], w: ReportWording, regions, r: Reading) -> list[Row]:
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
            for i, bar in enumerate(column):
                row = _bar_row(bar, column, i, segs, barrier, lh, w)
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
                rows.append(row)
    return rows


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
             w: ReportWording) -> Row | None:
    """The label (beside or above) and printed values of one bar, within its share of the column."""
    bb = bar.box
    centers = [b.box.cy for b in column]
    lo = (centers[i - 1] + bb.cy) / 2 if i else bb.cy - 2.5 * lh
    hi = (centers[i + 1] + bb.cy) / 2 if i + 1 < len(column) else bb.cy + 2.5 * lh
    mine = [s for s in segs if s.box.x0 >= barrier - 1 and s.box.x0 <= bb.x1 + 6 * lh]
    in_band = [s for s in mine if lo <= s.box.cy < hi]
    left = [s for s in in_band if s.box.x1 <= bb.x0 + 2 and _label_ok(s)]
    right = [s for s in in_band if s.box.x0 >= bb.x1 - 2]
    if left:
        label_segs = _label_column(left)
    else:  # stacked layout: the label sits above its bar
        top_lim = column[i - 1].box.bottom if i else bb.top - 3.5 * lh
        label_segs = [s for s in mine if top_lim - 0.5 < s.box.top and s.box.bottom <= bb.top + 1
                      and s.box.x0 < bb.x1 and s.box.x1 > bb.x0 - 3 * lh and _label_ok(s)]
        right += [s for s in mine if top_lim - 0.5 < s.box.top and s.box.bottom <= bb.bottom + 1
                  and s.box.x0 >= bb.x1 - 2]
    if not label_segs:
        return None
    label_lines = {(x.page, x.line) for x in label_segs}
    values = [s for s in in_band + right if "axis" not in s.tags and
              (abs(s.box.cy - bb.cy) <= max(bb.height, lh) or (s.page, s.line) in label_lines)]
    return _make_row(label_segs, values, w)


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
    x0 = min(s.box.x0 for s in words_first)
    return [s for s in words_first if s.box.x0 <= x0 + 2 * s.height]


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
    row = Row(printed_name=name, weight=weight, performance=perf, band=band)
    row.evidence.extend(Evidence(s.page, s.box, "skill area") for s in label_segs)
    return row


def _strip_band_words(name: str, w: ReportWording) -> str:
    for words in w.bands.values():
        for p in words:
            name = re.sub(rf"\b{re.escape(p)}\b", " ", name, flags=re.I)
    return parsers.clean_name(name)


def _text_rows(lines: list[Line], w: ReportWording, regions, bar_pages: set[int]) -> list[Row]:
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


# --------------------------------------------------------------------------- entry point

def interpret(doc: Document) -> Reading:
    w = report_wording()
    r = Reading(warnings=list(doc.warnings))
    lines: list[Line] = []
    for page in doc.pages:
        lines.extend(page_lines(page))
    _split_inline_labels(lines, w)
    _tag(lines, w, len(doc.pages), {p.number: p.height for p in doc.pages})
    full_text = "\n".join(ln.text for ln in lines)
    r.practice = any(m in norm(full_text) for m in w.practice_markers)
    _read_fields(lines, w, r)
    if r.exam_code is None:
        codes = parsers.find_exam_codes(full_text)
        r.exam_code = codes[0] if codes else None
    regions = _excluded_regions(lines)
    bar_rows = _bar_rows(doc, lines, w, regions, r)
    bar_pages = {e.page for row in bar_rows for e in row.evidence}
    r.rows = bar_rows + _text_rows(lines, w, regions, bar_pages)
    for row in r.rows:
        r.evidence.extend(row.evidence)
    return r
