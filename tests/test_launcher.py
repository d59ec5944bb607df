"""The desktop drop target (issue 16): install-launcher, the .desktop Exec line run as a launcher
runs it, `--open`, and errors that reach someone without a terminal.

Real parts: the installed .desktop file is checked by desktop-file-validate and launched by GLib's
own launcher (`gio launch`); the plan is read by the real pipeline and the PDF read back. Stubs only
for what cannot run here: the viewer (`xdg-open`), the notifier (`notify-send`), macOS `osacompile`.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pdfplumber
import pytest

from conftest import FIXTURES, ROOT

REPORT = FIXTURES / "text" / "az104-fail-classic.pdf"
BROKEN = FIXTURES / "bad" / "truncated.pdf"


# ------------------------------------------------------------------------------ helpers
@pytest.fixture
def desk(tmp_path):
    """A user session in tmp: HOME, XDG dirs, and stub viewer/notifier that record their calls."""
    home = tmp_path / "home"
    home.mkdir()
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    calls = tmp_path / "calls"
    calls.mkdir()
    for tool in ("xdg-open", "notify-send"):
        _stub(stubs / tool, f'printf "%s\\n" "$@" > "{calls}/{tool}.$$"\n')
    env = dict(os.environ, HOME=str(home), PATH=f"{stubs}{os.pathsep}{os.environ['PATH']}",
               XDG_DATA_HOME=str(home / ".local" / "share"), XDG_CONFIG_HOME=str(home / ".config"),
               OMP_THREAD_LIMIT="1", PYTHONWARNINGS="ignore")
    env.pop("XDG_DESKTOP_DIR", None)
    return {"home": home, "stubs": stubs, "calls": calls, "env": env, "tmp": tmp_path}


def _stub(path: Path, body: str) -> None:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)


def recorded(desk, tool: str) -> list[list[str]]:
    return [p.read_text().splitlines() for p in sorted(desk["calls"].glob(f"{tool}.*"))]


def scorereader(desk, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    import sys

    return subprocess.run([sys.executable, "-m", "scorereader", *args], capture_output=True, text=True,
                          env=desk["env"], cwd=cwd or ROOT, timeout=300)


def install(desk, *flags: str) -> subprocess.CompletedProcess:
    proc = scorereader(desk, "install-launcher", *flags)
    assert proc.returncode == 0, proc.stderr
    return proc


def desktop_files(desk) -> list[Path]:
    return [desk["home"] / ".local/share/applications/scorereader.desktop", desk["home"] / "Desktop/scorereader.desktop"]


def exec_argv(desktop_file: Path, files: list[Path]) -> list[str]:
    """The Exec key as a launcher reads it (Desktop Entry Specification 1.4, "The Exec key"):
    string-value unescape, then split with double-quote quoting, then expand %F / %%."""
    line = next(l for l in desktop_file.read_text().splitlines() if l.startswith("Exec="))[5:]
    value, i = [], 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line):
            value.append({"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}.get(line[i + 1], "\\" + line[i + 1]))
            i += 2
        else:
            value.append(line[i])
            i += 1
    text, args, cur, quoted, in_quotes, i = "".join(value), [], "", False, False, 0
    while i < len(text):
        c = text[i]
        if in_quotes and c == "\\" and text[i + 1:i + 2] in ('"', "`", "$", "\\"):
            cur, i = cur + text[i + 1], i + 2
            continue
        if c == '"':
            in_quotes, quoted = not in_quotes, True
        elif c == " " and not in_quotes:
            if cur or quoted:
                args.append(cur)
            cur, quoted = "", False
        else:
            cur += c
        i += 1
    if cur or quoted:
        args.append(cur)
    out: list[str] = []
    for a in args:
        if a == "%F":
            out += [str(f) for f in files]
        else:
            out.append(a.replace("%%", "%"))
    return out


def dropped(desk, source: Path, name: str = "scorereport (1).pdf") -> Path:
    """A downloaded report in a folder whose path has spaces and parentheses."""
    folder = desk["tmp"] / "My Documents (exam AZ-104)" / "score reports"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    shutil.copyfile(source, target)
    return target


def launch(desk, argv: list[str]) -> subprocess.CompletedProcess:
    """Run as a desktop launcher does: from the home folder, with no terminal. A `scorereader`
    package in the home folder must not shadow the installed one."""
    shadow = desk["home"] / "scorereader"
    shadow.mkdir(exist_ok=True)
    (shadow / "__init__.py").write_text("raise SystemExit('a scorereader folder in the launch directory was imported')\n")
    return subprocess.run(argv, capture_output=True, text=True, env=desk["env"], cwd=desk["home"],
                          stdin=subprocess.DEVNULL, timeout=300)


def snapshot(root: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None) for p in sorted(root.rglob("*"))}


# ------------------------------------------------------------------------------ the .desktop file
def test_desktop_entries_validate(desk):
    tool = shutil.which("desktop-file-validate")
    assert tool, "desktop-file-validate is missing: run `make sysdeps` (Debian package desktop-file-utils)"
    proc = install(desk, "--desktop")
    for entry in desktop_files(desk):
        assert entry.is_file(), proc.stdout
        assert str(entry) in proc.stdout  # it says where it installed
        check = subprocess.run([tool, str(entry)], capture_output=True, text=True)
        assert check.returncode == 0 and "error" not in check.stdout + check.stderr, check.stdout + check.stderr
        text = entry.read_text()
        assert "MimeType=application/pdf;image/png;image/jpeg;image/webp;image/tiff;" in text
        assert " %F" in text and "Terminal=false" in text
    assert os.access(desktop_files(desk)[1], os.X_OK)  # desktops launch only executable desktop files
    icon = desk["home"] / ".local/share/icons/hicolor/scalable/apps/scorereader.svg"
    assert icon.read_bytes().startswith(b"<?xml") and f"Icon={icon}" in desktop_files(desk)[0].read_text()


def test_exec_line_writes_the_plan_and_opens_it(desk):
    install(desk)
    report = dropped(desk, REPORT)
    before = set(report.parent.iterdir())
    proc = launch(desk, exec_argv(desktop_files(desk)[0], [report]))
    assert proc.returncode == 0, proc.stderr
    new = sorted(set(report.parent.iterdir()) - before)
    plans = [p for p in new if p.suffix == ".pdf"]
    assert len(plans) == 1 and len(new) == 1, new
    with pdfplumber.open(plans[0]) as pdf:
        assert "AZ-104" in pdf.pages[0].extract_text()
    assert recorded(desk, "xdg-open") == [[str(plans[0])]]
    assert recorded(desk, "notify-send") == []


def test_gio_launches_the_installed_entry(desk):
    """GLib's own launcher expands %F and quotes the paths: the real drop path on GNOME and others."""
    gio = shutil.which("gio")
    assert gio, "gio is missing: run `make sysdeps` (Debian package libglib2.0-bin)"
    install(desk)
    report = dropped(desk, REPORT, "scorereport (2).pdf")
    subprocess.run([gio, "launch", str(desktop_files(desk)[0]), str(report)], env=desk["env"], cwd=desk["home"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=60)
    deadline = time.monotonic() + 240
    while not recorded(desk, "xdg-open") and time.monotonic() < deadline:
        time.sleep(0.5)
    opened = recorded(desk, "xdg-open")
    assert len(opened) == 1 and Path(opened[0][0]).parent == report.parent and Path(opened[0][0]).is_file()


def test_unreadable_drop_writes_an_error_file_and_notifies(desk):
    install(desk)
    bad = dropped(desk, BROKEN, "scorereport (3).pdf")
    proc = launch(desk, exec_argv(desktop_files(desk)[0], [bad]))
    assert proc.returncode == 3 and "Traceback" not in proc.stderr, proc.stderr
    error_file = bad.with_name("scorereport (3).pdf.scorereader-error.txt")
    text = error_file.read_text(encoding="utf-8")
    assert "What was wrong" in text and "could not read this file" in text and str(bad) in text
    assert "What to try" in text and "download the report again" in text
    assert str(error_file) in proc.stderr
    (note,) = recorded(desk, "notify-send")
    assert any("no plan made" in a for a in note) and any(str(error_file) in a for a in note)
    assert recorded(desk, "xdg-open") == []
    assert sorted(p.name for p in bad.parent.iterdir()) == [bad.name, error_file.name]  # no plan


def test_a_good_file_still_planned_beside_a_bad_one_and_old_error_file_goes(desk):
    install(desk)
    good = dropped(desk, REPORT, "scorereport.pdf")
    stale = good.with_name("scorereport.pdf.scorereader-error.txt")
    stale.write_text("scorereader could not make a retake plan from this file.\n")
    bad = dropped(desk, FIXTURES / "bad" / "not-a-report.pdf", "notes (draft).pdf")
    proc = launch(desk, exec_argv(desktop_files(desk)[0], [bad, good]))
    assert proc.returncode == 4, proc.stderr
    assert "does not look like a Microsoft certification score report" in \
        bad.with_name("notes (draft).pdf.scorereader-error.txt").read_text()
    assert not stale.exists()  # the report that now worked has no stale error beside it
    (opened,) = recorded(desk, "xdg-open")
    assert Path(opened[0]).parent == good.parent and Path(opened[0]).is_file()


def test_started_without_a_file(desk):
    install(desk)
    argv = exec_argv(desktop_files(desk)[0], [])
    proc = launch(desk, argv)
    assert proc.returncode == 2
    (note,) = recorded(desk, "notify-send")
    assert any("without a file" in a for a in note)
    assert not list(desk["home"].rglob("*.scorereader-error.txt"))  # notified: no file left anywhere
    (desk["stubs"] / "notify-send").unlink()  # no notifier: the message goes to a file on the desktop
    (desk["home"] / "Desktop").mkdir()
    proc = launch(desk, argv)
    assert proc.returncode == 2
    assert "Drag the score report" in (desk["home"] / "Desktop/scorereader.scorereader-error.txt").read_text()


def test_without_gui_no_error_file(desk):
    """Scripts and CI have no terminal either: only --gui writes error files."""
    bad = dropped(desk, BROKEN)
    proc = scorereader(desk, "plan", "--open", str(bad))
    assert proc.returncode == 3
    assert sorted(bad.parent.iterdir()) == [bad] and recorded(desk, "notify-send") == []


def test_open_failure_is_not_an_error(desk):
    calls = desk["calls"]
    _stub(desk["stubs"] / "xdg-open", f'dirname "$1" > "{calls}/tried"; exit 3\n')
    report = dropped(desk, REPORT)
    proc = scorereader(desk, "--open", "--gui", str(report))  # the drop-target form: no `plan`
    assert proc.returncode == 0, proc.stderr
    assert len(recorded(desk, "xdg-open")) == 0 and (desk["calls"] / "tried").read_text().strip() == str(report.parent)
    assert "could not be opened" not in proc.stdout and "found no application for PDF files" in proc.stderr
    (note,) = recorded(desk, "notify-send")
    assert any("your plan is ready" in a for a in note)


# ------------------------------------------------------------------------------ install / uninstall
def test_install_then_uninstall_leaves_nothing(desk):
    home = desk["home"]
    before = snapshot(home)
    install(desk, "--desktop")
    assert snapshot(home) != before
    proc = scorereader(desk, "install-launcher", "--uninstall")
    assert proc.returncode == 0 and "Removed" in proc.stdout
    assert snapshot(home) == before


def test_uninstall_keeps_what_was_there_before_and_what_the_user_changed(desk):
    home = desk["home"]
    apps = home / ".local/share/applications"
    apps.mkdir(parents=True)
    (apps / "editor.desktop").write_text("[Desktop Entry]\nType=Application\nName=Editor\nExec=editor %F\n"
                                         "MimeType=text/plain;\n")
    subprocess.run(["update-desktop-database", str(apps)], check=True)
    (home / "Desktop").mkdir()
    before = snapshot(home)
    install(desk, "--desktop")
    install(desk, "--desktop")  # a second install replaces the first
    assert len(list(apps.glob("scorereader*"))) == 1
    assert "scorereader.desktop" in (apps / "mimeinfo.cache").read_text()
    scorereader(desk, "install-launcher", "--uninstall")
    assert snapshot(home) == before

    install(desk, "--desktop")
    edited = home / "Desktop/scorereader.desktop"
    edited.write_text(edited.read_text() + "X-Edited=true\n")
    proc = scorereader(desk, "install-launcher", "--uninstall")
    assert edited.exists() and "changed after it was installed" in proc.stdout
    assert not (apps / "scorereader.desktop").exists()


def test_refuses_to_overwrite_a_launcher_it_did_not_install(desk):
    apps = desk["home"] / ".local/share/applications"
    apps.mkdir(parents=True)
    (apps / "scorereader.desktop").write_text("mine")
    proc = scorereader(desk, "install-launcher")
    assert proc.returncode == 2 and "was not installed by scorereader" in proc.stderr
    assert (apps / "scorereader.desktop").read_text() == "mine"


def test_uninstall_with_nothing_installed(desk):
    proc = scorereader(desk, "install-launcher", "--uninstall")
    assert proc.returncode == 0 and "No launcher installed" in proc.stdout


# ------------------------------------------------------------------------------ Windows and macOS, faked
def test_windows_send_to(tmp_path):
    from scorereader.desktop.install import Installer
    from scorereader.desktop.places import Places

    home = tmp_path / "Users" / "Ana María"
    roaming = home / "AppData" / "Roaming"
    home.mkdir(parents=True)
    places = Places(platform="win32", home=home, env={"APPDATA": str(roaming), "USERPROFILE": str(home)})
    said: list[str] = []
    Installer(places, say=said.append, python=r"C:\Program Files\Python311\python.exe").install(desktop=True)
    cmd = roaming / "Microsoft/Windows/SendTo/scorereader - retake plan.cmd"
    data = cmd.read_bytes()
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert '"C:\\Program Files\\Python311\\python.exe" -P -m scorereader plan --open --gui -- %*' \
        in data.decode("utf-8")
    assert (home / "Desktop" / cmd.name).read_bytes() == data
    assert any(str(cmd) in line for line in said)
    Installer(places, say=said.append).uninstall()
    assert list(tmp_path.rglob("*")) == [tmp_path / "Users", home]  # home itself was not ours


def test_macos_droplet(tmp_path, monkeypatch):
    from scorereader.desktop.install import Installer
    from scorereader.desktop.places import Places

    stubs = tmp_path / "stubs"
    stubs.mkdir()
    # osacompile -o APP SOURCE: a stand-in that builds a bundle skeleton and keeps the script.
    _stub(stubs / "osacompile", 'mkdir -p "$2/Contents/Resources" && cp "$3" "$2/Contents/Resources/main.applescript"\n')
    monkeypatch.setenv("PATH", f"{stubs}{os.pathsep}{os.environ['PATH']}")
    home = tmp_path / "home"
    home.mkdir()
    places = Places(platform="darwin", home=home, env={})
    Installer(places, say=lambda s: None, python="/Users/ana/my venv/bin/python").install(desktop=True)
    app = home / "Applications/scorereader.app"
    script = (app / "Contents/Resources/main.applescript").read_text()
    assert "on open droppedItems" in script and "quoted form of POSIX path of anItem" in script
    assert "\"'/Users/ana/my venv/bin/python' -P -m scorereader plan --open --gui --\"" in script
    link = home / "Desktop/scorereader.app"
    assert link.is_symlink() and link.resolve() == app
    assert places.manifest.is_file()
    Installer(places, say=lambda s: None).uninstall()
    assert list(home.rglob("*")) == []

    (stubs / "osacompile").unlink()
    monkeypatch.setenv("PATH", str(stubs))
    said: list[str] = []
    assert Installer(places, say=said.append).install(desktop=False) is None
    assert "Script Editor" in said[0] and "on open droppedItems" in said[1] and list(home.rglob("*")) == []


def test_xdg_desktop_dir_is_read_from_user_dirs(tmp_path):
    from scorereader.desktop.places import Places

    (tmp_path / ".config").mkdir()
    (tmp_path / ".config/user-dirs.dirs").write_text('# comment\nXDG_DESKTOP_DIR="$HOME/Schreibtisch"\n')
    assert Places(platform="linux", home=tmp_path, env={}).desktop_dir == tmp_path / "Schreibtisch"
    assert Places(platform="linux", home=tmp_path / "x", env={}).desktop_dir == tmp_path / "x/Desktop"


def test_exec_quoting_round_trips(tmp_path):
    from scorereader.desktop.entries import desktop_entry

    command = ['/opt/my "odd" $dir\\py (3.11)/python', "-P", "100%", "--"]
    entry = tmp_path / "e.desktop"
    entry.write_text(desktop_entry(command, "/icon.svg"))
    assert exec_argv(entry, [Path("/a b/(1).pdf")]) == [*command, "/a b/(1).pdf"]
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout
