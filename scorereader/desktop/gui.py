"""Errors that reach a person who started scorereader from an icon (`--gui`, which the launcher passes).

A console window (if any) closes with the process, so each failure is also shown as a notification
and written beside the input as `<file name>.scorereader-error.txt`, in plain words: what was wrong
and what to try. We do not guess "no terminal" from stdin/stderr not being TTYs: scripts and CI have
no TTY either, and must not find text files appearing beside their inputs.
"""
from __future__ import annotations

import datetime as dt
import functools
import sys
import tomllib
from importlib import resources
from pathlib import Path
from typing import Callable, TypeVar

import click

from ..errors import ExitCode, ScoreReaderError

T = TypeVar("T")
FLAG = "--gui"
ERROR_SUFFIX = ".scorereader-error.txt"
HEADER = "scorereader could not make a retake plan"
TITLE = "scorereader: no plan made"


def gui_requested(args: list[str]) -> bool:
    """`--gui` among the options (not after `--`, where it would be a file name)."""
    options = args[: args.index("--")] if "--" in args else args
    return FLAG in options


@functools.cache
def _messages() -> dict[str, dict]:
    return tomllib.loads(resources.files(__package__).joinpath("messages.toml").read_text("utf-8"))


def _kind(code: int) -> str:
    try:
        return ExitCode(code).name
    except ValueError:
        return "internal"


def error_file_for(source: str | Path) -> Path:
    source = Path(source).absolute()
    return source.with_name(source.name + ERROR_SUFFIX)


def explain(message: str, code: int, source: str | Path | None) -> str:
    """The error text file's contents: what was wrong, what to try, and a line for a helper."""
    kind = _kind(code)
    advice = _messages().get(kind, _messages()["internal"])
    lines = [f"{HEADER}{' from this file' if source else ''}.", ""]
    if source:
        lines.append(f"File:  {Path(source).absolute()}")
    lines += [f"When:  {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}", "", "What was wrong", f"  {advice['headline']}",
              f"  {message}", "", "What to try"]
    lines += [f"  - {tip.replace('<file>', str(source or 'FILE'))}" for tip in advice["try"]]
    lines += ["", f"(For whoever helps you: exit code {code}, {kind.replace('_', ' ')}.)", ""]
    return "\n".join(lines)


def write_error_file(message: str, code: int, source: str | Path | None) -> Path | None:
    """Beside the input; when that folder cannot be written (or there is no input), the desktop
    or home folder. Returns where it went, or None."""
    text = explain(message, code, source)
    candidates = [error_file_for(source)] if source else []
    from .places import desktop_dir

    name = (Path(source).name if source else "scorereader") + ERROR_SUFFIX
    candidates += [desktop_dir() / name, Path.home() / name]
    for target in candidates:
        try:
            target.write_text(text, encoding="utf-8")
            return target
        except OSError:
            continue
    return None


def report_failure(message: str, code: int, source: str | Path | None) -> Path | None:
    """Notify, and write the error file beside the input; with no input (the launcher started
    without a file) the file goes to the desktop only when no notification could be shown."""
    from .places import installed_icon

    written = write_error_file(message, code, source) if source else None
    advice = _messages().get(_kind(code), _messages()["internal"])
    body = f"{advice['headline']}\n{message}" + (f"\nWhat to try: {written}" if written else "")
    shown = _notify(TITLE, body, installed_icon())
    if not shown and not written:
        written = write_error_file(message, code, source)
    if written:
        click.echo(f"scorereader: what went wrong and what to try is in {written}", err=True)
    elif not shown:
        click.echo("scorereader: could not write an error file or show a notification.", err=True)
    return written


def _notify(title: str, body: str, icon: str | None) -> bool:
    from .notify import notify

    return notify(title, body, icon=icon)


def reporting_errors(work: Callable[[str], T]) -> Callable[[str], T]:
    """Wrap a per-file `work(path)`: a failure is reported to the person, then re-raised for the
    usual stderr sentence and exit code. A later success removes that input's old error file."""

    def wrapped(path: str) -> T:
        try:
            result = work(path)
        except ScoreReaderError as err:
            report_failure(str(err), int(err.exit_code), path)
            err.reported_to_desktop = True  # type: ignore[attr-defined]
            raise
        except Exception as err:  # noqa: BLE001 - the CLI turns it into exit 1; we only tell the person
            report_failure(f"{path}: {type(err).__name__}: {err}", int(ExitCode.internal), path)
            err.reported_to_desktop = True  # type: ignore[attr-defined]
            raise
        _remove_stale_error_file(path)
        return result

    return wrapped


def _remove_stale_error_file(path: str) -> None:
    stale = error_file_for(path)
    try:
        if stale.is_file() and stale.read_text("utf-8", errors="replace").startswith(HEADER):
            stale.unlink()
    except OSError:
        pass


def report_uncaught(err: BaseException | None, message: str, code: int) -> None:
    """For failures outside the per-file work (a usage error, a crash before any file)."""
    if err is not None and getattr(err, "reported_to_desktop", False):
        return
    report_failure(message, code, None)
    sys.stderr.flush()
