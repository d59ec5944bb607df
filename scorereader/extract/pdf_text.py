"""Text-layer PDFs → IR: words with boxes and sizes (pdfplumber), bars from vector shapes.

The document is opened once; callers that need the pages again (explain view, embedded-image
charts) get the open `pdfplumber.PDF` through `open_pdf`.
"""
from __future__ import annotations

import itertools
from typing import Any

from ..errors import EncryptedInput, InputUnreadable
from ..ir import Box, Document, Page, Picture, Word
from ..limits import MAX_PAGES_READ
from ..text import strip_controls
from .bars import Shape, group_bars, widen_lone_fills
from .colors import luminance, to_rgb

PICTURE_BAR_MAX_HEIGHT = 0.03  # of the page height: a chart bar drawn as a picture (2015 reports)


def _first_pages_pdf_class():
    """pdfplumber's PDF, but `pages` holds only the first MAX_PAGES_READ pages.

    pdfplumber builds a Page for every page of the document on first use of `pdf.pages` (and
    again in `close()`); a 5,000-page file costs seconds before a word is read. Score reports are
    1–3 pages, so only the first few are ever materialized; `page_count` is the document's own.
    """
    import pdfplumber
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdftypes import resolve1
    from pdfplumber.page import Page

    class FirstPagesPDF(pdfplumber.PDF):
        max_pages = MAX_PAGES_READ

        @property
        def pages(self) -> list:
            if hasattr(self, "_pages"):
                return self._pages
            pages: list = []
            doctop = 0.0
            for i, page in enumerate(itertools.islice(PDFPage.create_pages(self.doc), self.max_pages)):
                p = Page(self, page, page_number=i + 1, initial_doctop=doctop)
                pages.append(p)
                doctop += p.height
            self._pages = pages
            return pages

        @property
        def page_count(self) -> int:
            """The page count the document declares (/Count of its page tree), at least what was read."""
            read = len(self.pages)
            try:
                count = int(resolve1(resolve1(self.doc.catalog["Pages"])["Count"]))
            except Exception:  # noqa: BLE001 - a damaged page tree: fall back to what was read
                return read
            return count if count >= read and read == self.max_pages else read

        def close(self) -> None:
            for page in getattr(self, "_pages", []):
                page.close()
            self.flush_cache()
            if not self.stream_is_external:
                self.stream.close()

    return FirstPagesPDF


def open_pdf(path: str):
    """Open with pdfplumber (first MAX_PAGES_READ pages only), turning its many failure types into
    one sentence each."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = _first_pages_pdf_class().open(path)
        _ = pdf.pages  # forces the page tree: truncated files fail here
    except PdfminerException as err:
        inner = err.args[0] if err.args else err
        if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise EncryptedInput(f"{path} is encrypted with a password; open it in a PDF viewer and "
                                 "save or print an unprotected copy, then try that") from err
        raise InputUnreadable(f"{path} is not a readable PDF (it may be damaged or truncated)") from err
    except (PDFSyntaxError, ValueError, KeyError, TypeError, AttributeError, AssertionError) as err:
        raise InputUnreadable(f"{path} is not a readable PDF (it may be damaged or truncated)") from err
    if not pdf.pages:
        pdf.close()
        raise InputUnreadable(f"{path} has no pages")
    return pdf


def page_count(pdf: Any) -> int:
    return pdf.page_count if hasattr(pdf, "page_count") else len(pdf.pages)


def _words(chars: list[dict]) -> list[Word]:
    from pdfplumber.utils import extract_words

    words = extract_words(chars, x_tolerance=1.5, y_tolerance=2.5, keep_blank_chars=False,
                          use_text_flow=False, extra_attrs=["size"])
    # control characters (terminal escapes hidden in a text layer) never enter the IR
    return [Word(text, Box(w["x0"], w["top"], w["x1"], w["bottom"]), float(w["size"]))
            for w in words if (text := strip_controls(w["text"])).strip()]


def _is_white(char: dict) -> bool:
    rgb = to_rgb(char.get("non_stroking_color"))
    return rgb is not None and min(rgb) >= 0.97


def _dedupe(chars: list[dict], tolerance: float = 1.0) -> list[dict]:
    """Fake bold: real reports draw every bold run four times, 0.14 pt apart, which would read
    'AAAAZZZZ----999900000000'. Keep the first of the same character in the same font within
    `tolerance` of itself (what pdfplumber's dedupe_chars does, in one pass over the page)."""
    kept: dict[tuple, list[float]] = {}
    out = []
    for c in chars:
        # copies share their baseline exactly; bucketing by line keeps this one pass
        key = (c["text"], c.get("fontname"), round(float(c.get("size") or 0), 1), round(c["top"] / tolerance))
        spots = kept.setdefault(key, [])
        if any(abs(c["x0"] - x) <= tolerance for x in spots):
            continue
        spots.append(c["x0"])
        out.append(c)
    return out


def visible_chars(page: Any) -> list[dict]:
    """The page's characters with each overprinted one kept once and invisible text dropped.

    White text on a dark fill (a table's header row, a button) is content; white text elsewhere is
    not (real reports carry invisible 'Your Score 58%' data labels beside the chart).
    """
    chars = _dedupe(page.chars)
    if any(_is_white(c) for c in chars):
        darks = [Box(r["x0"], r["top"], r["x1"], r["bottom"]) for r in (*page.rects, *page.curves) if r.get("fill")
                 and (rgb := to_rgb(r.get("non_stroking_color"))) is not None and luminance(rgb) < 0.6]

        def visible(c: dict) -> bool:
            if not _is_white(c):
                return True
            cx, cy = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
            return any(d.x0 <= cx <= d.x1 and d.top <= cy <= d.bottom for d in darks)

        chars = [c for c in chars if visible(c)]
    return chars


def _alt_text(image: dict) -> str | None:
    stream = image.get("stream")
    raw = getattr(stream, "attrs", {}).get("XXAlt") or getattr(stream, "attrs", {}).get("Alt")
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    return raw.strip() if isinstance(raw, str) and raw.strip() else None


def _pictures(page: Any) -> list[Picture]:
    return [Picture(Box(i["x0"], i["top"], i["x1"], i["bottom"]), _alt_text(i)) for i in page.images]


def _shapes(page: Any) -> tuple[list[Shape], list[Box]]:
    """Painted shapes that may be bars, and thin vertical lines that may be gridlines/axes."""
    shapes: list[Shape] = []
    verticals: list[Box] = []
    # bars drawn as small stretched pictures (2015 reports): several sharing one left edge
    thin = [Box(im["x0"], im["top"], im["x1"], im["bottom"]) for im in page.images
            if im["bottom"] - im["top"] <= PICTURE_BAR_MAX_HEIGHT * float(page.height)]
    for box in thin:
        if sum(abs(o.x0 - box.x0) <= 1 for o in thin) >= 2:
            shapes.append(Shape(box, None, True, "picture"))
    for r in page.rects:
        box = Box(r["x0"], r["top"], r["x1"], r["bottom"])
        if r.get("fill"):
            shapes.append(Shape(box, to_rgb(r.get("non_stroking_color")), True, "rect"))
        elif r.get("stroke"):
            shapes.append(Shape(box, to_rgb(r.get("stroking_color")), False, "rect"))
        if box.width <= 1.5 and box.height > 4:
            verticals.append(box)
    for c in page.curves:
        box = Box(c["x0"], c["top"], c["x1"], c["bottom"])
        if c.get("fill"):
            shapes.append(Shape(box, to_rgb(c.get("non_stroking_color")), True, "curve"))
        elif c.get("stroke") and box.height > 2:
            shapes.append(Shape(box, to_rgb(c.get("stroking_color")), False, "curve"))
    for ln in page.lines:
        lw = float(ln.get("linewidth") or 0)
        x0, x1, top, bottom = ln["x0"], ln["x1"], ln["top"], ln["bottom"]
        if bottom - top <= 1.0 and lw >= 2.0:  # a thick horizontal stroke drawn as a bar
            cy = (top + bottom) / 2
            shapes.append(Shape(Box(x0, cy - lw / 2, x1, cy + lw / 2),
                                to_rgb(ln.get("stroking_color")), True, "line"))
        elif x1 - x0 <= 1.5 and bottom - top > 4:
            verticals.append(Box(x0, top, x1, bottom))
    return shapes, verticals


def read_page(page: Any, number: int) -> Page:
    shapes, verticals = _shapes(page)
    bars = widen_lone_fills(group_bars(shapes, float(page.height)), verticals)
    return Page(number=number, width=float(page.width), height=float(page.height),
                words=_words(visible_chars(page)), bars=bars, pictures=_pictures(page), gridlines=verticals)


def has_text_layer(page: Any) -> bool:
    """Enough real letters: a scan with a few stray characters in its layer does not count.

    Counts the page's chars (which word extraction reuses), not extract_text(), which would lay out
    the whole page a second time.
    """
    return sum(1 for c in page.chars if c["text"].isalpha()) >= 40


def extract_pdf_text(path: str, sha256: str, pdf: Any | None = None) -> Document:
    own = pdf is None
    pdf = pdf or open_pdf(path)
    try:
        pages = pdf.pages[:MAX_PAGES_READ]
        total = page_count(pdf)
        doc = Document(path=path, sha256=sha256, method="pdf-text", page_count=total,
                       pages=[read_page(p, i + 1) for i, p in enumerate(pages)])
    finally:
        if own:
            pdf.close()
    if total > MAX_PAGES_READ:
        doc.warnings.append(f"Only the first {MAX_PAGES_READ} of {total} pages were read.")
    return doc
