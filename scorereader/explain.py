"""`parse --explain`: a PNG per page with what became each field, skill area and bar outlined.

When a real report is misread, this shows why: the boxes are the interpreter's own evidence.
"""
from __future__ import annotations

from pathlib import Path

from .pipeline import Parsed

TARGET_WIDTH = 1400  # px of the explain image
COLORS = {"bar": (230, 120, 0), "skill area": (0, 150, 70)}
FIELD_COLOR = (30, 90, 220)


def _page_image(path: str, kind: str, page):
    """The picture the page's coordinates refer to: the OCR frame, else the rendered PDF page."""
    from PIL import Image

    if page.frame is not None:
        return Image.fromarray(page.frame).convert("RGB")
    if kind == "pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(path)
        try:
            from .extract.embedded import render_scale

            pdf_page = pdf[page.number - 1]
            w, h = pdf_page.get_size()
            # size checked before rendering: a 10 pt × 194 inch page at 1,400 px wide was 7.9 GB
            return pdf_page.render(scale=render_scale(w, h, TARGET_WIDTH / max(w, 1.0))).to_pil().convert("RGB")
        finally:
            pdf.close()
    raise ValueError(f"no picture for page {page.number} of {path}")


def write_explain(path: str, parsed: Parsed) -> list[Path]:
    from PIL import ImageDraw, ImageFont

    from .detect import check_input
    from .render.atomic import atomic_write

    kind = check_input(path)
    outs: list[Path] = []
    for page in parsed.document.pages:
        img = _page_image(path, kind, page)
        f = img.width / page.width
        draw = ImageDraw.Draw(img)
        font = ImageFont.load_default(size=max(11, img.width // 120))
        for ev in parsed.reading.evidence:
            if ev.page != page.number:
                continue
            kind_key = "bar" if ev.label.startswith("bar") else ev.label
            color = COLORS.get(kind_key, FIELD_COLOR)
            b = ev.box.scaled(f)
            draw.rectangle([b.x0 - 2, b.top - 2, b.x1 + 2, b.bottom + 2], outline=color, width=2)
            draw.text((b.x0, max(0, b.top - font.size - 3)), ev.label, fill=color, font=font)
        for bar in page.bars:  # every bar candidate, used or not, thinly
            b = bar.box.scaled(f)
            draw.rectangle([b.x0, b.top, b.x1, b.bottom], outline=(160, 160, 160), width=1)
        import io

        buf = io.BytesIO()
        img.save(buf, format="PNG", optimize=False)
        out = Path(path).with_name(f"{Path(path).stem}.explain-p{page.number}.png")
        atomic_write(out, buf.getvalue())
        outs.append(out)
    return outs
