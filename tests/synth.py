"""Synthetic score-report charts drawn with Pillow, for the OCR and bar-finder tests."""
from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def font(size: int) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(FONT, size)
    except OSError:  # pragma: no cover - font missing
        return ImageFont.load_default(size=size)


def chart(fractions, *, fill=(0, 120, 212), track=(230, 230, 230), size=(900, 520), bar_h=16,
          x0=300, width=520, rounded=False, labels=True, border=None, scale=1.0, bg=(255, 255, 255),
          text_color=(30, 30, 30)) -> Image.Image:
    """One row per fraction: a label on the left, a bar on the right."""
    s = scale
    im = Image.new("RGB", (int(size[0] * s), int(size[1] * s)), bg)
    d = ImageDraw.Draw(im)
    f = font(int(14 * s))
    d.text((int(20 * s), int(20 * s)), "Skill area performance", fill=text_color, font=font(int(20 * s)))
    for i, fr in enumerate(fractions):
        y = (70 + i * 60) * s
        if labels:
            d.text((int(20 * s), int(y)), f"Manage area number {i + 1} (20-25%)", fill=text_color, font=f)
        bx0, bx1 = x0 * s, (x0 + width) * s
        by0, by1 = y, y + bar_h * s
        r = (bar_h * s) / 2 if rounded else 0
        if track is not None:
            d.rounded_rectangle((bx0, by0, bx1 - 1, by1 - 1), radius=r, fill=track,
                                outline=border, width=max(1, int(s)) if border else 0)
        if fr > 0 and fill is not None:
            fx1 = bx0 + (bx1 - bx0) * fr
            d.rounded_rectangle((bx0, by0, fx1 - 1, by1 - 1), radius=r, fill=fill)
    return im


def jpeg(im: Image.Image, quality: int = 60) -> Image.Image:
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=quality)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def blur(im: Image.Image, radius: float = 1.5) -> Image.Image:
    return im.filter(ImageFilter.GaussianBlur(radius))


def rotate(im: Image.Image, deg: float) -> Image.Image:
    return im.rotate(deg, resample=Image.BICUBIC, expand=True, fillcolor=(255, 255, 255))


def text_page(size=(900, 600)) -> Image.Image:
    im = Image.new("RGB", size, "white")
    d = ImageDraw.Draw(im)
    f = font(16)
    for i in range(14):
        d.text((30, 30 + i * 38), "Microsoft Azure Administrator score report, candidate ID 1234567 - "
               "passing score 700 and more words.", fill=(20, 20, 20), font=f)
    d.line((30, 570, 870, 570), fill=(120, 120, 120), width=2)
    return im
