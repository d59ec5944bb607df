"""Options and helpers shared by the commands."""
from __future__ import annotations

from typing import Callable, Iterable, TypeVar

import click

from ..bands import DEFAULT_BASELINE
from ..errors import ExitCode, ScoreReaderError
from ..text import one_line

T = TypeVar("T")

baseline_option = click.option(
    "--baseline", type=click.FloatRange(0.0, 1.0), default=None,
    help=f"Band baseline b (0–1); default passing ÷ max score, or {DEFAULT_BASELINE:.2f}.")
ocr_option = click.option(
    "--ocr", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
    help="Read with OCR: auto (only without a usable text layer), always, or never.")


def for_each_file(files: Iterable[str], work: Callable[[str], T], debug: bool) -> tuple[list[T], int]:
    """Run `work` per file; a bad file prints one sentence and the rest go on. Returns the worst code."""
    results: list[T] = []
    worst = ExitCode.ok
    for f in files:
        try:
            results.append(work(f))
        except ScoreReaderError as err:
            if debug:
                import traceback

                traceback.print_exception(err)
            click.echo(f"scorereader: {one_line(str(err))}", err=True)
            worst = max(worst, err.exit_code)
    return results, int(worst)
