"""The bar finder on synthetic charts: colours, with/without track, rounded, JPEG, blur, rotation."""
from __future__ import annotations

import pytest

from scorereader.extract.pixels import find_bars
from synth import blur, chart, jpeg, rotate, text_page

FRACTIONS = [0.42, 0.8, 0.15, 0.63, 1.0, 0.05, 0.0]
TOL = 0.03


def _fractions(bars, track_width: float | None = None):
    out = []
    for b in bars:
        if b.fraction is not None:
            out.append(b.fraction)
        else:  # lone fill: against the known full width
            out.append((b.fill.x1 - b.fill.x0) / track_width)
    return out


def _check(bars, expected, track_width=None):
    got = _fractions(bars, track_width)
    assert len(got) == len(expected), got
    for g, e in zip(got, expected):
        assert abs(g - e) <= TOL, (got, expected)
    assert all(b.source == "pixels" for b in bars)


@pytest.mark.parametrize("name,kwargs", [
    ("blue", {}),
    ("green-rounded", {"fill": (16, 124, 16), "rounded": True}),
    ("orange", {"fill": (230, 140, 0)}),
    ("dark-grey-on-grey", {"fill": (60, 60, 60), "track": (215, 215, 215)}),
    ("light-blue", {"fill": (158, 202, 225), "track": (235, 235, 235)}),
    ("purple-bordered-white-track", {"fill": (120, 40, 160), "track": (255, 255, 255), "border": (120, 120, 120)}),
    ("2x-red", {"fill": (200, 30, 30), "scale": 2.0}),
])
def test_colours_and_tracks(name, kwargs):
    _check(find_bars(chart(FRACTIONS, **kwargs)), FRACTIONS)


def test_lone_fills_without_track():
    fr = [0.42, 0.8, 0.15, 0.63, 1.0, 0.05]
    bars = find_bars(chart(fr, track=None, fill=(200, 60, 40)))
    assert all(b.track is None for b in bars if b.fill.width < 500)
    _check(bars, fr, track_width=520)


def test_fill_starts_at_track_left_edge():
    for b in find_bars(chart([0.3, 0.7])):
        assert abs(b.fill.x0 - b.track.x0) <= 1
        assert b.fill_color is not None and b.fill_color[2] > b.fill_color[0]  # blue


@pytest.mark.parametrize("quality", [30, 60])
def test_jpeg(quality):
    _check(find_bars(jpeg(chart(FRACTIONS, fill=(230, 140, 0)), quality)), FRACTIONS)


def test_blur():
    _check(find_bars(blur(chart(FRACTIONS), 1.5)), FRACTIONS)


@pytest.mark.parametrize("deg", [3.0, -3.0])
def test_rotated_3_degrees(deg):
    bars = find_bars(rotate(chart(FRACTIONS, rounded=True), deg))
    _check(bars, FRACTIONS)
    tops = [b.box.top for b in bars]
    assert tops == sorted(tops)


def test_rotated_jpeg_blurred_2x():
    im = jpeg(blur(rotate(chart(FRACTIONS, scale=2, fill=(0, 150, 136)), -2.5), 1.0), 50)
    _check(find_bars(im), FRACTIONS)


def test_no_bars_in_text_only_image():
    assert find_bars(text_page()) == []


def test_no_bars_in_blurred_text_or_rules():
    assert find_bars(blur(text_page(), 1.5)) == []
    assert find_bars(jpeg(text_page(), 40)) == []


def test_numpy_input_and_tiny_images():
    import numpy as np

    assert len(find_bars(np.asarray(chart([0.5, 0.25])))) == 2
    assert find_bars(np.full((2, 5, 3), 255, dtype=np.uint8)) == []


def test_banded_helpers_match_whole_image_versions():
    import numpy as np
    from PIL import Image

    from scorereader.extract import pixels

    rng = np.random.default_rng(1)
    rgb = rng.integers(0, 256, (700, 333, 3), dtype=np.uint8)  # taller than a few bands
    whole = np.asarray(Image.fromarray(rgb, "RGB").convert("L"))
    assert np.array_equal(pixels.luma_of(rgb), whole)
    assert np.array_equal(pixels.array_of(Image.fromarray(rgb, "RGB")), rgb)
    sat = rgb.max(axis=2) - rgb.min(axis=2)
    assert np.array_equal(pixels._sat_of(rgb), sat)
    mask = rng.random((300, 400)) < 0.6
    for gap in (0, 2):
        closed = pixels._close_gaps(mask) if gap else mask
        old_h, old_w = closed.shape
        padded = np.zeros((old_h, old_w + 2), dtype=bool)
        padded[:, 1:-1] = closed
        tr, tc = np.nonzero(padded[:, 1:] != padded[:, :-1])
        keep = (tc[1::2] - tc[0::2]) >= 5
        want = (tr[0::2][keep], tc[0::2][keep], tc[1::2][keep])
        got = pixels._long_runs(mask, 5, gap=gap)
        assert all(np.array_equal(a, b) for a, b in zip(got, want))
