"""Typed failures, each carrying the SPEC exit code; the CLI maps them to one sentence in one place.

A subclass means "is a kind of": an encrypted PDF *is* an unreadable input. Classes that only share
an exit code (an unwritable output folder, a missing Tesseract) set `exit_code` themselves, so that
`except InputUnreadable` never catches a problem with the output or the installation.
"""
from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    ok = 0
    internal = 1
    usage = 2
    unreadable = 3
    not_a_report = 4
    partial_batch = 5
    # The SPEC has no codes of their own for these; they share 3 ("the work cannot be done with what
    # is on disk"), which scripts already test for. Aliases, so each class says what it means.
    unwritable = 3
    missing_dependency = 3


class ScoreReaderError(Exception):
    """Base class: `str(err)` is the one sentence shown to the user."""

    exit_code: ExitCode = ExitCode.internal


class UsageError(ScoreReaderError):
    exit_code = ExitCode.usage


class InputUnreadable(ScoreReaderError):
    """Missing, corrupt, encrypted, unsupported type, too large."""

    exit_code = ExitCode.unreadable


class EncryptedInput(InputUnreadable):
    pass


class InputTooLarge(InputUnreadable):
    pass


class MissingDependency(ScoreReaderError):
    """A system tool (Tesseract) or its data is absent; the message says how to install it."""

    exit_code = ExitCode.missing_dependency


class OutputUnwritable(ScoreReaderError):
    """An output file or folder cannot be created or written."""

    exit_code = ExitCode.unwritable


class NotAScoreReport(ScoreReaderError):
    """Readable, but not something we recognise as a score report."""

    exit_code = ExitCode.not_a_report


class OtherProgramme(NotAScoreReport):
    """A score report of another certification programme (Pega, SAS, …): readable, but not ours."""

    def __init__(self, message: str, programme: str | None = None):
        # `programme` has a default so that the default pickling (class(message) + __dict__) can
        # rebuild it across the per-file budget's process boundary
        super().__init__(message)
        self.programme = programme


class CatalogError(ScoreReaderError):
    """A catalog data file is malformed — a bug in the shipped data, so exit code 1."""


class BrokenInstall(ScoreReaderError):
    """Part of scorereader itself (or a Python package it needs) cannot be imported."""


class OwnOutput(NotAScoreReport):
    """A plan or cohort PDF scorereader wrote (recognised by its metadata): never read as a report."""
