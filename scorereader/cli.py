"""Command line: parses arguments, calls library functions, maps typed errors to exit codes once.

Commands are imported lazily so `scorereader --help` never loads pdfplumber or WeasyPrint.
"""
from __future__ import annotations

import importlib
import os
import sys

import click

from . import __version__
from .errors import BrokenInstall, ExitCode, ScoreReaderError

# command name -> "module:attribute"; each command lives beside the code it drives.
COMMANDS = {
    "parse": "scorereader.commands.parse:parse",
    "plan": "scorereader.commands.plan:plan",
    "batch": "scorereader.commands.batch:batch",
    "exams": "scorereader.commands.exams:exams",
    "install-launcher": "scorereader.commands.install_launcher:install_launcher",
}
HELP = {
    "parse": "Read score reports and print the model (table, or JSON Lines with --json).",
    "plan": "Write a dated, printable retake plan PDF for each report.",
    "batch": "Plan every report in a folder, with a cohort summary.",
    "exams": "List the exam catalog.",
    "install-launcher": "Install a desktop drop target (Linux), Send to entry (Windows) or droplet (macOS).",
}


class LazyGroup(click.Group):
    """A group whose commands load on first use, and where `scorereader FILE` means `plan FILE`."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, attr = target.split(":")
        try:
            return getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError) as err:
            # a known command that cannot load is a broken install, not a typo (exit 1, not 2)
            raise BrokenInstall(f"the '{name}' command cannot be loaded ({type(err).__name__}: {err}); "
                                "reinstall scorereader (pip install --force-reinstall scorereader).") from err

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(n, HELP[n]) for n in COMMANDS])

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """`scorereader --open FILE` is the drop target too: the first argument that is neither a
        group option nor a command starts `plan`'s arguments (its options included)."""
        args = _debug_first(args)
        group_options = {o for p in self.params for o in [*p.opts, *p.secondary_opts]}
        group_options |= set(ctx.help_option_names)
        for i, arg in enumerate(args):
            if arg in group_options:
                continue
            if arg.startswith("-") and arg != "--":
                args = [*args[:i], "plan", *args[i:]]
            break
        return super().parse_args(ctx, args)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        if args and args[0] not in COMMANDS and not args[0].startswith("-"):
            args = ["plan", *args]  # the drop target
        return super().resolve_command(ctx, args)


def _debug_first(args: list[str]) -> list[str]:
    """`--debug` anywhere before `--` (e.g. `scorereader parse --debug FILE`) is the group's option."""
    end = args.index("--") if "--" in args else len(args)
    if "--debug" not in args[:end]:
        return args
    return ["--debug", *[a for a in args[:end] if a != "--debug"], *args[end:]]


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="scorereader")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Read a certification score report and plan the retake. Runs locally; nothing leaves the machine.

    \b
    scorereader REPORT.pdf          write REPORT.retake-plan.pdf beside it
    scorereader parse --json FILE   print the model as JSON Lines
    scorereader -- -REPORT.pdf      a file whose name starts with a dash: put -- before it
    """
    ctx.obj = {"debug": debug}


def fail(err: BaseException, debug: bool) -> int:
    """Print one sentence (or the traceback with --debug) and return the exit code."""
    if debug:
        import traceback

        traceback.print_exception(err)
    if isinstance(err, ScoreReaderError):
        click.echo(f"scorereader: {err}", err=True)
        return int(err.exit_code)
    click.echo(f"scorereader: internal error ({type(err).__name__}: {err}); "
               "please report it, with --debug output.", err=True)
    return int(ExitCode.internal)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if "--" in args and not any(a in COMMANDS for a in args[: args.index("--")]):
        i = args.index("--")  # `scorereader -- -dash.pdf`: the drop target, with names that look like options
        args = [*args[:i], "plan", *args[i:]]
    debug = "--debug" in _debug_first(args)[:1] or os.environ.get("SCOREREADER_DEBUG") == "1"
    failed: tuple[BaseException, str] | None = None
    try:
        rc = cli.main(args=args, prog_name="scorereader", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("scorereader: interrupted.", err=True)
        rc = 130
    except click.ClickException as err:
        err.show()
        rc, failed = int(ExitCode.usage), (err, err.format_message())
    except ScoreReaderError as err:
        rc, failed = fail(err, debug), (err, str(err))
    except Exception as err:  # noqa: BLE001 - the one place that turns bugs into exit code 1
        rc, failed = fail(err, debug), (err, f"{type(err).__name__}: {err}")
    if failed and "--gui" in args:  # started from a launcher: the message must reach the person
        from .desktop.gui import gui_requested, report_uncaught

        if gui_requested(args):
            report_uncaught(failed[0], failed[1], rc)
    sys.exit(rc if isinstance(rc, int) else 0)
