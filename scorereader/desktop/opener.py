"""Open a finished plan with the system's default viewer (`--open`).

Linux and other freedesktop systems: `xdg-open`; macOS: `open`; Windows: `os.startfile`.
Opening is a convenience: when it fails the plan is still written, so callers report and go on.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

# xdg-open usually hands the file over and exits at once; some set-ups keep it until the viewer
# closes. Waiting this long tells "no viewer" (a quick non-zero exit) from "viewer running".
WAIT_SECONDS = 10.0


def open_with_default_app(path: Path, platform: str | None = None) -> str | None:
    """Open `path`; return None on success, else one sentence saying why it could not be opened."""
    platform = platform or sys.platform
    if platform == "win32":
        try:
            os.startfile(str(path))  # type: ignore[attr-defined]  # Windows only
        except OSError as err:
            return f"Windows could not open it ({err.strerror or err})."
        return None
    tool = "open" if platform == "darwin" else "xdg-open"
    exe = shutil.which(tool)
    if exe is None:
        return f"there is no '{tool}' command to open it with."
    try:
        proc = subprocess.Popen([exe, str(path)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError as err:
        return f"'{tool}' could not be started ({err.strerror or err})."
    try:
        rc = proc.wait(timeout=WAIT_SECONDS)
    except subprocess.TimeoutExpired:
        return None  # still running: it is showing the file
    if rc != 0:
        return f"'{tool}' found no application for PDF files (exit {rc})."
    return None


def open_plan(path: Path, gui: bool) -> None:
    """`--open`: show the written plan. A failure is one sentence (and, with --gui, a notification
    saying where the plan is), never an error: the plan itself was written."""
    import click

    problem = open_with_default_app(path)
    if problem is None:
        return
    click.echo(f"scorereader: the plan is written to {path}, but {problem}", err=True)
    if gui:
        from .notify import notify
        from .places import installed_icon

        notify("scorereader: your plan is ready", f"Open it from {path} (it could not be opened by itself: {problem})",
               icon=installed_icon())
