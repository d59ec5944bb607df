"""Typed failures, each carrying the SPEC exit code; the CLI maps them to one sentence in one place."""
from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    ok = 0
    internal = 1
    usage = 2
    unreadable = 3
    not_a_report = 4
    partial_batch = 5


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


class MissingDependency(InputUnreadable):
    """A system tool (Tesseract) is absent; the message says how to install it."""


class OutputUnwritable(InputUnreadable):
    pass


class NotAScoreReport(ScoreReaderError):
    """Readable, but not something we recognise as a score report."""

    exit_code = ExitCode.not_a_report


class OwnOutput(NotAScoreReport):
    """A plan or cohort PDF scorereader wrote (recognised by its metadata): never read as a report."""
