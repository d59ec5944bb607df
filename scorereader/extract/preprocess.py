"""Make a page image easy for Tesseract and for the bar finder.

`prepare(image)` returns a `Prepared` page:

* `rgb`  — the page frame every coordinate refers to: upright, dark mode inverted, desk margins
  cropped (photos only, when the page stands out clearly), lighting evened out (only when it is
  uneven) and deskewed (±5°), at the input's own resolution;
* `ocr`  — the greyscale image handed to Tesseract: `rgb` at its own size when its capitals
  are readable (≥ `MIN_NATIVE_CAP_HEIGHT` px: a 1× screenshot, a 150–300-dpi scan), else
  scaled so that capitals are about `TARGET_CAP_HEIGHT` px (tiny text upscaled, 600-dpi
  scans downscaled).

Everything is numpy over whole arrays, and the expensive estimates run on reduced copies.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageFilter

from scorereader.extract.pixels import _as_rgb, array_of, luma_of, paper_stats

#: Capital-letter height (px) we aim for in the image Tesseract reads. Tesseract (LSTM) reads
#: 20-px capitals as well as 30-px ones (every fixture reads correctly for targets 18–23) at half
#: the pixels: a 1× screenshot is upscaled ~2.3× instead of ~3.5×, and a 300-dpi scan (≈ 18-px
#: capitals) is not upscaled at all (see MIN_NATIVE_CAP_HEIGHT).
TARGET_CAP_HEIGHT = 20.0
#: Never make the OCR image larger than this many pixels (Tesseract time grows with area).
MAX_OCR_PIXELS = 40_000_000
MAX_SKEW_DEG = 5.0
#: Below this capital height (px) text is upscaled to TARGET_CAP_HEIGHT; at or above it Tesseract
#: reads the image at its own size. Tesseract's LSTM scales every text line to a fixed height
#: itself, so 1× screenshot text (8–9 px capitals) reads as well natively as upscaled 2.3×, and
#: Tesseract's time grows with the image's area (upscaling a 1280-px screenshot doubled it).
#: Every OCR fixture reads right with it: 1× text (8.6-px capitals in ours) stays native, an
#: ~800-px recompressed screenshot (≈7 px) is upscaled — at native size its words garble.
MIN_NATIVE_CAP_HEIGHT = 7.5


@dataclass
class Prepared:
    rgb: np.ndarray  # H×W×3 uint8, the page frame (reduced once released, see `release_rgb`)
    ocr: Image.Image  # "L", `scale` × the page frame
    scale: float  # OCR pixels per page pixel
    skew: float  # degrees removed (positive: lines went down to the right)
    inverted: bool  # dark mode was inverted
    cropped: tuple[int, int, int, int] | None  # crop box in the upright input, if any
    normalized: bool  # uneven lighting was evened out
    cap_height: float  # estimated capital height in page pixels
    size: tuple[int, int] = field(init=False)  # (width, height) of the page frame, in page pixels

    def __post_init__(self) -> None:
        self.size = (int(self.rgb.shape[1]), int(self.rgb.shape[0]))

    @property
    def width(self) -> int:
        return self.size[0]

    @property
    def height(self) -> int:
        return self.size[1]

    def release_rgb(self, reduced: np.ndarray) -> None:
        """Drop the full-resolution frame for a reduced copy of it (`size` stays the page's)."""
        self.rgb = reduced

    @property
    def dpi(self) -> int:
        """The resolution to tell Tesseract: what the OCR image's capital height means for body
        text (≈10.5-pt type, capitals 0.72 em), so a 1× screenshot is ~80 dpi, not 300.
        Tesseract sizes its noise filters by it: told 300 dpi, it drops short isolated numbers
        (a "700" under its label) in native-size screenshots as specks."""
        if not self.cap_height:
            return 300
        est = self.cap_height * self.scale / (0.72 * 10.5 / 72)
        return int(round(min(600.0, max(70.0, est))))

    @property
    def image(self) -> Image.Image:
        """The page frame as a PIL image (for `--explain` overlays)."""
        return Image.fromarray(self.rgb)


# --------------------------------------------------------------------------- estimates

def _reduce_factor(shape: tuple[int, ...], target: int) -> int:
    return max(1, int(math.ceil(max(shape[0], shape[1]) / target)))


def estimate_skew(luma: np.ndarray, max_angle: float = MAX_SKEW_DEG) -> float:
    """Skew of text lines/bars in degrees (positive: lines go down to the right), by projection
    profile: the angle whose row histogram of ink pixels is the most peaked."""
    f = _reduce_factor(luma.shape, 1600)
    small = luma[::f, ::f]
    paper, sigma, _ = paper_stats(small)
    ink = small < paper - max(40.0, 4 * sigma)
    ys, xs = np.nonzero(ink)
    if len(ys) < 200:
        return 0.0
    if len(ys) > 60_000:
        idx = np.random.default_rng(0).choice(len(ys), 60_000, replace=False)
        ys, xs = ys[idx], xs[idx]
    ys = ys.astype(np.float64)
    xs = xs.astype(np.float64) - small.shape[1] / 2

    def score(deg: float) -> float:
        yr = ys - xs * math.tan(math.radians(deg))
        yi = np.round(yr - yr.min()).astype(np.int64)
        c = np.bincount(yi).astype(np.float64)
        return float((c * c).sum())

    coarse = np.arange(-max_angle, max_angle + 1e-9, 0.5)
    scores = [score(a) for a in coarse]
    best = float(coarse[int(np.argmax(scores))])
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.05)
    fscores = [score(a) for a in fine]
    best = float(fine[int(np.argmax(fscores))])
    # not clearly better than no rotation: keep the page as it is
    if max(fscores) <= 1.01 * score(0.0):
        return 0.0
    return best


def estimate_cap_height(luma: np.ndarray) -> float | None:
    """Typical capital-letter height in pixels, from the heights of text-line row runs in
    vertical strips (≈ ascender-to-descender height ÷ 1.4)."""
    f = max(1, _reduce_factor(luma.shape, 2000) // 2) if max(luma.shape) > 4000 else 1
    small = luma[::f, ::f]
    paper, sigma, _ = paper_stats(small)
    ink = small < paper - max(50.0, 4 * sigma)
    h, w = ink.shape
    n_strips = max(1, min(8, w // 120))
    heights: list[np.ndarray] = []
    for k in range(n_strips):
        strip = ink[:, k * w // n_strips:(k + 1) * w // n_strips]
        rows = strip.any(axis=1).astype(np.int8)
        d = np.diff(np.concatenate(([0], rows, [0])))
        starts, ends = np.nonzero(d == 1)[0], np.nonzero(d == -1)[0]
        lens = ends - starts
        heights.append(lens[(lens >= 4) & (lens <= h / 8)])
    allh = np.concatenate(heights) if heights else np.array([])
    if len(allh) < 3:
        return None
    return float(np.median(allh)) * f / 1.4


# --------------------------------------------------------------------------- steps

def is_dark_mode(luma: np.ndarray) -> bool:
    f = _reduce_factor(luma.shape, 400)
    sub = luma[::f, ::f]
    return float(np.median(sub)) < 100


def _background(luma: np.ndarray) -> tuple[np.ndarray, int]:
    """A reduced background (paper brightness) estimate: max filter closes text and bars."""
    f = _reduce_factor(luma.shape, 256)
    small = Image.fromarray(luma.astype(np.uint8)).reduce(f)
    bg = small.filter(ImageFilter.MaxFilter(7)).filter(ImageFilter.GaussianBlur(3))
    return np.asarray(bg, dtype=np.float32), f


def _crop_box(bg: np.ndarray, f: int, shape) -> tuple[int, int, int, int] | None:
    """The bright page on a darker desk: rows/columns mostly brighter than the desk/page midpoint."""
    lo, hi = np.percentile(bg, 3), np.percentile(bg, 97)
    if hi - lo < 45:
        return None
    bright = bg > (lo + hi) / 2
    rows = np.nonzero(bright.mean(axis=1) > 0.4)[0]
    cols = np.nonzero(bright.mean(axis=0) > 0.4)[0]
    if len(rows) < 4 or len(cols) < 4:
        return None
    m = 2  # reduced pixels of margin inwards (page edge, shadow)
    top, bottom = (rows[0] + m) * f, (rows[-1] + 1 - m) * f
    left, right = (cols[0] + m) * f, (cols[-1] + 1 - m) * f
    H, W = shape[:2]
    top, left = max(0, top), max(0, left)
    bottom, right = min(H, bottom), min(W, right)
    area = (bottom - top) * (right - left)
    if area <= 0.25 * H * W or area >= 0.93 * H * W:
        return None
    return int(left), int(top), int(right), int(bottom)


def _even_lighting(rgb: np.ndarray, luma: np.ndarray,
                   background: tuple[np.ndarray, int] | None = None) -> tuple[np.ndarray, np.ndarray, bool]:
    bg, f = background if background is not None else _background(luma)
    lo, hi = np.percentile(bg, 2), np.percentile(bg, 98)
    if hi - lo < 18:
        return rgb, luma, False
    full = Image.fromarray(np.clip(bg, 1, 255).astype(np.uint8)).resize(
        (rgb.shape[1], rgb.shape[0]), Image.BILINEAR)
    full_a = np.asarray(full)
    del full
    # the same float32 arithmetic as over the whole image, a band of rows at a time: the float
    # RGB temporaries are 12 bytes a pixel, 100 MB for a 300-dpi page if done in one go
    out = np.empty(rgb.shape, dtype=np.uint8)
    for y in range(0, rgb.shape[0], _BAND_ROWS):
        gain = 250.0 / np.maximum(full_a[y:y + _BAND_ROWS].astype(np.float32), 40.0)
        band = rgb[y:y + _BAND_ROWS].astype(np.float32)
        band *= gain[:, :, None]
        np.clip(band, 0, 255, out=band)
        out[y:y + _BAND_ROWS] = band  # float → uint8 truncates, as astype(np.uint8) does
    del full_a
    return out, luma_of(out), True


#: Rows processed at a time by the banded whole-image steps (bounds their temporaries).
_BAND_ROWS = 256


def prepare(image: Image.Image | np.ndarray, *, deskew: bool = True, crop: bool = True,
            normalize: bool = True, upscale: bool = True) -> Prepared:
    """Prepare one upright RGB page image (PIL, or an H×W×3 uint8 array) for OCR and bar finding
    (see module doc). An array is not modified; `Prepared.rgb` may be that very array."""
    rgb = _as_rgb(image)
    del image
    luma = luma_of(rgb)
    inverted = False
    if is_dark_mode(luma):
        rgb = 255 - rgb
        luma = 255 - luma
        inverted = True

    cropped = None
    normalized = False
    if crop or normalize:
        bg, f = _background(luma)
        if crop:
            cropped = _crop_box(bg, f, rgb.shape)
            if cropped:
                x0, y0, x1, y1 = cropped
                rgb = rgb[y0:y1, x0:x1]
                luma = luma[y0:y1, x0:x1]
        if normalize:
            # the background estimate serves both steps unless the crop changed the frame
            rgb, luma, normalized = _even_lighting(rgb, luma, None if cropped else (bg, f))
        del bg

    skew = 0.0
    if deskew:
        skew = estimate_skew(luma)
        if abs(skew) >= 0.15:
            # one full-size copy alive at a time besides Pillow's pair (source and rotated): the
            # array goes once Pillow has its copy, the source image once rotated
            del luma
            src = Image.fromarray(np.ascontiguousarray(rgb))
            del rgb
            rot = src.rotate(skew, resample=Image.BICUBIC, expand=True, fillcolor=(255, 255, 255))
            del src
            rgb = array_of(rot)
            del rot
            luma = luma_of(rgb)
        else:
            skew = 0.0

    rgb = np.ascontiguousarray(rgb)
    cap = estimate_cap_height(luma)
    scale = 1.0
    if upscale and cap:
        want = TARGET_CAP_HEIGHT / cap
        if cap < MIN_NATIVE_CAP_HEIGHT:
            scale = min(want, 4.0)
        elif want < 0.5:
            scale = max(want, 0.25)
        area = rgb.shape[0] * rgb.shape[1] * scale * scale
        if area > MAX_OCR_PIXELS:
            scale = max(min(scale, math.sqrt(MAX_OCR_PIXELS / (rgb.shape[0] * rgb.shape[1]))), 0.1)
    gray = Image.fromarray(np.ascontiguousarray(luma, dtype=np.uint8), "L")
    del luma
    if abs(scale - 1.0) > 1e-3:
        size = (max(1, round(gray.width * scale)), max(1, round(gray.height * scale)))
        gray = gray.resize(size, Image.BICUBIC if scale > 1 else Image.BOX)
        scale = gray.width / rgb.shape[1]
    return Prepared(rgb=rgb, ocr=gray, scale=scale, skew=skew, inverted=inverted,
                    cropped=cropped, normalized=normalized, cap_height=cap or 0.0)
