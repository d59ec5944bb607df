"""What the launcher runs, written out in each platform's launcher format.

The command is this Python running `-m scorereader plan --open --gui -- FILES`: `-P` keeps a
`scorereader` folder in the launch directory (often the home folder) from shadowing the installed
package; `--` keeps a dropped file named like an option a file.
"""
from __future__ import annotations

import shlex
import sys

# What the launcher accepts: the provider's PDF and the picture formats the reader handles.
MIME_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/webp", "image/tiff")
NAME = "scorereader"
GENERIC_NAME = "Retake plan from a score report"
COMMENT = "Drop the score report you downloaded after a certification exam to get a printable retake plan"


def launch_command(python: str | None = None) -> list[str]:
    return [python or sys.executable, "-P", "-m", "scorereader", "plan", "--open", "--gui", "--"]


# Desktop Entry Specification, "The Exec key": reserved characters force double quotes, inside
# which " ` $ \ take a backslash; then the string-value escape doubles every backslash.
_RESERVED = set(" \t\n\"'\\><~|&;$*?#`()")


def exec_quote(arg: str) -> str:
    if "\n" in arg or "\r" in arg:
        raise ValueError(f"cannot put a line break in a launcher command: {arg!r}")
    arg = arg.replace("%", "%%")
    if arg and not (set(arg) & _RESERVED):
        return arg
    return '"' + "".join("\\" + c if c in '"`$\\' else c for c in arg) + '"'


def _string_value(text: str) -> str:
    """A Desktop Entry `string` value: backslash escapes, no raw line breaks."""
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")


def desktop_entry(command: list[str], icon: str) -> str:
    """A freedesktop .desktop file: a menu entry, "Open With" target and (on the desktop) a drop target."""
    exec_line = " ".join([*(exec_quote(a) for a in command), "%F"])
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.4",
        f"Name={NAME}",
        f"GenericName={GENERIC_NAME}",
        f"Comment={COMMENT}",
        f"Exec={_string_value(exec_line)}",
        f"Icon={_string_value(icon)}",
        "Terminal=false",
        "StartupNotify=false",
        f"MimeType={';'.join(MIME_TYPES)};",
        "Categories=Education;",
        "Keywords=score;report;exam;certification;retake;study;plan;",
        "",
    ])


def sendto_cmd(command: list[str]) -> bytes:
    """A Windows batch file for the "Send to" menu (and, dropped on, the desktop): Explorer passes
    the selected files as arguments, quoted when they contain spaces. On failure the console stays
    open (`pause`) besides the message box and error file that --gui gives."""
    program, *fixed = command  # the rest are our own literal options

    lines = [
        "@echo off",
        "rem Installed by 'scorereader install-launcher'; remove with 'scorereader install-launcher --uninstall'.",
        "chcp 65001 >nul",
        " ".join(['"' + program.replace("%", "%%") + '"', *fixed, "%*"]),
        "if errorlevel 1 pause",
        "",
    ]
    return "\r\n".join(lines).encode("utf-8")


def droplet_applescript(command: list[str]) -> str:
    """An AppleScript droplet (compiled with osacompile into an .app): Finder hands dropped files
    to `on open`, which runs the command with each file's POSIX path shell-quoted."""
    shell = " ".join(shlex.quote(a) for a in command)
    return "\n".join([
        "-- Installed by 'scorereader install-launcher'; remove with 'scorereader install-launcher --uninstall'.",
        "on open droppedItems",
        f"\tset theCommand to {_applescript_text(shell)}",
        "\trepeat with anItem in droppedItems",
        '\t\tset theCommand to theCommand & " " & quoted form of POSIX path of anItem',
        "\tend repeat",
        "\ttry",
        "\t\tdo shell script theCommand",
        "\ton error errorText",
        '\t\tdisplay dialog errorText buttons {"OK"} default button 1 with title "scorereader" with icon caution',
        "\tend try",
        "end open",
        "",
        "on run",
        f"\tdisplay dialog {_applescript_text('Drop the score report you downloaded (PDF, or a picture of it) onto this scorereader icon to get a printable retake plan.')} buttons {{\"OK\"}} default button 1 with title \"scorereader\"",
        "end run",
        "",
    ])


def _applescript_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
