"""Benchmark `scorereader batch`: throughput, speed-up with a second worker, and memory per worker.

    python benchmarks/bench_batch.py            # 500 text reports + 50 images, --jobs 1 and 2
    python benchmarks/bench_batch.py --quick    # 40 text reports + 6 images

Inputs are generated in a temp folder:
- text reports: the fixture scenarios (fixtures/scenarios.py) drawn again by the fixture generator with
  a different candidate for each copy, so every file has its own hash and the cohort has many people;
- image reports: the raster fixtures (fixtures/images: PNG, JPEG, WEBP, TIFF) re-saved with one pixel
  changed, so hashes differ and each is really read with OCR.

Every run uses --force (no manifest shortcuts). Memory: each worker reports its own peak RSS
(getrusage(RUSAGE_SELF).ru_maxrss, read back from summary.json); the bench also shows
getrusage(RUSAGE_CHILDREN).ru_maxrss, the largest process of the whole run (main process included).
Targets: ≥ 1.8× speed-up on 2 cores, < 250 MB per worker.
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "fixtures"
RASTER = (".png", ".jpg", ".jpeg", ".webp", ".tif", ".tiff")
FIRST = ["Ana", "Ben", "Chloe", "Dev", "Eva", "Farid", "Grace", "Hugo", "Ines", "Jamal", "Kira", "Liam",
         "Maya", "Noah", "Olga", "Pedro", "Quinn", "Rosa", "Sami", "Tara", "Uma", "Victor", "Wen", "Yara"]
LAST = ["Smith", "Okafor", "Nguyen", "Kowalski", "Rossi", "Haddad", "Tanaka", "Garcia", "Oneil", "Berg"]


def make_text_reports(out: Path, n: int) -> int:
    sys.path.insert(0, str(FIX))
    import gen_text  # noqa: PLC0415 - the fixture generator
    import scenarios

    out.mkdir(parents=True, exist_ok=True)
    base = [s for s in scenarios.SCENARIOS if isinstance(s.get("candidate"), tuple) and len(s["candidate"]) == 3]
    for i in range(n):
        sc = copy.deepcopy(base[i % len(base)])
        sc["name"] = f"t{i:04d}-{sc['name']}"
        sc["candidate"] = (f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]} {i}",
                           str(300000000 + i * 7), str(600000000 + i))
        gen_text.build_one(sc, out)
        (out / f"{sc['name']}.expected.json").unlink()
    return n


def make_image_reports(out: Path, n: int) -> int:
    from PIL import Image

    sources = sorted(p for p in (FIX / "images").glob("*") if p.suffix.lower() in RASTER)
    if not sources:
        return 0
    out.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        src = sources[i % len(sources)]
        with Image.open(src) as im:
            im.load()
            im = im.copy()
        x, y = i % max(1, im.width), (i // max(1, im.width)) % max(1, im.height)
        px = im.getpixel((x, y))
        im.putpixel((x, y), tuple((c + 1) % 256 for c in px) if isinstance(px, tuple) else (px + 1) % 256)
        kw = {"quality": 92} if src.suffix.lower() in (".jpg", ".jpeg", ".webp") else {}
        im.save(out / f"i{i:03d}-{src.name}", **kw)
    return n


def run(folder: Path, jobs: int, timeout: float) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "scorereader", "batch", str(folder), "--recursive", "--force",
                           "--jobs", str(jobs), "--timeout", str(timeout)],
                          capture_output=True, text=True, env=env, cwd=ROOT)
    wall = time.perf_counter() - t0
    children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode not in (0, 5):
        sys.exit(f"batch --jobs {jobs} failed with exit code {proc.returncode}:\n{proc.stderr}")
    summary = json.loads((folder / "scorereader-out" / "summary.json").read_text())
    return {"jobs": jobs, "wall": wall, "files": len(summary["rows"]), "counts": summary["counts"],
            "worker_rss_mb": summary["run"]["worker_peak_rss_mb"],
            "children_rss_mb": round(max(children_kb, before) / 1024, 1), "work": summary["run"]["work"],
            "failed": [(r["file"], r["error"]) for r in summary["rows"] if r["status"] == "failed"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="40 text reports + 6 images instead of 500 + 50")
    ap.add_argument("--text", type=int, default=None, help="number of text reports")
    ap.add_argument("--images", type=int, default=None, help="number of image reports")
    ap.add_argument("--jobs", default="1,2", help="comma-separated --jobs values to compare (default 1,2)")
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--keep", action="store_true", help="keep the generated folder")
    args = ap.parse_args()
    n_text = args.text if args.text is not None else (40 if args.quick else 500)
    n_img = args.images if args.images is not None else (6 if args.quick else 50)
    jobs = [int(j) for j in args.jobs.split(",")]

    tmp = Path(tempfile.mkdtemp(prefix="scorereader-bench-"))
    try:
        t0 = time.perf_counter()
        made_text = make_text_reports(tmp / "text", n_text)
        made_img = make_image_reports(tmp / "images", n_img)
        print(f"generated {made_text} text + {made_img} image reports in {time.perf_counter() - t0:.1f} s "
              f"({tmp}); cores: {os.cpu_count()}", file=sys.stderr)
        results = []
        for j in jobs:
            print(f"running --jobs {j} …", file=sys.stderr)
            results.append(run(tmp, j, args.timeout))
        base = results[0]["wall"]
        print()
        print("| --jobs | files | wall (s) | files/s | speed-up | peak RSS per worker (MB) | largest process (MB) | failed |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in results:
            print(f"| {r['jobs']} | {r['files']} | {r['wall']:.1f} | {r['files'] / r['wall']:.2f} | "
                  f"{base / r['wall']:.2f}× | {r['worker_rss_mb']} | {r['children_rss_mb']} | "
                  f"{r['counts']['failed']} |")
        print()
        print("Peak RSS per worker: getrusage(RUSAGE_SELF).ru_maxrss reported by each worker (summary.json "
              "run.worker_peak_rss_mb); largest process: getrusage(RUSAGE_CHILDREN).ru_maxrss of the bench "
              "(cumulative maximum over runs; psutil not used).")
        print("Targets: ≥ 1.8× speed-up on 2 cores; < 250 MB per worker.")
        for r in results[:1]:
            for f, e in r["failed"][:10]:
                print(f"- failed: {f}: {e}")
    finally:
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
