"""Where a launcher goes on each platform, from the environment the user's session sees.

Everything takes a platform name, a home folder and an environment mapping, so the Windows and
macOS layouts can be built and checked on Linux (tests fake all three).
"""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

APP_ID = "scorereader"


@dataclass(frozen=True)
class Places:
    platform: str = sys.platform
    home: Path = field(default_factory=Path.home)
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))

    @property
    def kind(self) -> str:
        """'windows', 'macos' or 'freedesktop' (Linux, BSDs: anything else)."""
        return {"win32": "windows", "cygwin": "windows", "darwin": "macos"}.get(self.platform, "freedesktop")

    # freedesktop (XDG Base Directory, Desktop Entry and Icon Theme specifications)
    @property
    def data_home(self) -> Path:
        value = self.env.get("XDG_DATA_HOME", "")
        return Path(value) if value and Path(value).is_absolute() else self.home / ".local" / "share"

    @property
    def config_home(self) -> Path:
        value = self.env.get("XDG_CONFIG_HOME", "")
        return Path(value) if value and Path(value).is_absolute() else self.home / ".config"

    @property
    def applications_dir(self) -> Path:
        return self.data_home / "applications"

    @property
    def icon_file(self) -> Path:
        """The hicolor theme's scalable size: every icon theme falls back to hicolor."""
        return self.data_home / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"

    # Windows
    @property
    def appdata(self) -> Path:
        value = self.env.get("APPDATA", "")
        return Path(value) if value else self.home / "AppData" / "Roaming"

    @property
    def sendto_dir(self) -> Path:
        return self.appdata / "Microsoft" / "Windows" / "SendTo"

    # macOS
    @property
    def mac_applications_dir(self) -> Path:
        return self.home / "Applications"

    @property
    def desktop_dir(self) -> Path:
        if self.kind == "windows":
            return _windows_desktop(self)
        if self.kind == "macos":
            return self.home / "Desktop"
        return _xdg_desktop(self)

    @property
    def manifest(self) -> Path:
        """A record of what install-launcher wrote, so that --uninstall removes exactly that."""
        if self.kind == "windows":
            return self.appdata / APP_ID / "launcher-manifest.json"
        if self.kind == "macos":
            return self.home / "Library" / "Application Support" / APP_ID / "launcher-manifest.json"
        return self.data_home / APP_ID / "launcher-manifest.json"


_USER_DIRS_LINE = re.compile(r'^\s*XDG_DESKTOP_DIR\s*=\s*"(?P<value>[^"]*)"\s*$', re.M)


def _xdg_desktop(places: Places) -> Path:
    """XDG_DESKTOP_DIR from user-dirs.dirs (values are "$HOME/…" or absolute), as `xdg-user-dir
    DESKTOP` reads it; then the environment; then ~/Desktop."""
    try:
        text = (places.config_home / "user-dirs.dirs").read_text(encoding="utf-8")
    except OSError:
        text = ""
    match = _USER_DIRS_LINE.search(text)
    value = match["value"] if match else places.env.get("XDG_DESKTOP_DIR", "")
    if value.startswith("$HOME"):
        value = str(places.home) + value[len("$HOME"):]
    if value and Path(value).is_absolute() and Path(value) != places.home:
        return Path(value)
    return places.home / "Desktop"


def _windows_desktop(places: Places) -> Path:
    """The Desktop known folder (it may be redirected, e.g. to OneDrive); %USERPROFILE%\\Desktop
    when that API is unavailable (tests faking Windows)."""
    if sys.platform == "win32" and places.platform == "win32":  # pragma: no cover - Windows only
        try:
            import ctypes
            import uuid

            guid = (ctypes.c_byte * 16)(*uuid.UUID("B4BFCC3A-DB2C-424C-B029-7FE99A87C641").bytes_le)
            out = ctypes.c_wchar_p()
            if ctypes.windll.shell32.SHGetKnownFolderPath(guid, 0, None, ctypes.byref(out)) == 0:
                path = Path(out.value)
                ctypes.windll.ole32.CoTaskMemFree(out)
                return path
        except (OSError, AttributeError, ImportError, ValueError):
            pass
    profile = places.env.get("USERPROFILE", "")
    return (Path(profile) if profile else places.home) / "Desktop"


def desktop_dir() -> Path:
    return Places().desktop_dir


def installed_icon() -> str | None:
    """The launcher's icon when one is installed (for notifications), else None."""
    icon = Places().icon_file
    return str(icon) if icon.is_file() else None
