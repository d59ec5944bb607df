"""Reading words: Tesseract's TSV → IR words in page pixels, and the clean-up that only words
need — table rules read as "|", bar remnants read as "eee", large display type re-read alone.

Pure functions over TSV text and word lists; running Tesseract is `extract/tesseract.py`'s job
and deciding what to read is `extract/ocr.py`'s.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from PIL import Image

from scorereader.ir import Bar, Box, Word

_DESC = set("gjpqy,;()[]{}|_")
_TALL = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789bdfhiklt!?/\\%#&@$()[]{}|'\"")


def _size_factor(text: str) -> float:
    """Line-box height → font size (em ≈ 1.08 × ascender-to-descender extent), by which letter
    shapes the line holds, so `size` compares with a text layer's font size."""
    desc = any(c in _DESC for c in text)
    tall = any(c in _TALL for c in text)
    if desc and tall:
        return 1.08
    if desc or tall:
        return 1.4
    return 2.0


@dataclass
class _Read:
    words: list[Word]
    mean_conf: float
    good: int  # words with conf ≥ 60 that contain a letter or digit
    psm: int
    #: runs of word indices in large display type, read with low confidence (see `_reread_display_type`)
    display: list[list[int]] = field(default_factory=list)

    @property
    def score(self) -> float:
        return sum(w.conf or 0 for w in self.words if (w.conf or 0) > 30 and _ALNUM.search(w.text))

    @property
    def bad(self) -> bool:
        return self.good < 8 or self.mean_conf < 50


_ALNUM = re.compile(r"[A-Za-z0-9]")
_RULE_MARKS = re.compile(r"[|\[\]{}_¦]+")


def parse_tsv(tsv: str, scale: float = 1.0, psm: int = 3) -> _Read:
    """Tesseract TSV → words in page pixels (÷ scale), each sized by its line's box height."""
    lines: dict[tuple[str, str, str, str], list[tuple[str, int, int, int, int, float]]] = {}
    for row in tsv.splitlines()[1:]:
        parts = row.split("\t")
        if len(parts) < 12 or parts[0] != "5":
            continue
        text = parts[11].strip()
        if not text or _RULE_MARKS.fullmatch(text):
            continue  # a table's ruling or a cell border read as "|" or "[": not a word
        try:
            left, top, width, height = (int(parts[i]) for i in (6, 7, 8, 9))
            conf = float(parts[10])
        except ValueError:
            continue
        lines.setdefault((parts[1], parts[2], parts[3], parts[4]), []).append(
            (text, left, top, width, height, conf))
    words: list[Word] = []
    display: list[list[int]] = []
    inv = 1.0 / scale
    for items in lines.values():
        items.sort(key=lambda x: x[1])
        # a word's box never reaches into the next word's (Tesseract sometimes stretches one
        # over its neighbour; overlapping words would be taken for two lines)
        for k in range(len(items) - 1):
            text, left, top, width, height, conf = items[k]
            nxt = items[k + 1][1]
            if left + width > nxt - 1 and nxt - 1 > left:
                items[k] = (text, left, top, nxt - 1 - left, height, conf)
        line_top = min(t for _, _, t, _, _, _ in items)
        line_bottom = max(t + h for _, _, t, _, h, _ in items)
        size = (line_bottom - line_top) * _size_factor("".join(x[0] for x in items)) * inv
        # the line's body text: its smallest word of two or more letters or digits with a tall
        # letter (a capital, a digit, an ascender), so x-height words like "an" do not count
        body = min((x[4] for x in items if len(_ALNUM.findall(x[0])) >= 2 and _TALL.intersection(x[0])),
                   default=0)
        run: list[int] = []
        # like a text layer, every word of a line spans the line's full height (ascender to
        # descender), so words of one line share top and bottom whatever their letters
        for text, left, top, width, height, conf in items:
            if body and height >= DISPLAY_TYPE_RATIO * body and conf < DISPLAY_REREAD_CONF:
                run.append(len(words))
            elif run:
                display.append(run)
                run = []
            words.append(Word(text=text, box=Box(left * inv, line_top * inv, (left + width) * inv, line_bottom * inv),
                              size=round(size, 2), conf=max(0.0, conf)))
        if run:
            display.append(run)
    display = [r for r in display if _worth_rereading(words, r)][:MAX_REREADS]
    confs = [w.conf for w in words if _ALNUM.search(w.text)]
    mean = float(np.mean(confs)) if confs else 0.0
    good = sum(1 for w in words if (w.conf or 0) >= 60 and _ALNUM.search(w.text))
    return _Read(words, mean, good, psm, display)


#: A word this many times taller than the smallest word of its line is display type (a big score
#: beside its small label): Tesseract sizes a line by its body text and misreads the big glyphs.
DISPLAY_TYPE_RATIO = 1.6
#: …and is read again on its own when its confidence is below this and it holds a digit
#: (at most MAX_REREADS runs a page).
DISPLAY_REREAD_CONF = 85.0
MAX_REREADS = 3


def _worth_rereading(words: list[Word], run: list[int]) -> bool:
    """Only values matter in display type: a number, or whatever follows a 'label:' — and at
    least two characters of it (a lone '1' is a page number or a speck)."""
    text = "".join(words[i].text for i in run)
    if len(_ALNUM.findall(text)) < 2:
        return False
    after_label = run[0] > 0 and words[run[0] - 1].text.endswith(":") and \
        words[run[0] - 1].box.top == words[run[0]].box.top
    return after_label or any(c.isdigit() for c in text)


def reread_display_type(read: _Read, image: Image.Image, scale: float, bars: list[Bar],
                        read_line: Callable[[Image.Image], str]) -> None:
    """Read each run of large, badly read words again as one line of its own (`--psm 7` on a
    crop), and keep the new reading when Tesseract is surer of it. Costs one small call per run,
    and only on pages that mix display type with body text on one line."""
    s = scale
    for run in reversed(read.display):  # from the end: a run's replacement may change its length
        old = [read.words[i] for i in run]
        if any(_inside_bar(w, bars) for w in old):
            continue  # what is left of a bar after painting it out, not type
        x0 = min(w.box.x0 for w in old) * s
        x1 = max(w.box.x1 for w in old) * s
        top = min(w.box.top for w in old) * s
        bottom = max(w.box.bottom for w in old) * s
        pad = 0.25 * (bottom - top)
        box = (int(max(0, x0 - pad)), int(max(0, top - pad)),
               int(min(image.width, x1 + pad)), int(min(image.height, bottom + pad)))
        if box[2] - box[0] < 4 or box[3] - box[1] < 4:
            continue
        again = parse_tsv(read_line(image.crop(box)), 1.0, 7)
        new = [w for w in again.words if _ALNUM.search(w.text)]
        if not new or np.mean([w.conf or 0 for w in new]) <= np.mean([w.conf or 0 for w in old]):
            continue
        # placed in reading order across the run's extent, by characters (Tesseract's own
        # boxes for a line read alone can overlap, and words must not)
        line_top, line_bottom = old[0].box.top, old[0].box.bottom
        rx0, rx1 = old[0].box.x0, old[-1].box.x1
        total = sum(len(w.text) + 1 for w in new) - 1
        placed, at = [], 0
        for w in new:
            a, b = at / total, (at + len(w.text)) / total
            placed.append(Word(text=w.text, box=Box(rx0 + a * (rx1 - rx0), line_top, rx0 + b * (rx1 - rx0), line_bottom),
                               size=old[0].size, conf=w.conf))
            at += len(w.text) + 1
        read.words[run[0]:run[-1] + 1] = placed + [None] * (len(run) - len(placed))  # type: ignore[list-item]
    read.words = [w for w in read.words if w is not None]


#: Below this confidence a "word" inside a bar is what is left of the bar after painting it out.
BAR_REMNANT_CONF = 50.0


def drop_bar_remnants(words: list[Word], bars: list[Bar]) -> list[Word]:
    """Drop low-confidence words centred inside a bar: the bar's anti-aliased or JPEG-smeared
    edges read as 'eee'/'Lee'. Text printed on a bar (a percentage) reads with high confidence
    and stays."""
    if not bars:
        return words
    return [w for w in words if (w.conf or 0) >= BAR_REMNANT_CONF or not _inside_bar(w, bars)]


def _inside_bar(w: Word, bars: list[Bar]) -> bool:
    cx, cy = w.box.cx, w.box.cy
    return any(b.box.x0 - 1 <= cx <= b.box.x1 + 1 and b.box.top - 1 <= cy <= b.box.bottom + 1 for b in bars)


