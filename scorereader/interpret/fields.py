"""Header fields (exam, candidate, IDs, date, scores, result) found by label and geometry."""
from __future__ import annotations

import re

from .. import parsers
from ..layout import Line, Segment
from ..rules import ReportWording, norm
from .reading import Evidence, LOW_CONFIDENCE, Reading
from .tagging import starts_with

def _label_of(seg: Segment, w: ReportWording) -> tuple[str, str] | None:
    """(field, label) when the segment starts with a known label; the longest label wins."""
    t = norm(seg.text)
    best: tuple[str, str] | None = None
    for fname, labels in w.labels.items():
        lab = starts_with(t, labels)
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
                      w: ReportWording) -> list[tuple[str, list[Segment]]]:
    out: list[tuple[str, list[Segment]]] = []
    rest = _rest_after_label(seg, label)
    below = None if rest else _below(seg, lines, li)
    if below is not None and _label_of(below, w) is not None:
        below = None
    nxt = None
    i = line.segments.index(seg)
    if i + 1 < len(line.segments) and _label_of(line.segments[i + 1], w) is None:
        nxt = line.segments[i + 1]
    if (nxt is not None and below is not None and nxt.box.x0 - seg.box.x1 > 8 * seg.height
            and abs(below.box.x0 - seg.box.x0) < 2 * seg.height):
        # a label with its value right under it, left-aligned, and the next text on its line far
        # away (further than any value column sits from its label): that text is another column's
        # (a chart beside the fields), never this label's value
        out.append((below.text, [below]))
        nxt = below = None
    block = _wrapped_value(seg, rest, nxt, lines, li, w)
    if block is not None:
        out.append(block)
    if rest:
        out.append((rest, [seg]))
    if nxt is not None:
        out.append((nxt.text, [nxt]))
    if below is not None:
        out.append((below.text, [below]))
    return out


_LABEL_LIKE = re.compile(r"^[^\W\d][\w .#/'()-]{0,30}:(\s|$)")


def _label_like(seg: Segment, w: ReportWording) -> bool:
    """A known label, or any short 'Words:' (e.g. 'Site Number:'), which owns the value beside it."""
    return _label_of(seg, w) is not None or bool(_LABEL_LIKE.match(seg.text))


def _wrapped_value(seg: Segment, rest: str, nxt: Segment | None, lines: list[Line], li: int,
                   w: ReportWording) -> tuple[str, list[Segment]] | None:
    """A header value that wraps in a narrow column: 'Date: Sunday, September 4,' / '2022' (the rest
    indented under the value), or the label printed between the parts ('Saturday, September' /
    'Date:' / '21, 2024'). Pieces are text aligned with the value, on lines without a label of
    their own in this column, nearer to this label than to any other; None when nothing wraps.
    """
    lh = seg.height
    if rest:
        anchor = seg.words[len(seg.words) - len(rest.split())].box.x0 if len(rest.split()) < len(seg.words) else None
    else:
        anchor = nxt.box.x0 if nxt is not None else None
    col_labels = [(s, ln) for ln in lines[max(0, li - 4): li + 5] if ln.page == seg.page for s in ln.segments
                  if abs(s.box.x0 - seg.box.x0) <= 2 * lh and _label_like(s, w)]
    pieces: list[Segment] = []
    for ln in lines[max(0, li - 2): li + 3]:
        if ln.page != seg.page or ln is lines[li]:
            continue
        for s in ln.segments:
            if anchor is not None:
                if abs(s.box.x0 - anchor) > lh:
                    continue
            elif not (seg.box.x1 < s.box.x0 < seg.box.x1 + 8 * lh):
                continue
            if _label_like(s, w) or any(o.box.x1 <= s.box.x0 + 1 and abs(o.box.x0 - seg.box.x0) <= 2 * lh
                                        and _label_like(o, w) for o in ln.segments if o is not s):
                continue
            if abs(s.box.cy - seg.box.cy) > 1.8 * (lh + 6):
                continue
            if _nearest_label(s, col_labels) is seg:
                pieces.append(s)
    if not pieces:
        return None
    own = [seg] if rest else ([nxt] if nxt is not None else [])
    texts = [(s.box.top, s.text) for s in pieces] + ([(seg.box.top, rest)] if rest else [])
    texts += [(nxt.box.top, nxt.text)] if nxt is not None and not rest else []
    return " ".join(t for _, t in sorted(texts)), own + pieces


def _nearest_label(piece: Segment, labels: list[tuple[Segment, Line]]) -> Segment | None:
    """The label a wrapped piece belongs to: the nearest by height, the one above on a near tie."""
    best: tuple[float, Segment] | None = None
    for lab, _ in labels:
        d = abs(piece.box.cy - lab.box.cy) - (0.25 * lab.height if lab.box.cy < piece.box.cy else 0.0)
        if best is None or d < best[0]:
            best = (d, lab)
    return best[1] if best else None


def split_inline_labels(lines: list[Line], w: ReportWording) -> None:
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
        text = parsers.join_split_digits(text)
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
        return text if parsers.find_exam_codes(text) or parsers.find_code_like(text) or named else None
    return None


def _result_word(text: str, w: ReportWording) -> bool | None:
    t = norm(text)
    if starts_with(t, tuple(sorted(w.fail_words, key=len, reverse=True))):
        return False
    if starts_with(t, tuple(sorted(w.pass_words, key=len, reverse=True))):
        return True
    return None


def read_fields(lines: list[Line], w: ReportWording, r: Reading) -> None:
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
            for text, srcs in _value_candidates(seg, label, ln, lines, li, w):
                value = _parse_field(fname, label, text, w)
                if value is not None:
                    found[fname] = (value, [seg, *srcs])
                    for src in (seg, *srcs):
                        src.tags.add("field")
                    confs = [x.conf for x in srcs if x.conf is not None]
                    if confs and min(confs) < LOW_CONFIDENCE:
                        src = min((x for x in srcs if x.conf is not None), key=lambda x: x.conf)
                        r.warnings.append(f"The {fname.replace('_', ' ')} was read with low OCR confidence "
                                          f"({src.conf:.0f}%): check '{text}'.")
                    break
    for fname, (value, segs) in found.items():
        for s in {id(x): x for x in segs}.values():
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
            garbled = parsers.find_code_like(value)
            if codes:
                r.exam_code = codes[0]
                title = re.split(r"[A-Za-z]{2,3}\s?[-‐‑–—]?\s?\d{3}", value, maxsplit=1)[-1]
                r.exam_title = parsers.clean_name(title) or None
            elif garbled:
                r.exam_code_printed = garbled[0][0]
                r.exam_title = parsers.clean_name(value[garbled[0][1]:]) or None
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
