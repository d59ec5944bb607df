"""Errors say what they are: a broken install is not a typo, `--debug` works on either side of the
command, and an error class is only a subclass of what it really is a kind of."""
from __future__ import annotations

import pytest

from conftest import FIXTURES, assert_no_traceback, run_cli
from scorereader import cli
from scorereader.errors import (
    CatalogError, EncryptedInput, ExitCode, InputUnreadable, MissingDependency, OutputUnwritable,
)


@pytest.fixture
def broken_parse(tmp_path, monkeypatch):
    """The `parse` command table entry points at a module whose own import fails, as in an install
    with a dependency missing."""
    (tmp_path / "scorereader_broken_cmd.py").write_text("import a_dependency_that_is_not_installed\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(cli.COMMANDS, "parse", "scorereader_broken_cmd:parse")


def run_main(*args: str) -> int:
    with pytest.raises(SystemExit) as done:
        cli.main(list(args))
    return done.value.code


def test_broken_command_import_exits_1_with_one_sentence(broken_parse, capsys):
    code = run_main("parse", "report.pdf")
    err = capsys.readouterr().err
    assert code == 1, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert "'parse' command cannot be loaded" in lines[0] and "a_dependency_that_is_not_installed" in lines[0]
    assert "No such command" not in err and "Traceback" not in err


@pytest.mark.parametrize("args", [("--debug", "parse", "report.pdf"), ("parse", "--debug", "report.pdf"),
                                  ("parse", "report.pdf", "--debug")])
def test_broken_command_import_shows_the_traceback_under_debug(broken_parse, capsys, args):
    code = run_main(*args)
    err = capsys.readouterr().err
    assert code == 1, err
    assert "Traceback" in err and "ModuleNotFoundError" in err and "cannot be loaded" in err


def test_unknown_command_is_still_a_usage_error(capsys):
    # not a command name and not a file: the drop target reads it as a file for `plan`
    assert run_main("--no-such-option") == 2


def test_debug_after_the_command_is_accepted():
    proc = run_cli("parse", "--debug", str(FIXTURES / "bad" / "truncated.pdf"))
    assert proc.returncode == 3 and "Traceback" in proc.stderr, proc.stderr
    plain = run_cli("parse", str(FIXTURES / "bad" / "truncated.pdf"))
    assert plain.returncode == 3
    assert_no_traceback(plain)


def test_error_classes_are_only_what_they_are():
    assert not issubclass(OutputUnwritable, InputUnreadable)
    assert not issubclass(MissingDependency, InputUnreadable)
    assert issubclass(EncryptedInput, InputUnreadable)
    # exit codes as before: the SPEC's 3 for all three
    assert OutputUnwritable.exit_code == MissingDependency.exit_code == InputUnreadable.exit_code == 3
    assert CatalogError.exit_code == ExitCode.internal
    from scorereader import catalog

    assert catalog.CatalogError is CatalogError  # still importable from the catalog


def test_missing_osd_data_still_reads_the_page_upright(monkeypatch):
    """`_osd_rotation` relied on MissingDependency being an InputUnreadable; without osd.traineddata
    the page is read as it is, not refused."""
    from types import SimpleNamespace

    from scorereader.extract import ocr

    def no_osd(*args, **kwargs):
        raise MissingDependency("Tesseract's 'osd' language data is missing.")

    monkeypatch.setattr(ocr._tess, "run", no_osd)
    assert ocr._osd_rotation(SimpleNamespace(ocr=None, dpi=300)) == 0
