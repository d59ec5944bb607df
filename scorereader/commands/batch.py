"""`scorereader batch DIR`: a plan per report, summary.csv/json and a cohort PDF for a whole folder."""
from __future__ import annotations

from pathlib import Path

import click

from ..text import one_line
from .common import baseline_option, ocr_option


@click.command()
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=True, dir_okay=True, path_type=Path))
@click.option("-o", "--output", "outdir", metavar="OUTDIR", type=click.Path(path_type=Path), default=None,
              help="Where the plans and summaries go (default: DIR/scorereader-out/).")
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None,
              help="Worker processes (default: the number of CPU cores).")
@click.option("-r", "--recursive", is_flag=True, help="Also read the subfolders (mirrored in OUTDIR).")
@click.option("--force", is_flag=True, help="Redo every file, even those whose outputs are up to date.")
@click.option("--timeout", type=click.FloatRange(0, None, min_open=True), default=60.0, show_default=True,
              metavar="S", help="Seconds one file may take to read before it is refused and marked failed.")
@click.option("--html", "want_html", is_flag=True, help="Also write each plan as HTML.")
@click.option("--ics", "want_ics", is_flag=True, help="Also write each plan's schedule as iCalendar (.ics).")
@click.option("--plan-json", "want_json", is_flag=True, help="Also write each plan model as JSON.")
@click.option("--paper", type=click.Choice(["a4", "letter"], case_sensitive=False), default="a4", show_default=True)
@baseline_option
@ocr_option
def batch(directory: Path, outdir: Path | None, jobs: int | None, recursive: bool, force: bool,
          timeout: float, want_html: bool, want_ics: bool, want_json: bool, paper: str, baseline: float | None,
          ocr: str) -> None:
    """Plan every score report (PDF or image) in DIR, with summary.csv, summary.json and cohort.pdf.

    \b
    One bad file never stops the rest. A re-run only redoes files that changed
    (OUTDIR/.scorereader-manifest.json); --force redoes all.
    Exit codes: 0 all read; 5 some failed (the rest were written); 3 DIR or OUTDIR unusable.
    """
    from ..batch.runner import BatchOptions, run_batch

    result = run_batch(BatchOptions(directory=directory, outdir=outdir, jobs=jobs, recursive=recursive,
                                    force=force, timeout=timeout, baseline=baseline, ocr=ocr,
                                    paper=paper.lower(),
                                    formats=("pdf", *(["html"] if want_html else []), *(["ics"] if want_ics else []),
                                             *(["json"] if want_json else []))))
    counts = {s: sum(1 for r in result.rows if r.status == s)
              for s in ("ok", "skipped", "failed", "duplicate", "other_programme")}
    parts = [f"{counts['ok']} planned"]
    if counts["skipped"]:
        parts.append(f"{counts['skipped']} up to date (skipped)")
    if counts["failed"]:
        parts.append(f"{counts['failed']} failed")
    if counts["duplicate"]:
        parts.append(f"{counts['duplicate']} duplicate{'s' if counts['duplicate'] != 1 else ''}")
    if counts["other_programme"]:
        parts.append(f"{counts['other_programme']} of another programme (not read)")
    n = len(result.rows)
    for note in result.notes:
        click.echo(f"scorereader: note: {one_line(note)}", err=True)
    click.echo(f"scorereader: {n} file{'s' if n != 1 else ''}: {', '.join(parts)} in {result.elapsed:.1f} s; "
               f"see {result.outdir / 'summary.csv'}", err=True)
    click.get_current_context().exit(result.exit_code)
