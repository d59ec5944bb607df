"""A desktop notification for someone who started scorereader from an icon, not a terminal.

Linux: `notify-send` (libnotify) when installed; macOS: `osascript … display notification`;
Windows: a message box. Returns whether something was shown, so callers can fall back.
"""
from __future__ import annotations

import shutil
import subprocess
import sys


def notify(title: str, body: str, icon: str | None = None, platform: str | None = None) -> bool:
    platform = platform or sys.platform
    if platform == "win32":
        return _message_box(title, body)
    if platform == "darwin":
        script = f"display notification {_applescript_text(body)} with title {_applescript_text(title)}"
        return _run(["osascript", "-e", script])
    args = ["notify-send", "--app-name=scorereader"]
    if icon:
        args.append(f"--icon={icon}")
    return _run([*args, "--", title, body])


def _run(args: list[str]) -> bool:
    exe = shutil.which(args[0])
    if exe is None:
        return False
    try:
        return subprocess.run([exe, *args[1:]], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _applescript_text(text: str) -> str:
    """An AppleScript string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _message_box(title: str, body: str) -> bool:
    try:
        import ctypes

        MB_ICONWARNING, MB_TOPMOST = 0x30, 0x40000
        ctypes.windll.user32.MessageBoxW(None, body, title, MB_ICONWARNING | MB_TOPMOST)  # type: ignore[attr-defined]
        return True
    except (ImportError, AttributeError, OSError):
        return False
