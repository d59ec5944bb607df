"""Safe image loading: sniff the type from magic bytes, refuse huge images before decoding.

`Image.open` only reads the header, so the pixel count is checked against `MAX_IMAGE_PIXELS`
before any pixel is decoded; Pillow's own decompression-bomb warning/error becomes
`InputTooLarge` as well. Loaded images come back upright (EXIF orientation applied), with alpha
flattened onto white, in RGB.
"""
from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from scorereader.errors import InputTooLarge, InputUnreadable

from scorereader import limits as _limits

#: Largest image we decode, in pixels (a 300-dpi A4/letter page is ~8.7 MP; a 4K screenshot 8.3 MP).
#: The project-wide setting is scorereader.limits.MAX_IMAGE_PIXELS; the environment variable
#: SCOREREADER_MAX_PIXELS overrides it.
MAX_IMAGE_PIXELS = int(os.environ.get("SCOREREADER_MAX_PIXELS", _limits.MAX_IMAGE_PIXELS))
T = TypeVar("T")

#: Frames read from a multi-page TIFF.
MAX_FRAMES = 20

IMAGE_TYPES = frozenset({"png", "jpeg", "tiff", "webp", "gif", "bmp"})
_PIL_FORMATS = {"png": "PNG", "jpeg": "JPEG", "tiff": "TIFF", "webp": "WEBP", "gif": "GIF", "bmp": "BMP"}


def sniff_type(path: str | Path) -> str | None:
    """The content type from the file's first bytes (see `scorereader.detect.sniff`)."""
    from ..detect import sniff

    try:
        with open(path, "rb") as fh:
            head = fh.read(2048)
    except OSError as err:
        raise InputUnreadable(f"{path}: cannot be opened ({err.strerror or err}).") from err
    return sniff(head)


def _too_large(path: str | Path, w: int, h: int) -> InputTooLarge:
    return InputTooLarge(
        f"{path}: the image is {w}×{h} pixels ({w * h / 1e6:.0f} megapixels), more than the "
        f"{MAX_IMAGE_PIXELS / 1e6:.0f}-megapixel limit (SCOREREADER_MAX_PIXELS)."
    )


def _bomb(path: str | Path, err: Exception) -> InputTooLarge:
    """Pillow's decompression-bomb warning/error as our one sentence."""
    import re

    m = re.search(r"\((\d+) pixels\)", str(err))
    size = f" ({int(m.group(1)) / 1e6:.0f} megapixels)" if m else ""
    return InputTooLarge(
        f"{path}: the image is too large to decode safely{size}; the limit is "
        f"{min(MAX_IMAGE_PIXELS, Image.MAX_IMAGE_PIXELS or MAX_IMAGE_PIXELS) / 1e6:.0f} megapixels.")


def check_size(path: str | Path, w: int, h: int) -> None:
    """Raise InputTooLarge when a w×h image exceeds the limit (or Tesseract's 32767-px side limit)."""
    if w <= 0 or h <= 0:
        raise InputUnreadable(f"{path}: the image has no pixels ({w}×{h}).")
    if w * h > MAX_IMAGE_PIXELS or max(w, h) > 32767:
        raise _too_large(path, w, h)


def flatten(im: Image.Image) -> Image.Image:
    """RGB with any transparency composited onto white."""
    if im.mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    if im.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        im = im.convert("RGBA")
        bg = Image.new("RGB", im.size, (255, 255, 255))
        bg.paste(im, mask=im.getchannel("A"))
        return bg
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit greyscale: scale to 8 bits rather than clip
        import numpy as np

        a = np.asarray(im, dtype=np.float32)
        top = float(a.max()) or 1.0
        im = Image.fromarray((a * (255.0 / max(top, 255.0))).clip(0, 255).astype("uint8"), "L")
    if im.mode != "RGB":
        im = im.convert("RGB")
    return im


def load_images(path: str | Path, *, max_frames: int = MAX_FRAMES) -> list[Image.Image]:
    """Every page (frame) of an image file as upright RGB images; checks size before decoding."""
    _count, frames = iter_images(path, max_frames=max_frames)
    out = list(frames)
    if not out:
        raise InputUnreadable(f"{path}: the image has no frames.")
    return out


def iter_images(path: str | Path, *, max_frames: int = MAX_FRAMES) -> tuple[int, Iterator[Image.Image]]:
    """(number of frames, the frames one at a time) — like `load_images`, but only one decoded
    frame is alive at a time (a 20-page TIFF is not held in memory at once). The header, type and
    size are checked before this returns; a frame that fails to decode raises when reached."""
    kind = sniff_type(path)
    if kind is None or kind not in IMAGE_TYPES:
        what = "a PDF" if kind == "pdf" else "not a supported image (PNG, JPEG, WEBP, TIFF)"
        raise InputUnreadable(f"{path}: is {what}.")
    im = _guarded(path, kind, lambda: _open(path, kind))
    try:
        count = 1
        if kind == "tiff":  # animated GIF/WEBP/APNG: the first frame is the picture
            count = max(1, min(max_frames, _guarded(path, kind, lambda: int(getattr(im, "n_frames", 1)))))
    except BaseException:
        im.close()
        raise
    return count, _frames(path, kind, im, count)


def load_frame(path: str | Path, index: int) -> Image.Image:
    """Frame `index` (0-based) of an image file, decoded alone (as `load_images` would give it)."""
    kind = sniff_type(path)
    if kind is None or kind not in IMAGE_TYPES:
        raise InputUnreadable(f"{path}: is not a supported image (PNG, JPEG, WEBP, TIFF).")
    im = _guarded(path, kind, lambda: _open(path, kind))
    try:
        frame = _guarded(path, kind, lambda: _frame(path, im, index))
    finally:
        im.close()
    if frame is None:
        raise InputUnreadable(f"{path}: the image has no frame {index + 1}.")
    return frame


def _frames(path: str | Path, kind: str, im: Image.Image, count: int) -> Iterator[Image.Image]:
    try:
        for n in range(count):
            frame = _guarded(path, kind, lambda: _frame(path, im, n))
            if frame is None:
                break
            if n == count - 1:
                im.close()  # the decoded source frame goes now, not after the caller's work
            handed = [frame]
            del frame
            yield handed.pop()  # no reference left here while the caller works on it
    finally:
        im.close()


def _guarded(path: str | Path, kind: str, fn: Callable[[], T]) -> T:
    """Run `fn` with Pillow's bomb warning as an error, truncated images refused, and Pillow's
    errors turned into ours."""
    # WeasyPrint sets Pillow's global LOAD_TRUNCATED_IMAGES = True on import (batch runs render
    # plans in the same process); a truncated input must still be refused, not read as black.
    truncated_ok = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            try:
                return fn()
            except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
                raise _bomb(path, err) from err
            except (InputTooLarge, InputUnreadable):
                raise
            except (OSError, SyntaxError, ValueError, EOFError) as err:
                raise InputUnreadable(
                    f"{path}: the {kind.upper()} image is corrupt or truncated ({err}).") from err
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated_ok


def _open(path: str | Path, kind: str) -> Image.Image:
    try:
        im = Image.open(path, formats=[_PIL_FORMATS[kind]])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise
    except ValueError as err:
        if "too large" in str(err).lower():  # a text chunk that inflates to megabytes
            raise InputTooLarge(f"{path}: the image holds metadata too large to decode safely.") from err
        raise InputUnreadable(f"{path}: the {kind.upper()} image is corrupt or unsupported ({err}).") from err
    except (UnidentifiedImageError, OSError, SyntaxError) as err:
        raise InputUnreadable(f"{path}: the {kind.upper()} image is corrupt or unsupported ({err}).") from err
    try:
        check_size(path, *im.size)
    except BaseException:
        im.close()
        raise
    return im


def _frame(path: str | Path, im: Image.Image, n: int) -> Image.Image | None:
    """Frame `n` decoded, upright, flattened to RGB; None past the last frame."""
    if n:
        try:
            im.seek(n)
        except EOFError:
            return None
    check_size(path, *im.size)
    im.load()
    frame = ImageOps.exif_transpose(im) or im
    out = flatten(frame)
    if out is im:  # keep no reference to the open file's current frame
        out = im.copy()
    return out


def load_image(path: str | Path) -> Image.Image:
    """The first page of an image file (see `load_images`)."""
    return load_images(path, max_frames=1)[0]
