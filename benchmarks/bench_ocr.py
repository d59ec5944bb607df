#!/usr/bin/env python3
"""OCR overhead benchmark (not a test): our image extraction vs bare Tesseract on the same image.

    OMP_THREAD_LIMIT=1 .venv/bin/python benchmarks/bench_ocr.py [IMAGE] [--runs N]

Times `scorereader.extract.ocr.extract_image(IMAGE)` (load, preprocess, bar finding, one Tesseract
call, TSV → IR) against bare `pytesseract.image_to_data` on the very image our path hands to
Tesseract (already preprocessed, same --psm/--dpi, OMP_THREAD_LIMIT=1: the fastest bare set-up).
Medians of N runs (default 5) after one warm-up run of each. Target: ratio ≤ 1.20.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pytesseract  # noqa: E402

from scorereader.extract import ocr  # noqa: E402
from scorereader.extract.images import load_image  # noqa: E402
from scorereader.extract.pixels import find_bars  # noqa: E402
from scorereader.extract.preprocess import prepare  # noqa: E402

def tesseract_config(image) -> str:
    """The flags scorereader.extract.ocr runs first: --psm 3 and the --dpi it estimates."""
    return f"--psm 3 --dpi {image.info.get('dpi', (300, 300))[0]}"
DEFAULT = ROOT / "fixtures" / "images" / "sc300-fail-wrapped-screenshot1x.png"


def median_time(fn, runs: int) -> tuple[float, list[float]]:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("image", nargs="?", default=str(DEFAULT))
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    path = Path(args.image)

    gray = ocr.tesseract_input(path)  # the exact image our path gives Tesseract
    prep = prepare(load_image(path))
    config = tesseract_config(gray)

    ours, ours_all = median_time(lambda: ocr.extract_image(path), args.runs)
    bare, bare_all = median_time(
        lambda: pytesseract.image_to_data(gray, lang=ocr.LANG, config=config), args.runs)

    t0 = time.perf_counter()
    prep2 = prepare(load_image(path))
    t1 = time.perf_counter()
    find_bars(prep2.rgb, deskew=False)
    t2 = time.perf_counter()

    doc = ocr.extract_image(path)
    page = doc.pages[0]
    print(f"image            {path.name}  {prep.width}×{prep.height} page px → OCR image {gray.width}×{gray.height} "
          f"(scale {prep.scale:.2f}, skew {prep.skew:+.2f}°)")
    print(f"read             {len(page.words)} words, {len(page.bars)} bars, warnings: {doc.warnings or 'none'}")
    print(f"ours             median {ours:.3f} s   runs {', '.join(f'{t:.3f}' for t in ours_all)}")
    print(f"bare tesseract   median {bare:.3f} s   runs {', '.join(f'{t:.3f}' for t in bare_all)}")
    print(f"  of ours: load+prepare {t1 - t0:.3f} s, bar finding {t2 - t1:.3f} s")
    ratio = ours / bare
    print(f"ratio ours/bare  {ratio:.2f}  ({(ratio - 1) * 100:+.0f} % overhead; target ≤ +20 %)")
    return 0 if ratio <= 1.20 else 1


if __name__ == "__main__":
    sys.exit(main())
