#!/usr/bin/env python3
"""`make bench`: scorereader against the raw libraries doing the same work, side by side.

Each figure is a median of N runs after a warm-up, and each comparison runs both sides in the same
process (or the same way as a process), on the same file, back to back. The table is printed and
written to benchmarks/RESULTS.md with the machine and library versions.

    .venv/bin/python benchmarks/run.py [--runs 5] [--batch quick|default|full|skip]
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # Tesseract: fastest here (see tech notes)
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

TEXT_PDF = ROOT / "fixtures" / "text" / "az104-fail-classic.pdf"
SCREENSHOT = ROOT / "fixtures" / "images" / "sc300-fail-wrapped-screenshot1x.png"
SCAN_PDF = ROOT / "fixtures" / "images" / "az104-old-outline-2022-scan300.pdf"
# replicas of the real report: era C (every bold run drawn four times) and era 0 (picture bars)
REAL_PDFS = [ROOT / "fixtures" / "real" / "rC-ai900-pass-2025.pdf", ROOT / "fixtures" / "real" / "r0-70486-fail-2016.pdf"]
PY = sys.executable


@dataclass
class Row:
    what: str
    ours: float
    bare: float
    target: float | None
    unit: str = "s"
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.ours / self.bare if self.bare else float("nan")

    def cells(self) -> list[str]:
        ok = "" if self.target is None else ("✔" if self.ratio <= self.target else "✘")
        tgt = "" if self.target is None else f"≤ {self.target:.1f}×"
        return [self.what, f"{self.ours * 1000:.0f} ms", f"{self.bare * 1000:.0f} ms",
                f"{self.ratio:.2f}×", f"{tgt} {ok}".strip(), self.note]


def median(fn, runs: int) -> float:
    """Median of `runs` timings after one warm-up (bench_ocr's timer)."""
    from bench_ocr import median_time

    return median_time(fn, runs)[0]


def proc(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def interleaved(ours, bare, runs: int) -> tuple[float, float]:
    """Medians of `runs` timings of each side, run alternately (ours, bare, ours, …) after one
    warm-up of each: on a shared machine a burst of load then hits both sides alike."""
    import statistics
    import time

    ours(), bare()
    a: list[float] = []
    b: list[float] = []
    for _ in range(runs):
        for fn, out in ((ours, a), (bare, b)):
            t0 = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t0)
    return statistics.median(a), statistics.median(b)


# --------------------------------------------------------------------------- sections

def bench_text(runs: int) -> list[Row]:
    import pdfplumber

    from scorereader.pipeline import parse_file

    def bare() -> None:
        with pdfplumber.open(TEXT_PDF) as pdf:
            for page in pdf.pages:
                page.extract_words(), page.rects, page.curves, page.lines

    in_proc = Row("text PDF parse, in process", median(lambda: parse_file(TEXT_PDF), runs),
                  median(bare, runs), 1.3, note="parse_file vs open + words + rects/curves/lines")
    script = ("import sys, pdfplumber\nwith pdfplumber.open(sys.argv[1]) as pdf:\n"
              "    for p in pdf.pages: p.extract_words(); p.rects; p.curves; p.lines\n")
    cli = Row("text PDF parse, whole command", median(lambda: proc([PY, "-m", "scorereader", "parse", "--json",
                                                                    str(TEXT_PDF)]), runs),
              median(lambda: proc([PY, "-c", script, str(TEXT_PDF)]), runs), 1.3,
              note="`scorereader parse --json` vs a bare pdfplumber script")
    return [in_proc, cli]


def bench_real(runs: int) -> list[Row]:
    """The real report's replicas: parse vs a bare pdfplumber script that opens the file and
    extracts words and rects (the issue's yardstick), in process, same file, back to back."""
    import pdfplumber

    from scorereader.pipeline import parse_file

    rows = []
    for path in REAL_PDFS:
        if not path.exists():
            continue

        def bare(path: Path = path) -> None:
            with pdfplumber.open(path) as pdf:
                for page in pdf.pages:
                    page.extract_words(), page.rects

        rows.append(Row(f"real report replica {path.stem}", median(lambda: parse_file(path), runs),
                        median(bare, runs), 1.5, note="parse_file vs open + words + rects"))
    return rows


def bench_ocr(runs: int) -> list[Row]:
    import pytesseract
    from bench_ocr import tesseract_config

    from scorereader.extract import ocr
    from scorereader.pipeline import parse_file

    rows = []
    for label, path in (("OCR parse, 1× screenshot", SCREENSHOT), ("OCR parse, 300 dpi scanned page", SCAN_PDF)):
        if not path.exists():
            continue
        image = ocr.tesseract_input(path)  # the very image our path hands Tesseract
        ours = median(lambda: parse_file(path), runs)
        bare = median(lambda: pytesseract.image_to_data(image, lang=ocr.LANG, config=tesseract_config(image)), runs)
        rows.append(Row(label, ours, bare, 1.2, note="parse_file vs bare image_to_data on the same image"))
    if SCREENSHOT.exists():
        rows += bench_ocr_whole(runs)
    return rows


def bench_ocr_whole(runs: int) -> list[Row]:
    """The user's view: the whole `scorereader parse` command on a 1× screenshot against the
    plainest Tesseract run on the very file (`tesseract IMAGE stdout`, single thread); and the
    cost of pytesseract itself: our wrapper's call against the bare command on the same PGM file
    with the same flags."""
    from scorereader.extract import ocr, tesseract

    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    binary = tesseract.binary()

    def run(cmd: list[str]) -> None:
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)

    ours, bare = interleaved(lambda: run([PY, "-m", "scorereader", "parse", str(SCREENSHOT)]),
                             lambda: run([binary, str(SCREENSHOT), "stdout"]), runs)
    rows = [Row("OCR parse, 1× screenshot vs bare `tesseract IMAGE stdout` on the original image, single thread",
                ours, bare, 1.3, note="whole `scorereader parse` command vs the bare command, interleaved")]
    image = ocr.tesseract_input(SCREENSHOT)
    with tempfile.NamedTemporaryFile(suffix=".pgm", delete=False) as fh:
        for chunk in tesseract.pgm_chunks(image):
            fh.write(chunk)
    try:
        ours, bare = interleaved(lambda: tesseract.run(image, psm=3, dpi=image.info["dpi"][0]),
                                 lambda: run([binary, fh.name, "stdout", "-l", ocr.LANG, "--psm", "3",
                                              "--dpi", str(image.info["dpi"][0]), "tsv"]), runs)
    finally:
        os.unlink(fh.name)
    rows.append(Row("Tesseract through pytesseract (write PGM + call + read TSV) vs the bare command", ours, bare,
                    1.1, note="same image, same flags, single thread, interleaved"))
    return rows


def bench_render(runs: int) -> list[Row]:
    import weasyprint

    from scorereader.pipeline import read_report
    from scorereader.plan.planner import PlanOptions, build_plan
    from scorereader.render.html import render_html
    from scorereader.render.pdf import render_pdf

    report = read_report(TEXT_PDF)
    plan = build_plan(report, PlanOptions(start=dt.date(2026, 6, 1)))
    html = render_html(plan)

    def ours() -> None:
        render_pdf(build_plan(report, PlanOptions(start=dt.date(2026, 6, 1))))

    def bare() -> None:
        weasyprint.HTML(string=html, base_url=str(ROOT / "templates") + "/").write_pdf()

    return [Row("plan render (plan + HTML + PDF)", median(ours, runs), median(bare, runs), 1.3,
                note=f"vs bare WeasyPrint on the same {len(html) // 1024} KB HTML")]


def bench_startup(runs: int) -> list[Row]:
    click = median(lambda: proc([PY, "-c", "import click"]), runs)
    return [Row("`scorereader --help`", median(lambda: proc([PY, "-m", "scorereader", "--help"]), runs), click, 1.5,
                note="vs `python -c 'import click'`"),
            Row("`scorereader --version`", median(lambda: proc([PY, "-m", "scorereader", "--version"]), runs), click,
                1.5, note="vs `python -c 'import click'`")]


BATCH_SCALES = {"quick": ["--quick"], "default": ["--text", "250", "--images", "25"], "full": []}


def bench_batch(scale: str) -> str:
    """The batch benchmark is its own script (it builds hundreds of inputs); we embed its table.

    `make bench` runs 250 text + 25 image reports at 1 and 2 jobs so the whole run stays under ten
    minutes on 2 cores; `--batch full` runs the issue's 500 + 50 (about 14 minutes here).
    """
    cmd = [PY, str(ROOT / "benchmarks" / "bench_batch.py"), *BATCH_SCALES[scale]]
    out = subprocess.run(cmd, capture_output=True, text=True)
    return out.stdout.strip() or f"(bench_batch.py failed: {out.stderr.strip()[-400:]})"


# --------------------------------------------------------------------------- report

def machine() -> str:
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    tess = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.splitlines()[:1]
    libs = ", ".join(f"{n} {version(n)}" for n in ("pdfplumber", "pytesseract", "pillow", "weasyprint",
                                                  "jinja2", "click", "rapidfuzz", "pypdfium2"))
    return (f"- Machine: {os.cpu_count()} cores, {cpu}; Python {platform.python_version()}\n"
            f"- {tess[0] if tess else 'tesseract: not found'}; OMP_THREAD_LIMIT={os.environ.get('OMP_THREAD_LIMIT')}\n"
            f"- {libs}\n- Run {dt.datetime.now().isoformat(timespec='minutes')}")


def table(rows: list[Row]) -> str:
    head = ["work", "scorereader", "bare library", "ratio", "target", "compared with"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r.cells()) + " |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--batch", choices=[*BATCH_SCALES, "skip"], default="default",
                    help="batch size: quick (46 files), default (275), full (550), or skip")
    args = ap.parse_args(argv)

    rows: list[Row] = []
    for section in (bench_startup, bench_text, bench_real, bench_ocr, bench_render):
        print(f"… {section.__name__}", file=sys.stderr)
        rows += section(args.runs)
    text = f"# Benchmarks\n\n{machine()}\n\nMedians of {args.runs} runs after a warm-up.\n\n{table(rows)}\n"
    print(table(rows))
    if args.batch != "skip":
        print(f"… batch ({args.batch})", file=sys.stderr)
        batch = bench_batch(args.batch)
        print(batch)
        text += f"\n## Batch\n\n{batch}\n"
    notes = ROOT / "benchmarks" / "NOTES.md"
    if notes.exists():
        text += "\n" + notes.read_text()
    with tempfile.NamedTemporaryFile("w", dir=ROOT / "benchmarks", delete=False, suffix=".tmp") as fh:
        fh.write(text)
    os.replace(fh.name, ROOT / "benchmarks" / "RESULTS.md")
    print(f"\nwritten: {ROOT / 'benchmarks' / 'RESULTS.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
