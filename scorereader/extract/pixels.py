"""Horizontal bars measured from pixels (screenshots, scans, photos, chart images inside PDFs).

A score-report bar is a long, short, uniformly filled horizontal box: a light neutral *track*
(full scale) with a coloured or dark *fill* starting at its left edge — or a fill alone. Nothing
here assumes a colour. The finder works on run lengths (numpy only):

1. Paper level and noise are estimated from the image; two masks are built: *non-paper*
   (anything visibly different from the paper, light-grey tracks included) and *ink*
   (saturated or dark: fills, text).
2. Every row's runs of mask pixels at least `min_len` long are grouped across consecutive rows
   into boxes; a box is a bar when it is tall enough (table rules are not), long and flat enough
   (aspect ratio), almost fully covered (text lines are not), and does not touch the image's
   left/right border (browser chrome, desk margins and banners do).
3. Inside a box the column colours of the middle rows are compared with the colour at the left
   end (fill) and at the right end (track); the split minimising misclassified columns, refined
   to sub-pixel on the anti-aliased edge, is the fill's right edge.
4. A lone fill looks above/below for a bordered or taller track that encloses it.

Coordinates are in the given image's pixels, origin top-left.
"""
from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageFilter

from scorereader.ir import Bar, Box

__all__ = ["find_bars", "paper_stats", "luma_of", "array_of"]


def _as_rgb(image: Image.Image | np.ndarray) -> np.ndarray:
    if isinstance(image, np.ndarray):
        a = image
        if a.ndim == 2:
            a = np.repeat(a[:, :, None], 3, axis=2)
        return np.ascontiguousarray(a[:, :, :3], dtype=np.uint8)
    if image.mode != "RGB":
        from scorereader.extract.images import flatten

        image = flatten(image)
    return np.asarray(image, dtype=np.uint8)


#: Rows converted per Pillow call in `luma_of`: Pillow holds RGB at 4 bytes a pixel, so a whole
#: 300-dpi page would cost a 34 MB temporary; bands of this many rows keep it to a few MB.
_BAND_ROWS = 256


def luma_of(rgb: np.ndarray) -> np.ndarray:
    """Luma (ITU-R 601-2 weights) as uint8, via Pillow's C conversion (5× faster than numpy),
    in bands of rows so no full-size Pillow copy of the image is ever made."""
    h, w = rgb.shape[:2]
    if h <= _BAND_ROWS:
        return np.asarray(Image.fromarray(np.ascontiguousarray(rgb), "RGB").convert("L"))
    out = np.empty((h, w), dtype=np.uint8)
    for y in range(0, h, _BAND_ROWS):
        band = Image.fromarray(np.ascontiguousarray(rgb[y:y + _BAND_ROWS]), "RGB").convert("L")
        out[y:y + _BAND_ROWS] = np.asarray(band)
    return out


def array_of(im: Image.Image) -> np.ndarray:
    """A Pillow image as a (writable) uint8 array, a band of rows at a time: `np.asarray(im)`
    goes through `im.tobytes()`, which briefly holds the pixels twice over (chunks + joined)."""
    w, h = im.size
    if h <= 2 * _BAND_ROWS:
        return np.array(im, dtype=np.uint8)
    bands = len(im.getbands())
    out = np.empty((h, w, bands) if bands > 1 else (h, w), dtype=np.uint8)
    for y in range(0, h, _BAND_ROWS):
        out[y:y + _BAND_ROWS] = np.asarray(im.crop((0, y, w, min(h, y + _BAND_ROWS))))
    return out


def _sat_of(rgb: np.ndarray) -> np.ndarray:
    """max(R,G,B) − min(R,G,B) as uint8 (channel-wise maximum: reducing over axis 2 is 15× slower);
    two image-sized uint8 buffers, computed in place."""
    r, g, b = rgb[:, :, 0], rgb[:, :, 1], rgb[:, :, 2]
    hi = np.maximum(r, g)
    np.maximum(hi, b, out=hi)
    lo = np.minimum(r, g)
    np.minimum(lo, b, out=lo)
    np.subtract(hi, lo, out=hi)
    return hi


def paper_stats(luma: np.ndarray, sat: np.ndarray | None = None) -> tuple[float, float, float]:
    """(paper luma, paper noise sigma, paper saturation) from a subsample of the image."""
    step = max(1, int(math.sqrt(luma.size / 250_000)))
    sub = luma[::step, ::step].ravel()
    hist = np.bincount(np.clip(sub, 0, 255), minlength=256).astype(np.float64)
    smooth = np.convolve(hist, np.ones(5) / 5, mode="same")
    smooth[:96] = 0  # paper is light (dark mode is inverted before this)
    paper = float(np.argmax(smooth)) if smooth.any() else 255.0
    lo = max(0, int(paper) - 2)
    paper = float(lo + int(np.argmax(hist[lo:int(paper) + 3])))  # the raw peak, not the smoothed one
    dev = np.abs(sub.astype(np.float32) - paper)
    near = dev <= 20
    # robust noise: a light track a few levels below the paper must not count as noise
    sigma = max(1.0, 1.4826 * float(np.median(dev[dev <= 12]))) if (dev <= 12).any() else 2.0
    psat = 0.0
    if sat is not None:
        ssub = sat[::step, ::step].ravel()
        psat = float(np.median(ssub[near])) if near.any() else 0.0
    return paper, sigma, psat


def _t(v: float) -> int:
    """A threshold as a uint8-range int (keeps comparisons in uint8, no float temporaries)."""
    return int(min(255, max(0, round(v))))


def _either(luma: np.ndarray, dark: int, sat: np.ndarray, colour: int) -> np.ndarray:
    """(luma < dark) | (sat > colour) with one temporary."""
    out = np.less(luma, dark)
    out |= np.greater(sat, colour)
    return out


def _close_gaps(mask: np.ndarray, gap: int = 2) -> np.ndarray:
    """Fill horizontal holes up to `gap` pixels wide (JPEG noise, anti-aliasing seams)."""
    out = mask.copy()
    _bridge_into(mask, out, gap)
    return out


def _bridge_into(mask: np.ndarray, out: np.ndarray, gap: int, buf: np.ndarray | None = None) -> None:
    """OR into `out` (mask-shaped) every horizontal hole of `mask` up to `gap` pixels wide."""
    w = mask.shape[1]
    for g in range(1, gap + 1):
        n = w - g - 1
        if n <= 0:
            break
        bridge = np.logical_and(mask[:, :n], mask[:, g + 1:],
                                out=None if buf is None else buf[:, :n])
        for k in range(1, g + 1):
            out[:, k: k + n] |= bridge


def _long_runs(mask: np.ndarray, min_len: int, gap: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows, starts, ends (exclusive) of horizontal runs at least min_len long, row-major order,
    after closing holes up to `gap` pixels wide (as `_close_gaps`). Two mask-sized temporaries."""
    h, w = mask.shape
    padded = np.zeros((h, w + 2), dtype=bool)
    padded[:, 1:-1] = mask
    buf = np.empty((h, w + 1), dtype=bool)
    if gap:
        _bridge_into(mask, padded[:, 1:-1], gap, buf)
    # every row starts and ends outside a run, so its transitions alternate start, end, start, ...
    np.not_equal(padded[:, 1:], padded[:, :-1], out=buf)
    del padded
    tr, tc = np.nonzero(buf)
    del buf
    sr, sc, ec = tr[0::2], tc[0::2], tc[1::2]
    keep = (ec - sc) >= min_len
    return sr[keep], sc[keep], ec[keep]


class _Group:
    __slots__ = ("rows", "x0s", "x1s", "last", "a", "b")

    def __init__(self, r: int, a: int, b: int) -> None:
        self.rows = [r]
        self.x0s = [a]
        self.x1s = [b]
        self.last = r
        self.a, self.b = a, b

    def add(self, r: int, a: int, b: int) -> None:
        self.rows.append(r)
        self.x0s.append(a)
        self.x1s.append(b)
        self.last = r
        self.a, self.b = a, b


def _group_runs(rows: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> list[_Group]:
    done: list[_Group] = []
    active: list[_Group] = []
    for r, a, b in zip(rows.tolist(), starts.tolist(), ends.tolist()):
        still = []
        for g in active:
            (still if g.last >= r - 2 else done).append(g)
        active = still
        best = None
        for g in active:
            if g.last == r:
                continue
            ov = min(b, g.b) - max(a, g.a)
            if ov >= 0.6 * max(b - a, g.b - g.a):
                best = g
                break
        if best is None:
            active.append(_Group(r, a, b))
        else:
            best.add(r, a, b)
    done.extend(active)
    return done


def _box_of(g: _Group) -> tuple[int, int, int, int]:
    """(x0, top, x1, bottom) of a group, x extent taken from its middle rows (rounded ends)."""
    n = len(g.rows)
    lo, hi = n // 3, max(n // 3 + 1, n - n // 3)
    x0 = int(np.median(g.x0s[lo:hi]))
    x1 = int(np.median(g.x1s[lo:hi]))
    return x0, g.rows[0], x1, g.rows[-1] + 1


#: A bar is at least this share of the page's capital height tall (see find_bars).
BAR_TEXT_RATIO = 0.9

#: A bar's middle rows are flat colour: this share of its columns lies within UNIFORM_TOL
#: (RGB distance) of the fill or the track colour. Blurred or smudged text does not.
UNIFORM_TOL = 30.0
UNIFORM_SHARE = 0.85


def _dist(c: np.ndarray, ref: np.ndarray) -> np.ndarray:
    return np.sqrt(((c - ref) ** 2).sum(axis=-1))


def _is_trackish(color: np.ndarray, paper: float, psat: float) -> bool:
    r, g, b = (float(v) for v in color)
    luma = 0.299 * r + 0.587 * g + 0.114 * b
    return luma >= paper - 75 and (max(r, g, b) - min(r, g, b)) <= psat + 28


def _split(rgb: np.ndarray, box: tuple[int, int, int, int], paper: float, psat: float):
    """Classify a bar box: ('split', fill_x1, F, T) / ('track', None, T, T) / ('fill', None, F, F)."""
    x0, top, x1, bottom = box
    h, w = bottom - top, x1 - x0
    m0, m1 = top + h // 4, bottom - h // 4
    if m1 <= m0:
        m0, m1 = top, bottom
    strip = rgb[m0:m1, x0:x1].astype(np.float32)
    cols = np.median(strip, axis=0) if strip.shape[0] > 2 else strip.mean(axis=0)  # (w, 3)
    edge = min(max(2, h // 2), w // 8)
    n = max(2, int(w * 0.04))
    left = cols[edge: edge + n]
    right = cols[max(edge + n, w - edge - n): w - edge]
    F = np.median(left, axis=0) if len(left) else cols[0]
    T = np.median(right, axis=0) if len(right) else cols[-1]
    dF, dT = _dist(cols, F), _dist(cols, T)
    if float(_dist(F, T)) < 28:
        ref = np.median(cols, axis=0)
        if float(np.mean(_dist(cols, ref) < UNIFORM_TOL)) < UNIFORM_SHARE:
            return "text", None, F, T
        kind = "track" if _is_trackish(ref, paper, psat) else "fill"
        return kind, None, ref, ref
    if float(np.mean(np.minimum(dF, dT) < UNIFORM_TOL)) < UNIFORM_SHARE:
        return "text", None, F, T  # not two flat colours: a smudged text line, a photo, a pattern
    is_fill = dF < dT
    # cost(s) = track-like columns left of s + fill-like columns from s on
    not_fill_cum = np.concatenate(([0], np.cumsum(~is_fill)))
    fill_cum = np.concatenate(([0], np.cumsum(is_fill)))
    cost = not_fill_cum + (fill_cum[-1] - fill_cum)
    s = int(np.argmin(cost))
    # sub-pixel: integrate "fill-ness" over the anti-aliased edge
    a, b = max(0, s - 3), min(w, s + 3)
    vec = T - F
    t = ((cols[a:b] - F) @ vec) / float(vec @ vec)
    fill_w = a + float(np.clip(1.0 - t, 0.0, 1.0).sum())
    return "split", x0 + fill_w, F, T


def _rows_matching(rgb: np.ndarray, x: int, top: int, bottom: int, color: np.ndarray, tol: float) -> tuple[int, int]:
    col = rgb[top:bottom, x].astype(np.float32)
    ok = np.nonzero(_dist(col, color) <= tol)[0]
    if len(ok) == 0:
        return top, bottom
    return top + int(ok[0]), top + int(ok[-1]) + 1


def _rot_point(x: float, y: float, angle_deg: float, src_size, dst_size) -> tuple[float, float]:
    """Map a point of an image rotated with PIL `rotate(angle, expand=True)` back to the original."""
    sw, sh = src_size  # original
    dw, dh = dst_size  # rotated
    a = math.radians(angle_deg)
    dx, dy = x - dw / 2, y - dh / 2
    # PIL rotates counter-clockwise on screen (y down): x' = x cos + y sin, y' = -x sin + y cos
    ox = dx * math.cos(a) - dy * math.sin(a)
    oy = dx * math.sin(a) + dy * math.cos(a)
    return ox + sw / 2, oy + sh / 2


def find_bars(
    image: Image.Image | np.ndarray,
    *,
    deskew: bool = True,
    min_height: float | None = None,
    max_height: float | None = None,
    text_height: float = 0.0,
) -> list[Bar]:
    """Every horizontal bar in `image`, top to bottom, as `ir.Bar(source="pixels")`.

    `deskew` estimates and undoes a small rotation first (≤ 5°) and maps the boxes back;
    leave it off when the caller has already deskewed. `min_height`/`max_height` (pixels)
    override the size limits derived from the image size; `text_height` (the page's capital
    height, when known) raises the least height to BAR_TEXT_RATIO of it: in a small, blurred
    screenshot a line of text smears into a solid strip a few pixels tall, a bar never is
    much thinner than the text beside it.
    """
    rgb = _as_rgb(image)
    if deskew:
        from scorereader.extract.preprocess import estimate_skew

        angle = estimate_skew(luma_of(rgb))
        if abs(angle) >= 0.3:
            src = Image.fromarray(rgb)
            rot = src.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=(255, 255, 255))
            bars = find_bars(rot, deskew=False, min_height=min_height, max_height=max_height,
                             text_height=text_height)
            return [_unrotate(b, angle, src.size, rot.size) for b in bars]
    H, W = rgb.shape[:2]
    if H < 3 or W < 10:
        return []
    luma = luma_of(rgb)
    sat = _sat_of(rgb)
    paper, sigma, psat = paper_stats(luma, sat)
    d_np = max(8.0, 3.5 * sigma)
    nonpaper = _either(luma, _t(paper - d_np), sat, _t(psat + max(18.0, 3.5 * sigma)))
    ink = _either(luma, _t(paper - 70), sat, _t(psat + 45))
    del sat

    hmin = min_height if min_height is not None else max(4.0, 0.0035 * max(H, W), BAR_TEXT_RATIO * text_height)
    hmax = max_height if max_height is not None else max(hmin + 1, 0.06 * max(H, W))
    min_len = int(max(12, 3 * hmin, 0.02 * W))

    bars: list[Bar] = []
    taken: list[Box] = []
    short: list[tuple[Box, np.ndarray]] = []  # flat boxes too short to be sure of alone
    thin: list[tuple[int, int, int, int]] = []  # rules: maybe the borders of an empty track
    all_runs = _long_runs(nonpaper, max(8, min_len // 2), gap=2)
    long_np = (all_runs[2] - all_runs[1]) >= min_len
    passes = (
        (nonpaper, (all_runs[0][long_np], all_runs[1][long_np], all_runs[2][long_np]), False),
        (ink, None, True),
    )
    for mask, runs, lone_only in passes:
        rows, starts, ends = runs if runs is not None else _long_runs(mask, min_len, gap=2)
        for g in _group_runs(rows, starts, ends):
            x0, top, x1, bottom = _box_of(g)
            h, w = bottom - top, x1 - x0
            if x0 <= 1 or x1 >= W - 1:  # chrome, desk, full-width banners
                continue
            if not lone_only and h <= 3 and w >= 4 * hmin:
                thin.append((x0, top, x1, bottom))
            if not (hmin <= h <= hmax) or w < 1.5 * h or len(g.rows) < 0.8 * h:
                continue
            box = Box(float(x0), float(top), float(x1), float(bottom))
            if any(box.v_overlap(t) > 0.5 * h and box.h_overlap(t) > 0.5 * w for t in taken):
                continue
            if float(mask[top:bottom, x0:x1].mean()) < 0.85:
                continue
            # a bar has clean edges: the rows just above and below it are not part of it
            above = mask[max(0, top - 2), x0:x1].mean() if top >= 2 else 0.0
            below = mask[min(H - 1, bottom + 1), x0:x1].mean() if bottom + 1 < H else 0.0
            if max(above, below) > 0.5:
                continue
            if not _flat_rows(luma, box):
                continue  # a blurred rule or text line peaks in the middle; a bar is flat
            if w < 4 * h:
                short.append((box, mask))
                continue
            bar = _classify(rgb, box, paper, psat, all_runs, lone_only)
            if bar is not None and bar.track is None and w < 8 * h:
                short.append((box, mask))  # a short lone fill needs company to count
                continue
            if bar is not None:
                bars.append(bar)
                taken.append(bar.box)
    bars += _aligned_short(rgb, short, bars, taken, paper, psat, all_runs)
    bars += _bordered_empty(nonpaper, thin, taken, hmin, hmax, min_len)
    bars = _full_width_fills(bars)
    bars.sort(key=lambda b: (round(b.box.top), b.box.x0))
    return bars


#: Box-average factor that turns a printer's dot screen (up to ~6 px a period at 300 dpi) into
#: flat grey before bars are looked for again (see `find_screened_bars`).
SCREEN_REDUCE = 3


def find_screened_bars(image: Image.Image | np.ndarray, *, text_height: float = 0.0) -> list[Bar]:
    """Bars printed as a halftone dot screen (a greyscale laser print, scanned): no run of solid
    pixels, so `find_bars` sees none. Averaged over blocks of SCREEN_REDUCE pixels and blurred a
    little, the dots become flat greys — a dark fill on a lighter track — and the bars found in
    the reduced image are mapped back. For pages where `find_bars` found none."""
    rgb = _as_rgb(image)
    k = SCREEN_REDUCE
    if min(rgb.shape[:2]) < 40 * k:
        return []
    small = Image.fromarray(rgb).reduce(k).filter(ImageFilter.GaussianBlur(1.0))
    bars = find_bars(small, deskew=False, text_height=text_height / k)

    def up(b: Box | None) -> Box | None:
        return None if b is None else b.scaled(float(k))

    return [Bar(track=up(b.track), fill=up(b.fill), source=b.source, fill_color=b.fill_color) for b in bars]


def _flat_rows(luma: np.ndarray, box: Box) -> bool:
    """The row profile inside a bar (edges excluded) is flat within 14 grey levels in its fill
    part and in its track part alike (check the left and right quarters separately) — or it is
    a vertical gradient (see `_gradient_rows`)."""
    x0, top, x1, bottom = int(box.x0), int(box.top), int(box.x1), int(box.bottom)
    h = bottom - top
    cut = max(1, h // 5)
    if h - 2 * cut < 2:
        return True
    w = x1 - x0
    # a strip at each end, past a rounded cap, narrow enough to lie inside a short fill
    edge = min(h // 2, w // 8)
    strip = max(1, w // 10)
    for a, b in ((x0 + edge, x0 + edge + strip), (x1 - edge - strip, x1 - edge)):
        block = luma[top + cut:bottom - cut, a:b]
        prof = np.median(block, axis=1)
        if float(prof.max()) - float(prof.min()) > 14 and not _gradient_rows(block, prof, h):
            return False
    return True


#: A gradient-filled bar is at least this tall (px); a blurred rule is a few pixels.
GRADIENT_MIN_HEIGHT = 8
#: …and each of its rows is one colour across the bar: 90 % of its pixels within this many grey
#: levels of the row's median (text, even smudged, varies far more along a row).
GRADIENT_ROW_TOL = 12.0


def _gradient_rows(block: np.ndarray, prof: np.ndarray, h: int) -> bool:
    """A fill shaded from top to bottom (a gradient, a glossy highlight): the rows differ, but
    every row is flat along the bar."""
    if h < GRADIENT_MIN_HEIGHT or block.shape[1] < 4:
        return False
    spread = np.abs(block.astype(np.float32) - prof[:, None].astype(np.float32))
    return float(np.percentile(spread, 90)) <= GRADIENT_ROW_TOL


def _aligned_short(rgb, short, bars, taken, paper, psat, runs) -> list[Bar]:
    """Short flat boxes and short lone fills count when a bordered track encloses them, when they
    start where at least two found bars start and are as tall, or when at least three of them
    line up on a common left edge and one is clearly bar-shaped (≥ 6× as long as tall) — a chart
    of lone fills on an axis. Left-aligned blobs of smudged text are never that long."""
    cands: list[Bar] = []
    for box, _mask in short:
        if any(box.v_overlap(t) > 0.5 * box.height and box.h_overlap(t) > 0.5 * box.width for t in taken):
            continue
        bar = _classify(rgb, box, paper, psat, runs, True)
        if bar is None or any(bar.box.v_overlap(c.box) > 0.5 * bar.box.height
                              and bar.box.h_overlap(c.box) > 0.5 * bar.box.width for c in cands):
            continue
        cands.append(bar)

    def aligned(a: Box, b: Box) -> bool:
        return (abs(a.x0 - b.x0) <= max(2.0, a.height / 4)
                and abs(a.height - b.height) <= max(2.0, 0.25 * a.height))

    out: list[Bar] = []
    for bar in cands:
        box = bar.fill or bar.box
        if bar.track is None:
            peers = [b for b in bars if (b.track is not None or b.box.width >= 8 * b.box.height)
                     and aligned(box, b.fill or b.box)]
            group = [c for c in cands if c.track is None and aligned(box, c.fill or c.box)] + [
                b for b in bars if b.track is None and aligned(box, b.fill or b.box)]
            chart_like = len(group) >= 3 and max(c.box.width / c.box.height for c in group) >= 6
            if len(peers) < 2 and not chart_like:
                continue
        out.append(bar)
        taken.append(bar.box)
    return out


def _bordered_empty(mask, thin, taken, hmin, hmax, min_len) -> list[Bar]:
    """An empty bordered track: two rules with the same extent, joined by vertical edges."""
    out: list[Bar] = []
    thin.sort(key=lambda t: t[1])
    used: set[int] = set()
    for i, (ax0, atop, ax1, abot) in enumerate(thin):
        if i in used:
            continue
        for j in range(i + 1, len(thin)):
            bx0, btop, bx1, bbot = thin[j]
            gap = bbot - atop
            if gap > hmax:
                break
            if gap < hmin or abs(ax0 - bx0) > 2 or abs(ax1 - bx1) > 2:
                continue
            x0, x1 = min(ax0, bx0), max(ax1, bx1)
            if x1 - x0 < max(6 * gap, 3 * min_len):
                continue
            box = Box(float(x0), float(atop), float(x1), float(bbot))
            if any(box.v_overlap(t) > 0 and box.h_overlap(t) > 0 for t in taken):
                continue
            left = mask[atop:bbot, max(0, x0 - 1):x0 + 2].any(axis=1).mean()
            right = mask[atop:bbot, max(0, x1 - 2):x1 + 1].any(axis=1).mean()
            inner = mask[abot + 1:btop - 1, x0 + 3:x1 - 3]
            if left < 0.8 or right < 0.8 or (inner.size and inner.mean() > 0.05):
                continue
            out.append(Bar(track=box, fill=None, source="pixels", fill_color=None))
            taken.append(box)
            used.add(j)
            break
    return out


def _full_width_fills(bars: list[Bar]) -> list[Bar]:
    """A lone fill spanning exactly the tracks' common extent is a full bar (fraction 1)."""
    tracks = [b.track for b in bars if b.track is not None]
    if len(tracks) < 2:
        return bars
    x0 = float(np.median([t.x0 for t in tracks]))
    x1 = float(np.median([t.x1 for t in tracks]))
    tol = max(2.0, 0.01 * (x1 - x0))
    out = []
    for b in bars:
        if b.track is None and b.fill is not None and abs(b.fill.x0 - x0) <= tol and abs(b.fill.x1 - x1) <= tol:
            b = Bar(track=b.fill, fill=b.fill, source=b.source, fill_color=b.fill_color)
        out.append(b)
    return out


def _classify(rgb, box: Box, paper: float, psat: float, runs, lone_only: bool) -> Bar | None:
    x0, top, x1, bottom = int(box.x0), int(box.top), int(box.x1), int(box.bottom)
    kind, fill_x1, F, T = _split(rgb, (x0, top, x1, bottom), paper, psat)
    if kind == "text":
        return None
    color = tuple(float(v) / 255.0 for v in F)
    if kind == "split" and not lone_only:
        xm = int((x0 + fill_x1) / 2)
        ftop, fbot = _rows_matching(rgb, xm, top, bottom, F, max(20.0, float(_dist(F, T)) / 2))
        fill = Box(box.x0, float(ftop), float(fill_x1), float(fbot))
        return Bar(track=box, fill=fill, source="pixels", fill_color=color)  # type: ignore[arg-type]
    if kind == "track" and not lone_only:
        return Bar(track=box, fill=None, source="pixels", fill_color=None)
    if kind == "split":  # seen only in the ink mask: a two-colour fill; keep its extent
        pass
    track = _enclosing_track(box, runs)
    return Bar(track=track, fill=box, source="pixels", fill_color=color)  # type: ignore[arg-type]


def _enclosing_track(fill: Box, runs) -> Box | None:
    """A bordered (or taller, lighter) track around a lone fill: long runs just above and below it
    that start where the fill starts and end further right, at the same place."""
    rows, starts, ends = runs
    h = fill.height
    tol = max(3.0, h / 2)
    near_x0 = np.abs(starts - fill.x0) <= tol
    longer = ends > fill.x1 + 2
    above = near_x0 & longer & (rows >= fill.top - h) & (rows < fill.top + 1)
    below = near_x0 & longer & (rows >= fill.bottom - 1) & (rows <= fill.bottom + h)
    if not above.any() or not below.any():
        return None
    ea, eb = ends[above], ends[below]
    ta = float(np.median(ea))
    tb = float(np.median(eb))
    if abs(ta - tb) > tol:
        return None
    x0 = float(min(np.median(starts[above]), np.median(starts[below])))
    return Box(x0, float(rows[above].min()), max(ta, tb), float(rows[below].max() + 1))


def _unrotate(bar: Bar, angle: float, src_size, rot_size) -> Bar:
    def back(b: Box | None) -> Box | None:
        if b is None:
            return None
        cx, cy = _rot_point(b.cx, b.cy, angle, src_size, rot_size)
        return Box(cx - b.width / 2, cy - b.height / 2, cx + b.width / 2, cy + b.height / 2)

    if bar.track is not None and bar.fill is not None:
        # keep the fill anchored at the track's left edge in the original frame
        t = back(bar.track)
        f = back(bar.fill)
        assert t is not None and f is not None
        dx = t.x0 - f.x0 + (bar.fill.x0 - bar.track.x0)
        f = Box(f.x0 + dx, t.top + (bar.fill.top - bar.track.top),
                f.x1 + dx, t.top + (bar.fill.bottom - bar.track.top))
        return Bar(track=t, fill=f, source=bar.source, fill_color=bar.fill_color)
    return Bar(track=back(bar.track), fill=back(bar.fill), source=bar.source, fill_color=bar.fill_color)
