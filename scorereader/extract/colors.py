"""PDF colours (gray, RGB, CMYK tuples or scalars) normalized to RGB 0–1 for comparison."""
from __future__ import annotations

from typing import Any

RGB = tuple[float, float, float]


def to_rgb(color: Any) -> RGB | None:
    if color is None:
        return None
    if isinstance(color, (int, float)):
        color = (color,)
    try:
        vals = [float(v) for v in color]
    except (TypeError, ValueError):
        return None  # pattern or named colour space we cannot compare
    if len(vals) == 1:
        return (vals[0],) * 3  # type: ignore[return-value]
    if len(vals) == 3:
        return (vals[0], vals[1], vals[2])
    if len(vals) == 4:
        c, m, y, k = vals
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    return None


def luminance(rgb: RGB) -> float:
    r, g, b = rgb
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def saturation(rgb: RGB) -> float:
    return max(rgb) - min(rgb)


def is_light_neutral(rgb: RGB | None) -> bool:
    """Track colours: white or light grey, barely saturated."""
    return rgb is not None and luminance(rgb) >= 0.72 and saturation(rgb) <= 0.12


def same_color(a: RGB | None, b: RGB | None, tol: float = 0.06) -> bool:
    if a is None or b is None:
        return a is b
    return all(abs(x - y) <= tol for x, y in zip(a, b))
