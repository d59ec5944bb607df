"""The OCR path: images and scanned PDFs → the same IR the text-layer extractor produces.

Tesseract is run by `extract/tesseract.py` (pytesseract, a PGM file, single thread, exact
flags), once per page in the normal case, at the image's native size unless its text is too
small to read (`preprocess.MIN_NATIVE_CAP_HEIGHT`); this module turns its TSV into words.

Memory: pages are decoded or rendered one at a time and dropped after OCR, the full-resolution
frame is released once its bars are found (`Page.frame` keeps a reduced copy for `--explain`),
and whole-image steps work in uint8 or in bands of rows, so a 300-dpi page peaks at about
three page-sized arrays.

Coordinates: words and bars are in the pixels of the *page frame* of `preprocess.prepare`
(upright, deskewed, desk cropped, input resolution); `Page.width/height` are that frame's size.
`ocr_words`/`find_bars` on a crop return the crop's own pixel coordinates.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np
from PIL import Image

from scorereader import limits as _limits
from scorereader.detect import sha256_of
from scorereader.errors import InputTooLarge, InputUnreadable, MissingDependency
from scorereader.extract import images as _images
from scorereader.extract import tesseract as _tess
from scorereader.extract.ocr_words import _Read, drop_bar_remnants, parse_tsv, reread_display_type
from scorereader.extract.pixels import array_of
from scorereader.extract.pixels import find_bars as _find_bars
from scorereader.extract.pixels import find_screened_bars
from scorereader.extract.preprocess import Prepared, prepare
from scorereader.ir import Bar, Document, Page, Word

#: The Tesseract executable (see extract/tesseract.py; tests point it elsewhere).
TESSERACT_CMD = _tess.TESSERACT_CMD
LANG = _tess.LANG
#: Rendering resolution for scanned PDF pages.
PDF_DPI = 300
#: Pages OCR'd from one scanned PDF at most.
MAX_PDF_PAGES = _limits.MAX_PAGES_READ  # the project-wide page limit (scorereader.limits)
#: Below this mean word confidence a page gets a warning.
LOW_CONFIDENCE = 60.0


__all__ = ["extract_image", "extract_scanned_pdf", "ocr_words", "find_bars", "ocr_page",
           "tesseract_version", "TESSERACT_CMD"]


def find_bars(image: Image.Image | np.ndarray, *, deskew: bool = True) -> list[Bar]:
    """Bars in an image or a crop, in its pixel coordinates (see `pixels.find_bars`)."""
    return _find_bars(image, deskew=deskew)


# --------------------------------------------------------------------------- Tesseract (extract/tesseract.py)

def _binary() -> str:
    return _tess.binary(TESSERACT_CMD)


def tesseract_version() -> str:
    return _tess.version(TESSERACT_CMD)


def _read(prep: Prepared, psm: int) -> _Read:
    return parse_tsv(_tess.run(prep.ocr, psm=psm, dpi=prep.dpi, cmd=TESSERACT_CMD), prep.scale, psm)


def _osd_rotation(prep: Prepared) -> int:
    """Clockwise degrees (0/90/180/270) that would make the page upright, per `--psm 0`; 0 when unsure."""
    try:
        out = _tess.run(prep.ocr, psm=0, dpi=prep.dpi, cmd=TESSERACT_CMD)
    except InputUnreadable:
        return 0  # too few characters to tell
    except MissingDependency:
        return 0  # no osd.traineddata: read the page as it is (a missing Tesseract fails the next step)
    rot = re.search(r"Rotate:\s*(\d+)", out)
    conf = re.search(r"Orientation confidence:\s*([\d.]+)", out)
    if not rot or not conf or float(conf.group(1)) < 1.5:
        return 0
    return int(rot.group(1)) % 360


def _blank_bars(prep: Prepared, bars: list[Bar], *, whole: bool = False) -> None:
    """Paint the bars out of the OCR image (Tesseract reads them as rows of junk letters), keeping
    any pixel that differs from the bar's own colours (text printed on a bar survives).

    Works bar by bar on crops of `prep.ocr`, pasted back: no full-size copy of the OCR image."""
    if not bars:
        return
    gray = prep.ocr
    W, H = gray.size
    s = prep.scale
    for bar in bars:
        b = bar.box
        x0, y0 = max(0, int(b.x0 * s) - 2), max(0, int(b.top * s) - 2)
        x1, y1 = min(W, int(b.x1 * s) + 3), min(H, int(b.bottom * s) + 3)
        if x1 <= x0 or y1 <= y0:
            continue
        if whole:
            gray.paste(255, (x0, y0, x1, y1))
            continue
        region = np.array(gray.crop((x0, y0, x1, y1)))
        inner = region[3:-3, 3:-3] if region.shape[0] > 8 and region.shape[1] > 8 else region
        levels = np.percentile(inner, (10, 50, 90))
        near = np.zeros(region.shape, dtype=bool)
        for lv in levels:
            near |= np.abs(region.astype(np.int16) - int(lv)) <= 28
        near[:3, :] = near[-3:, :] = True  # anti-aliased edges
        near[:, :3] = near[:, -3:] = True
        region[near] = 255
        gray.paste(Image.fromarray(region, "L"), (x0, y0))
    prep.ocr = gray


#: Widest `Page.frame` kept for `--explain` (its own rendering width); wider frames are kept
#: reduced by a whole factor (box average), so an OCR'd page costs a few MB, not 25.
FRAME_MAX_WIDTH = 1400


def _explain_frame(rgb: np.ndarray) -> np.ndarray:
    """The frame for `Page.frame`: `rgb` itself when narrow, else reduced by a whole factor
    (Pillow's box-average `reduce`, a band of rows at a time)."""
    h, w = rgb.shape[:2]
    k = -(-w // FRAME_MAX_WIDTH)
    if k <= 1 or h < k:
        return rgb
    h2, w2 = h // k, w // k
    out = np.empty((h2, w2, 3), dtype=np.uint8)
    step = max(1, 256 // k)  # output rows per band
    for y in range(0, h2, step):
        y2 = min(h2, y + step)
        band = Image.fromarray(np.ascontiguousarray(rgb[y * k:y2 * k, :w2 * k]), "RGB")
        out[y:y2] = np.asarray(band.reduce(k))
    return out


def ocr_page(image: Image.Image | np.ndarray, number: int = 1) -> tuple[Page, _Read, Prepared]:
    """One upright-ish page image (PIL or H×W×3 uint8 array) → an IR page (words + bars), the
    read, and the prepared frame."""
    from scorereader.extract.pixels import _as_rgb

    source = _as_rgb(image)
    return _ocr_page(lambda: source, number)


def _ocr_page(load: Callable[[], np.ndarray], number: int) -> tuple[Page, _Read, Prepared]:
    """`ocr_page` on the page image `load()` returns; called again only to turn a sideways page.

    Memory: nothing here keeps the source image (the loader decides: the document paths hand it
    over and re-read it if ever asked again), and the full-resolution frame (`prep.rgb`) is
    released once the bars are found — the page keeps a reduced copy (`Page.frame`,
    ≤ FRAME_MAX_WIDTH wide) for `--explain` — so Tesseract runs beside the greyscale OCR image only."""
    prep = prepare(load())
    bars, screened = _page_bars(prep)
    frame = _release_frame(prep)
    _blank_bars(prep, bars, whole=screened)
    read = _read(prep, 3)
    if read.bad:
        rot = _osd_rotation(prep)
        if rot:
            # Tesseract's "Rotate" is clockwise; np.rot90 turns counter-clockwise
            prep = prepare(np.ascontiguousarray(np.rot90(load(), k=-(rot // 90))))
            bars, screened = _page_bars(prep)
            frame = _release_frame(prep)
            _blank_bars(prep, bars, whole=screened)
            read = _read(prep, 3)
        if read.bad:
            sparse = _read(prep, 11)
            if sparse.score > read.score:
                read = sparse
    if read.display:
        reread_display_type(read, prep.ocr, prep.scale, bars,
                            lambda crop: _tess.run(crop, psm=7, dpi=prep.dpi, cmd=TESSERACT_CMD))
    page = Page(number=number, width=float(prep.width), height=float(prep.height),
                words=drop_bar_remnants(read.words, bars), bars=bars, frame=frame)
    return page, read, prep


def _page_bars(prep: Prepared) -> tuple[list[Bar], bool]:
    """The page's bars: solid ones, or else (fewer than two) ones printed as a dot screen; and
    whether they are screened (their dots do not match a few grey levels: painted out whole)."""
    bars = _find_bars(prep.rgb, deskew=False, text_height=prep.cap_height)
    if len(bars) < 2:
        screened = find_screened_bars(prep.rgb, text_height=prep.cap_height)
        if len(screened) > len(bars):
            return screened, True
    return bars, False


def tesseract_input(path: str | Path) -> Image.Image:
    """The first page exactly as our path hands it to Tesseract (prepared, bars painted out).

    For benchmarks: bare Tesseract must be timed on the same image, not on the raw file.
    """
    from scorereader.extract.pixels import _as_rgb

    path = Path(path)
    if _images.sniff_type(path) == "pdf":
        loaders = _pdf_page_loaders(path, [1], PDF_DPI)
        try:
            rgb = next(loaders)[1]()
        finally:
            loaders.close()
    else:
        rgb = _as_rgb(_images.load_image(path))
    prep = prepare(rgb)
    bars, screened = _page_bars(prep)
    _release_frame(prep)
    _blank_bars(prep, bars, whole=screened)
    prep.ocr.info["dpi"] = (prep.dpi, prep.dpi)  # what we tell Tesseract (--dpi)
    return prep.ocr


def _release_frame(prep: Prepared) -> np.ndarray:
    """Swap `prep.rgb` for its reduced explain copy (the page size stays known)."""
    frame = _explain_frame(prep.rgb)
    prep.release_rgb(frame)
    return frame


def ocr_words(image: Image.Image | np.ndarray, *, psm: int | None = None) -> list[Word]:
    """Words in an image or a crop (e.g. a chart embedded in a text PDF), in its pixel coordinates.

    The crop is upscaled for Tesseract as needed but not deskewed or cropped, so the caller can
    map the boxes back with a plain scale and offset.
    """
    if isinstance(image, np.ndarray):
        image = Image.fromarray(image)
    prep = prepare(image, deskew=False, crop=False, normalize=False)
    if psm is not None:
        return _read(prep, psm).words
    read = _read(prep, 3)
    if read.bad:
        sparse = _read(prep, 11)
        if sparse.score > read.score:
            read = sparse
    return read.words


# --------------------------------------------------------------------------- documents

def _page_warning(read: _Read, number: int, multi: bool) -> str | None:
    where = f"Page {number}" if multi else "The image"
    if not read.words:
        return f"{where} has no readable text (OCR found nothing); values from it are missing."
    if read.mean_conf < LOW_CONFIDENCE:
        return (f"{where} was hard to read (mean OCR confidence {read.mean_conf:.0f} of 100): "
                f"check the values read from it.")
    return None


def _document(path: Path, method: str, page_loaders: Iterable[tuple[int, Callable[[], np.ndarray]]],
              page_count: int) -> Document:
    _binary()  # fail early, with the install hint, before any work
    doc = Document(path=str(path), sha256=sha256_of(path), method=method, page_count=page_count)
    multi = page_count > 1
    for number, load in page_loaders:
        # one page at a time: each page image is gone before the next is decoded or rendered
        page, read, _prep = _ocr_page(load, number)
        del load, _prep
        doc.pages.append(page)
        warn = _page_warning(read, number, multi)
        if warn:
            doc.warnings.append(warn)
    return doc


def extract_image(path: str | Path) -> Document:
    """A PNG/JPEG/WEBP/TIFF/GIF/BMP screenshot, scan or photo → IR (method "image-ocr")."""
    path = Path(path)
    count, frames = _images.iter_images(path)
    return _document(path, "image-ocr", _frame_loaders(path, frames), count)


def _frame_loaders(path: Path, frames: Iterator[Image.Image]) -> Iterator[tuple[int, Callable[[], np.ndarray]]]:
    """(1-based number, loader) per frame. The loader's first call hands over the decoded frame
    (as an RGB array; the Pillow image is already gone) and keeps no reference; a second call
    (a sideways page) decodes the frame from the file again."""
    for n, frame in enumerate(frames, start=1):
        held = [array_of(frame)]
        del frame

        def load(index: int = n - 1, held: list[np.ndarray] = held) -> np.ndarray:
            if held:
                return held.pop()
            return array_of(_images.load_frame(path, index))

        yield n, load
        held.clear()


def _render_pdf_pages(path: Path, pages: list[int], dpi: int) -> Iterator[tuple[int, np.ndarray]]:
    """(page number, H×W×3 uint8 RGB array) per page, rendered one at a time."""
    for n, load in _pdf_page_loaders(path, pages, dpi):
        yield n, load()


def _pdf_page_loaders(path: Path, pages: list[int], dpi: int) -> Iterator[tuple[int, Callable[[], np.ndarray]]]:
    """(page number, loader) per page; each loader call renders the page (the PDF stays open
    while the pages are read): nothing keeps a rendered page once its OCR is done."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as err:
        raise InputUnreadable(f"{path}: the PDF cannot be opened ({err}).") from err
    try:
        for n in pages:
            page = pdf[n - 1]
            w_pt, h_pt = page.get_size()
            page.close()
            scale = min(dpi / 72.0, 32767 / max(w_pt, h_pt))  # Tesseract's longest side
            if w_pt * h_pt * scale * scale > _images.MAX_IMAGE_PIXELS:
                scale = (_images.MAX_IMAGE_PIXELS / (w_pt * h_pt)) ** 0.5
                if scale * 72 < 100:
                    raise InputTooLarge(
                        f"{path}: page {n} is {w_pt / 72:.0f}×{h_pt / 72:.0f} inches, too large to OCR.")
            yield n, (lambda n=n, scale=scale: _render_page(pdf, n, scale))
    finally:
        pdf.close()


def _render_page(pdf, n: int, scale: float) -> np.ndarray:  # noqa: ANN001 - a pdfium PdfDocument
    """Page `n` as an H×W×3 uint8 RGB array: pdfium renders straight into the array's buffer (RGB
    byte order, packed rows), with no Pillow copies (a Pillow RGB image takes 4 bytes a pixel)."""
    import pypdfium2 as pdfium

    page = pdf[n - 1]
    try:
        bitmap = page.render(scale=scale, may_draw_forms=True, rev_byteorder=True,
                             force_bitmap_format=pdfium.raw.FPDFBitmap_BGR)
    finally:
        page.close()
    arr = bitmap.to_numpy()  # a view of the bitmap's own (Python-owned) buffer, valid after close
    if arr.ndim != 3 or arr.shape[2] != 3 or not arr.flags.c_contiguous:
        arr = np.ascontiguousarray(arr.reshape(arr.shape[0], arr.shape[1], -1)[:, :, :3])
    bitmap.close()
    return arr


def pdf_page_count(path: str | Path) -> int:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as err:
        raise InputUnreadable(f"{path}: the PDF cannot be opened ({err}).") from err
    try:
        return len(pdf)
    finally:
        pdf.close()


def extract_scanned_pdf(path: str | Path, pages: Iterable[int] | int | None = None, *, dpi: int = PDF_DPI) -> Document:
    """A PDF without a text layer → IR (method "pdf-ocr"): pages rendered at `dpi` and OCR'd.

    `pages`: 1-based page numbers to read (default all, at most MAX_PDF_PAGES); an int n means
    the first n pages. `Document.page_count` is the PDF's page count; coordinates are pixels at `dpi`.
    """
    path = Path(path)
    total = pdf_page_count(path)
    if pages is None:
        wanted = list(range(1, total + 1))
    elif isinstance(pages, int):
        wanted = list(range(1, min(pages, total) + 1))
    else:
        wanted = sorted({p for p in pages if 1 <= p <= total})
    doc_warnings: list[str] = []
    if len(wanted) > MAX_PDF_PAGES:
        doc_warnings.append(f"Only the first {MAX_PDF_PAGES} of {len(wanted)} pages were read by OCR.")
        wanted = wanted[:MAX_PDF_PAGES]
    doc = _document(path, "pdf-ocr", _pdf_page_loaders(path, wanted, dpi), total)
    doc.warnings[:0] = doc_warnings
    return doc
