"""`scorereader install-launcher`: a drop target for people who do not use a terminal.

Linux: a .desktop entry (menu and "Open With"; with --desktop also an icon on the desktop) and its
icon; Windows: a "Send to" entry; macOS: a droplet app. --uninstall removes exactly that.
"""
from __future__ import annotations

import click

from ..errors import UsageError


@click.command("install-launcher")
@click.option("--desktop", is_flag=True, help="Also put a drop-target icon on the desktop.")
@click.option("--uninstall", is_flag=True, help="Remove exactly what install-launcher installed.")
def install_launcher(desktop: bool, uninstall: bool) -> None:
    """Install a launcher: drop a score report on it and the plan opens when it is written."""
    from ..desktop.install import Installer
    from ..desktop.places import Places

    if desktop and uninstall:
        raise UsageError("--uninstall removes everything install-launcher installed; leave out --desktop.")
    installer = Installer(Places(), say=click.echo)
    if uninstall:
        if installer.uninstall():
            click.echo("The launcher is removed.")
        return
    if installer.install(desktop) is None:
        return
    how = {"windows": "right-click a score report → Send to → scorereader - retake plan",
           "macos": "drop a score report on scorereader in Applications",
           "freedesktop": "right-click a score report → Open With → scorereader"}[installer.places.kind]
    if desktop:
        how = "drop a score report on the scorereader icon on your desktop, or " + how
    click.echo(f"Ready: {how}. The plan is written beside the report and opens by itself.")
