"""Charts embedded as pictures inside text-layer PDFs (report engines often do this).

The page keeps its text from the layer; bars come from the picture's pixels, and the labels too
when the picture holds text the layer does not. Pixel coordinates are mapped back to page points.
"""
from __future__ import annotations

from typing import Any

from ..ir import Bar, Box, Document, Page, Word
from ..limits import MAX_RENDER_PIXELS

RENDER_DPI = 200
MIN_IMAGE_POINTS = 60  # smaller pictures are logos and icons
MAX_RENDER_SIDE = 16_384


def _to_page(b: Box | None, ox: float, oy: float, s: float) -> Box | None:
    if b is None:
        return None
    return Box(ox + b.x0 * s, oy + b.top * s, ox + b.x1 * s, oy + b.bottom * s)


def _chart_images(page: Any) -> list[Box]:
    out = []
    for im in page.images:
        box = Box(max(0, im["x0"]), max(0, im["top"]), min(page.width, im["x1"]), min(page.height, im["bottom"]))
        if box.width >= 2 * MIN_IMAGE_POINTS and box.height >= MIN_IMAGE_POINTS / 2:
            out.append(box)
    return out


def read_embedded_charts(doc: Document, pdf: Any) -> None:
    """Add bars (and OCR'd words where the layer has none) from picture charts to pages without bars."""
    targets = [(p, _chart_images(pdf.pages[p.number - 1])) for p in doc.pages if not p.bars]
    targets = [(p, boxes) for p, boxes in targets if boxes]
    if not targets:
        return
    import pypdfium2 as pdfium

    from .ocr import find_bars, ocr_words

    src = pdfium.PdfDocument(doc.path)
    try:
        for page, boxes in targets:
            pdf_page = src[page.number - 1]
            for box in boxes:
                scale = render_scale(box.width, box.height, RENDER_DPI / 72)
                crop = (box.x0, page.height - box.bottom, page.width - box.x1, box.top)  # points cut per side
                picture = pdf_page.render(scale=scale, crop=crop).to_pil().convert("RGB")
                _add_from_picture(page, box, picture, 1 / scale, find_bars, ocr_words)
    finally:
        src.close()


def render_scale(width_pt: float, height_pt: float, wanted: float) -> float:
    """`wanted`, lowered so the rendered picture stays within MAX_RENDER_PIXELS and 16,384 px a side
    (checked before rendering: a 199-inch page once cost 4.6 GB and a pdfium error)."""
    area = max(width_pt * height_pt, 1.0)
    return min(wanted, (MAX_RENDER_PIXELS / area) ** 0.5, MAX_RENDER_SIDE / max(width_pt, height_pt, 1.0))


def _add_from_picture(page: Page, box: Box, crop, s: float, find_bars, ocr_words) -> None:
    bars = [Bar(track=_to_page(b.track, box.x0, box.top, s), fill=_to_page(b.fill, box.x0, box.top, s),
                source="pixels", fill_color=b.fill_color) for b in find_bars(crop)]
    page.bars.extend(bars)
    page.bars.sort(key=lambda b: (b.box.top, b.box.x0))
    # labels in the layer sit beside or above each bar; if most bars have none, they are in the picture
    def labelled(bar: Bar) -> bool:
        band = Box(0, bar.box.top - 2.5 * bar.box.height, bar.box.x1, bar.box.bottom + bar.box.height)
        return any(w.box.v_overlap(band) > 0 and w.box.x0 < bar.box.x1 for w in page.words)
    if bars and sum(map(labelled, bars)) < len(bars) / 2:
        for w in ocr_words(crop):
            page.words.append(Word(w.text, _to_page(w.box, box.x0, box.top, s), w.size * s, w.conf))
