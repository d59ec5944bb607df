"""The one place a plan's outputs are named and written (PDF, HTML, iCalendar, JSON).

`plan` and the `batch` worker both call `write_plan_outputs`, so every rule lives here once:

- names: `<stem>.retake-plan.pdf`, or, for the provider's generic download name (`scorereport`,
  `scorereport (1)`, `ScoreReport`), a name from the report: `AZ-104 retake plan 2026-05-12.pdf`;
  control characters and over-long names are cleaned and shortened, never a failure;
- never overwrite an input, nor a file we did not make from this input (numbered instead, or
  refused for an explicit `-o FILE`); our own files are recognised by a marker in their metadata;
- never write outside the chosen folder (a symlinked subfolder is refused);
- every file is written atomically (temp file + rename).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..errors import OutputUnwritable, UsageError
from ..plan.model import Plan
from ..text import clean_name
from .atomic import atomic_write

SUFFIX = ".retake-plan"
FORMATS = ("pdf", "html", "ics", "json")
MARK_PLAN = "scorereader-plan"
MARK_COHORT = "scorereader-cohort"
MAX_OWN_BYTES = 32 * 2**20   # our plans and cohort PDFs are far smaller: larger files are not ours
MAX_NAME_BYTES = 200          # file systems allow 255; room for " (99)" and the atomic temp prefix
GENERIC_NAME = re.compile(r"^\s*score[\s_-]*report\s*(?:[(\[]\d+[)\]]|[-_ ]\d+)?\s*$", re.I)
KIND_WORDS = {"retake": "retake plan", "strengthen": "study plan", "foundation_first": "study plan"}
_TEXT_MARK = re.compile(rb"scorereader-(plan|cohort)[^\"<>\r\n]*?source=([0-9a-f]{16})")


@dataclass
class Written:
    paths: list[Path] = field(default_factory=list)

    @property
    def pdf(self) -> Path | None:
        return next((p for p in self.paths if p.suffix == ".pdf"), None)


def source_key(source: str | os.PathLike[str]) -> str:
    """What identifies an input in its outputs' metadata: a hash of its resolved path (not the path:
    a printed plan should not carry the folder layout of the machine it was made on)."""
    return hashlib.sha256(str(Path(source).resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:16]


def marker(kind: str, source: str | None) -> str:
    return f"{kind}, source={source}" if source else kind


def mark_html(html: str, kind: str, source: str | None) -> str:
    """Add the keywords marker WeasyPrint copies into the PDF's /Keywords (and keeps in the HTML)."""
    tag = f'<meta name="keywords" content="{marker(kind, source)}">'
    m = re.search(r"<head[^>]*>", html, re.I)
    return html[: m.end()] + tag + html[m.end():] if m else tag + html


def own_output(path: str | os.PathLike[str]) -> dict[str, str] | None:
    """{"kind": "plan"|"cohort", "source": key} when `path` is a file scorereader wrote, else None.

    PDFs: the /Keywords marker (read with pdfium, ~1 ms); text outputs: the marker near the top."""
    p = Path(path)
    try:
        if not p.is_file() or p.stat().st_size > MAX_OWN_BYTES:
            return None
        with open(p, "rb") as fh:
            head = fh.read(8192)
    except OSError:
        return None
    if head.startswith(b"%PDF"):
        try:
            import pypdfium2 as pdfium

            doc = pdfium.PdfDocument(str(p))
            try:
                meta = doc.get_metadata_dict()
            finally:
                doc.close()
        except Exception:  # noqa: BLE001 - not readable: not ours
            return None
        keywords = meta.get("Keywords") or ""
        m = _TEXT_MARK.search(keywords.encode("utf-8", "replace") + b"\n")
        if m:
            return {"kind": m.group(1).decode(), "source": m.group(2).decode()}
        if keywords.startswith(MARK_COHORT):
            return {"kind": "cohort", "source": ""}
        if meta.get("Creator") == "scorereader" and (meta.get("Producer") or "").startswith("WeasyPrint"):
            return {"kind": "plan", "source": ""}  # made before the marker existed: ours, input unknown
        return None
    m = _TEXT_MARK.search(head)
    return {"kind": m.group(1).decode(), "source": m.group(2).decode()} if m else None


def base_name(plan: Plan, source: Path) -> str:
    """`<stem>.retake-plan`, or `AZ-104 retake plan 2026-05-12` for a generic download name."""
    stem = clean_name(source.stem)
    if GENERIC_NAME.match(source.stem):
        parts = [clean_name(plan.exam_code or "") or "Exam", KIND_WORDS.get(plan.kind, "plan")]
        if plan.exam_date:
            parts.append(plan.exam_date.isoformat())
        return " ".join(parts)
    return shorten(stem) + SUFFIX


def shorten(text: str, limit: int = MAX_NAME_BYTES - len(SUFFIX) - 8) -> str:
    """Cut to `limit` UTF-8 bytes on a character boundary, keeping it unique with a short hash."""
    raw = text.encode("utf-8", "surrogateescape")
    if len(raw) <= limit:
        return text
    tag = "~" + hashlib.sha256(raw).hexdigest()[:8]
    cut = raw[: limit - len(tag)].decode("utf-8", "ignore")
    return cut + tag


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _inside(path: Path, root: Path) -> bool:
    try:
        path.parent.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def _free(path: Path, source: str, inputs: Iterable[Path]) -> bool:
    """True if writing `path` destroys nothing: absent, or our own output for this same input."""
    if any(_same(path, i) or path.resolve() == i.resolve() for i in inputs):
        return False
    if not (path.exists() or path.is_symlink()):
        return True
    if path.is_symlink() or not path.is_file():
        return False
    mine = own_output(path)
    # a plan made before the marker ("" source) was always replaced by a rerun: it still is
    return mine is not None and mine["kind"] == "plan" and mine["source"] in (source, "")


def _check_inside(paths: dict[str, Path], root: Path | None) -> None:
    if root is not None and not all(_inside(p, root) for p in paths.values()):
        folder = next(iter(paths.values())).parent
        raise OutputUnwritable(f"{clean_name(str(folder))} leads outside the output folder "
                               f"{clean_name(str(root))} (a symbolic link); nothing was written there.")


def choose_paths(plan: Plan, source: Path, *, output: str | None = None, many: bool = False,
                 formats: Iterable[str] = ("pdf",), inputs: Iterable[Path] = (), taken: set[str] | None = None,
                 root: Path | None = None) -> dict[str, Path]:
    """format → path for one plan, applying every naming rule in this module's docstring.

    `taken`: names already used in this run (filled in); `root`: a folder nothing may be written
    outside of (batch OUTDIR)."""
    formats = [f for f in FORMATS if f in set(formats) | {"pdf"}]
    inputs = [Path(i) for i in inputs] + [source]
    taken = set() if taken is None else taken
    key = source_key(source)
    explicit: Path | None = None
    folder = source.parent
    if output is not None:
        out = Path(output)
        if out.is_dir() or output.endswith(("/", os.sep)) or (not out.exists() and not out.suffix):
            folder = out
        elif many:
            raise UsageError(f"-o {clean_name(output)}: with several input files, -o must be a directory.")
        else:
            explicit = out.with_suffix(".pdf") if out.suffix.lower() in (".html", ".htm", ".ics", ".json") else out
    if explicit is not None:
        paths = {f: explicit if f == "pdf" else explicit.with_suffix("." + f) for f in formats}
        for p in paths.values():
            if any(_same(p, i) or p.resolve() == i.resolve() for i in inputs):
                raise UsageError(f"-o {clean_name(str(p))} is one of the input files; scorereader never "
                                 "overwrites an input: choose another output name.")
            if not _free(p, key, inputs):
                raise UsageError(f"{clean_name(str(p))} already exists and is not a plan scorereader made "
                                 "from this report; choose another name or remove that file first.")
        _check_inside(paths, root)
        taken.update(str(p.resolve()).casefold() for p in paths.values())
        return paths
    base = base_name(plan, source)
    generic = bool(GENERIC_NAME.match(source.stem))
    for i in range(1, 10_000):
        stem = base if i == 1 else (f"{base} ({i})" if generic else
                                    f"{base[: -len(SUFFIX)]}-{i}{SUFFIX}" if base.endswith(SUFFIX) else f"{base}-{i}")
        paths = {f: folder / f"{stem}.{f}" for f in formats}
        keys = {str(p.resolve()).casefold() for p in paths.values()}
        if keys & taken:
            continue
        if all(_free(p, key, inputs) for p in paths.values()):
            _check_inside(paths, root)
            taken.update(keys)
            return paths
    raise OutputUnwritable(f"{clean_name(str(folder))}: no free name for the plan of {clean_name(source.name)}.")


def write_plan_outputs(plan: Plan, paths: dict[str, Path], *, source: Path, paper: str = "a4",
                       template_dir: str | os.PathLike[str] | None = None) -> Written:
    """Render the plan once per format in `paths` and write each file atomically. Returns what was written."""
    from .html import render_html

    key = source_key(source)
    html = mark_html(render_html(plan, paper=paper, template_dir=template_dir), MARK_PLAN, key)
    written = Written()
    for fmt in FORMATS:
        path = paths.get(fmt)
        if path is None:
            continue
        if fmt == "pdf":
            from .pdf import html_to_pdf

            data: bytes | str = html_to_pdf(html, template_dir=template_dir)
        elif fmt == "html":
            data = html
        elif fmt == "ics":
            from .ics import render_ics

            data = render_ics(plan)
            data = data.decode("utf-8") if isinstance(data, bytes) else data
            data = data.replace("BEGIN:VCALENDAR\r\n", f"BEGIN:VCALENDAR\r\nX-SCOREREADER:{marker(MARK_PLAN, key)}\r\n", 1)
        else:
            data = json.dumps({"generator": marker(MARK_PLAN, key), **plan.to_json()}, ensure_ascii=False,
                              indent=1) + "\n"
        written.paths.append(atomic_write(path, data))
    return written
