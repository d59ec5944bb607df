"""Install and uninstall the launcher, keeping a manifest so that --uninstall removes exactly what
was installed: the files written (removed only if unchanged), the folders created (removed only if
empty), and the system caches refreshed.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..errors import OutputUnwritable, UsageError
from . import entries
from .places import APP_ID, Places

MANIFEST_VERSION = 1


@dataclass(frozen=True)
class Artifact:
    path: Path
    data: bytes
    what: str
    executable: bool = False


@dataclass
class Manifest:
    platform: str
    files: list[dict] = field(default_factory=list)    # {path, sha256, what} or {path, link_to, what}
    trees: list[dict] = field(default_factory=list)    # {path, what}: a bundle we built (macOS .app)
    dirs: list[str] = field(default_factory=list)      # folders we created, parents first
    mime_cache_created: bool = False                   # update-desktop-database made mimeinfo.cache

    def save(self, path: Path) -> None:
        data = {"version": MANIFEST_VERSION, **self.__dict__}
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Manifest | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            data.pop("version", None)
            return cls(**data)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError) as err:
            raise UsageError(f"{path}: the launcher's record of what it installed is unreadable ({err}); "
                             "remove the launcher files by hand.") from err


def icon_svg() -> bytes:
    return resources.files(__package__).joinpath("scorereader.svg").read_bytes()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _run_quietly(*args: str) -> bool:
    exe = shutil.which(args[0])
    if exe is None:
        return False
    try:
        return subprocess.run([exe, *args[1:]], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


class Installer:
    """Installs into `places`; `say` receives one line per thing done."""

    def __init__(self, places: Places, say=print, python: str | None = None) -> None:  # noqa: ANN001
        self.places = places
        self.say = say
        self.command = entries.launch_command(python)

    # ---------------------------------------------------------------- install
    def install(self, desktop: bool) -> Manifest | None:
        if Manifest.load(self.places.manifest) is not None:
            self.say("Replacing the launcher installed before:")
            self.uninstall()
        manifest = Manifest(platform=self.places.kind)
        if self.places.kind == "macos":
            if not self._install_macos(manifest, desktop):
                return None
        else:
            artifacts = self._windows(desktop) if self.places.kind == "windows" else self._freedesktop(desktop)
            self._refuse_foreign(artifacts)
            for art in artifacts:
                self._write(art, manifest)
            if self.places.kind == "freedesktop":
                self._after_freedesktop(artifacts, manifest, desktop)
        self._mkdirs(self.places.manifest.parent, manifest)
        manifest.save(self.places.manifest)
        self.say(f"Remove it all with: scorereader install-launcher --uninstall  (record: {self.places.manifest})")
        return manifest

    def _freedesktop(self, desktop: bool) -> list[Artifact]:
        icon = self.places.icon_file
        entry = entries.desktop_entry(self.command, str(icon)).encode("utf-8")
        arts = [Artifact(icon, icon_svg(), "icon"),
                Artifact(self.places.applications_dir / f"{APP_ID}.desktop", entry,
                         "application menu entry (Open With → scorereader)")]
        if desktop:
            arts.append(Artifact(self.places.desktop_dir / f"{APP_ID}.desktop", entry,
                                 "desktop icon (drop score reports on it)", executable=True))
        return arts

    def _windows(self, desktop: bool) -> list[Artifact]:
        data = entries.sendto_cmd(self.command)
        name = f"{APP_ID} - retake plan.cmd"
        arts = [Artifact(self.places.sendto_dir / name, data,
                         '"Send to" menu entry (right-click a report → Send to → scorereader - retake plan)')]
        if desktop:
            arts.append(Artifact(self.places.desktop_dir / name, data, "desktop icon (drop score reports on it)"))
        return arts

    def _refuse_foreign(self, artifacts: list[Artifact]) -> None:
        for art in artifacts:
            if art.path.exists() or art.path.is_symlink():
                raise UsageError(f"{art.path} already exists and was not installed by scorereader "
                                 "install-launcher; move it away and run install-launcher again.")

    def _mkdirs(self, folder: Path, manifest: Manifest) -> None:
        missing = []
        for parent in [folder, *folder.parents]:
            if parent.exists():
                break
            missing.append(parent)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise OutputUnwritable(f"{folder}: cannot create it ({err.strerror or err}).") from err
        manifest.dirs += [str(d) for d in reversed(missing) if str(d) not in manifest.dirs]

    def _write(self, art: Artifact, manifest: Manifest) -> None:
        self._mkdirs(art.path.parent, manifest)
        try:
            fd, tmp = tempfile.mkstemp(dir=art.path.parent, prefix=f".{art.path.name}.", suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                fh.write(art.data)
            os.chmod(tmp, 0o755 if art.executable else 0o644)
            os.replace(tmp, art.path)
        except OSError as err:
            raise OutputUnwritable(f"{art.path}: cannot write it ({err.strerror or err}).") from err
        manifest.files.append({"path": str(art.path), "sha256": _sha256(art.data), "what": art.what})
        self.say(f"Installed {art.what}: {art.path}")

    def _after_freedesktop(self, artifacts: list[Artifact], manifest: Manifest, desktop: bool) -> None:
        apps = self.places.applications_dir
        cache = apps / "mimeinfo.cache"
        had_cache = cache.exists()
        if _run_quietly("update-desktop-database", str(apps)):
            manifest.mime_cache_created = not had_cache and cache.exists()
        if desktop:
            # GNOME (with the desktop-icons extension) only launches desktop files marked trusted.
            _run_quietly("gio", "set", str(artifacts[-1].path), "metadata::trusted", "true")

    def _install_macos(self, manifest: Manifest, desktop: bool) -> bool:
        app = self.places.mac_applications_dir / f"{APP_ID}.app"
        script = entries.droplet_applescript(self.command)
        if shutil.which("osacompile") is None:
            self.say("No osacompile here, so nothing was installed. To make a drop target by hand: open "
                     "Script Editor, paste the script below, and save it as an Application named scorereader:\n")
            self.say(script)
            return False
        if app.exists() or (desktop and (self.places.desktop_dir / app.name).is_symlink()):
            raise UsageError(f"{app} already exists and was not installed by scorereader install-launcher; "
                             "move it away and run install-launcher again.")
        self._mkdirs(app.parent, manifest)
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / "scorereader.applescript"
            source.write_text(script, encoding="utf-8")
            done = subprocess.run(["osacompile", "-o", str(app), str(source)], capture_output=True, text=True)
        if done.returncode != 0 or not app.exists():
            raise OutputUnwritable(f"{app}: osacompile could not build the droplet ({done.stderr.strip()}).")
        manifest.trees.append({"path": str(app), "what": "drop-target app (drop score reports on it)"})
        self.say(f"Installed drop-target app (drop score reports on it; in Finder: Open With → scorereader): {app}")
        if desktop:
            link = self.places.desktop_dir / app.name
            self._mkdirs(link.parent, manifest)
            link.symlink_to(app)
            manifest.files.append({"path": str(link), "link_to": str(app), "what": "desktop alias"})
            self.say(f"Installed desktop alias: {link}")
        return True

    # -------------------------------------------------------------- uninstall
    def uninstall(self) -> bool:
        """Remove what the manifest lists; False when nothing was installed."""
        manifest = Manifest.load(self.places.manifest)
        if manifest is None:
            self.say(f"No launcher installed by scorereader install-launcher here (no {self.places.manifest}).")
            return False
        for entry in manifest.files:
            self._remove_file(entry)
        for tree in manifest.trees:
            path = Path(tree["path"])
            if path.exists():
                shutil.rmtree(path, ignore_errors=True)
                self.say(f"Removed {tree['what']}: {path}")
        if manifest.platform == "freedesktop":
            self._refresh_mime_cache(manifest)
        try:
            self.places.manifest.unlink()
        except FileNotFoundError:
            pass
        for folder in reversed(manifest.dirs):
            try:
                Path(folder).rmdir()  # only when empty: anything else there is not ours
            except OSError:
                pass
        return True

    def _remove_file(self, entry: dict) -> None:
        path = Path(entry["path"])
        if not (path.exists() or path.is_symlink()):
            self.say(f"Already gone: {path}")
            return
        if "link_to" in entry:
            ours = path.is_symlink() and os.readlink(path) == entry["link_to"]
        else:
            try:
                ours = _sha256(path.read_bytes()) == entry["sha256"]
            except OSError:
                ours = False
        if not ours:
            self.say(f"Left {path} in place: it was changed after it was installed.")
            return
        path.unlink()
        self.say(f"Removed {entry['what']}: {path}")

    def _refresh_mime_cache(self, manifest: Manifest) -> None:
        apps = self.places.applications_dir
        others = list(apps.glob("*.desktop")) if apps.is_dir() else []
        if manifest.mime_cache_created and not others:
            (apps / "mimeinfo.cache").unlink(missing_ok=True)
        elif apps.is_dir():
            _run_quietly("update-desktop-database", str(apps))
