"""The one place Tesseract is run (through pytesseract), like OCRmyPDF's `_exec/tesseract.py`.

Nothing else builds its command line. Every call:

* hands Tesseract a temporary binary **PGM** file, written a band of rows at a time (no PNG
  encoding, no image-sized bytes object; not stdin, which Tesseract reads a byte at a time);
  pytesseract takes a file path as is, so it adds no encoding of its own;
* runs it **single-threaded** (`OMP_THREAD_LIMIT=1`: 4–5× faster than the OpenMP default on
  small shared machines; `SCOREREADER_OMP_THREAD_LIMIT` overrides);
* passes the exact flags (`--dpi`, `--psm`, `-l`) and a timeout (`SCOREREADER_OCR_TIMEOUT`,
  OCRmyPDF's 180 s per page by default).

pytesseract's own cost is a `tesseract --version` once per process and reading the output file
back; `benchmarks/run.py` times a pytesseract call against the bare command on the same file.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from typing import Callable, Iterator

from PIL import Image

from scorereader.errors import InputUnreadable, MissingDependency

#: The Tesseract executable (a name on PATH or a path). Override with SCOREREADER_TESSERACT.
TESSERACT_CMD = os.environ.get("SCOREREADER_TESSERACT", "tesseract")
LANG = "eng"
#: Seconds per Tesseract call (OCRmyPDF's default per page).
TIMEOUT = float(os.environ.get("SCOREREADER_OCR_TIMEOUT", 180))

INSTALL_HINT = ("install it with 'sudo apt-get install tesseract-ocr' (Debian/Ubuntu), "
                "'brew install tesseract' (macOS) or 'choco install tesseract' (Windows)")

#: Rows of the image written per chunk (the image is never copied whole).
_PGM_ROWS = 512


def binary(cmd: str | None = None) -> str:
    """The Tesseract executable's path, or a MissingDependency with the install hint."""
    cmd = cmd or TESSERACT_CMD
    found = shutil.which(cmd)
    if not found:
        raise MissingDependency(
            f"Tesseract OCR ('{cmd}') is needed to read images and scanned PDFs but was not found: "
            f"{INSTALL_HINT}.")
    return found


def pgm_chunks(gray: Image.Image) -> Iterator[bytes]:
    """The image as binary PGM, a band of rows at a time."""
    if gray.mode != "L":
        gray = gray.convert("L")
    w, h = gray.size
    yield b"P5\n%d %d\n255\n" % (w, h)
    for y in range(0, h, _PGM_ROWS):
        yield gray.crop((0, y, w, min(h, y + _PGM_ROWS))).tobytes()


def _single_thread() -> None:
    # pytesseract starts Tesseract with this process's environment
    os.environ["OMP_THREAD_LIMIT"] = os.environ.get("SCOREREADER_OMP_THREAD_LIMIT", "1")


#: Work to do while Tesseract runs (each called once, then dropped): the pipeline registers the
#: import of the interpreter here, so that Python's import time overlaps Tesseract's recognition
#: on the machine's other core instead of adding to it.
MEANWHILE: list[Callable[[], object]] = []


def run(gray: Image.Image, *, psm: int, dpi: int = 300, cmd: str | None = None) -> str:
    """Tesseract on a greyscale image: its TSV, or with `psm=0` its orientation (OSD) report."""
    if not MEANWHILE:
        return _run(gray, psm=psm, dpi=dpi, cmd=cmd)
    import threading

    out: dict[str, object] = {}

    def call() -> None:
        try:
            out["text"] = _run(gray, psm=psm, dpi=dpi, cmd=cmd)
        except BaseException as err:  # re-raised in the caller's thread
            out["error"] = err

    worker = threading.Thread(target=call, name="tesseract", daemon=True)
    worker.start()
    while MEANWHILE:
        try:
            MEANWHILE.pop(0)()
        except Exception:  # a warm-up only: the real use of what it loads will report any error
            pass
    worker.join()
    if "error" in out:
        raise out["error"]  # type: ignore[misc]
    return out["text"]  # type: ignore[return-value]


def _run(gray: Image.Image, *, psm: int, dpi: int, cmd: str | None) -> str:
    import pytesseract

    pytesseract.pytesseract.tesseract_cmd = binary(cmd)
    _single_thread()
    fd, name = tempfile.mkstemp(prefix="scorereader-ocr-", suffix=".pgm")
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in pgm_chunks(gray):
                fh.write(chunk)
        if psm == 0:
            return pytesseract.image_to_osd(name, config=f"--dpi {dpi}", timeout=TIMEOUT)
        return pytesseract.image_to_data(name, lang=LANG, config=f"--psm {psm} --dpi {dpi}", timeout=TIMEOUT)
    except pytesseract.TesseractNotFoundError as err:
        raise MissingDependency(f"Tesseract OCR could not be started: {INSTALL_HINT}.") from err
    except pytesseract.TesseractError as err:
        text = str(err.message or "")
        if "traineddata" in text or "Failed loading language" in text:
            if psm == 0:
                raise InputUnreadable("OCR orientation data (osd.traineddata) is missing.") from err
            raise MissingDependency(
                f"Tesseract's '{LANG}' language data is missing: install it with "
                f"'sudo apt-get install tesseract-ocr-{LANG}' (or 'brew install tesseract').") from err
        first = next((ln for ln in text.splitlines() if ln.strip()), "unknown error")
        raise InputUnreadable(f"OCR failed: {first.strip()}") from err
    except RuntimeError as err:  # pytesseract's timeout
        if "timeout" not in str(err).lower():
            raise
        raise InputUnreadable(f"OCR took longer than {TIMEOUT:.0f} seconds on a page and was stopped.") from err
    finally:
        try:
            os.unlink(name)
        except OSError:
            pass


def version(cmd: str | None = None) -> str:
    import subprocess

    out = subprocess.run([binary(cmd), "--version"], capture_output=True, timeout=30)
    text = (out.stdout or out.stderr).decode("utf-8", "replace")
    return text.split("\n", 1)[0].strip()
