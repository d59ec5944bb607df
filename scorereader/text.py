"""Text taken from a document or a file name, made safe to print, to put in a CSV or a file name.

A report's text layer (or a file name) can hold terminal escape sequences (`ESC ]0;…`, `ESC [2J`,
OSC 52 clipboard writes): C0 and C1 control characters never reach a terminal or an output.
"""
from __future__ import annotations

import re

_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")       # keeps \t and \n (line structure)
_CONTROLS_ALL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_NAME_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f/\\]")


def strip_controls(text: str) -> str:
    """`text` without C0/C1 control characters (tab and newline kept)."""
    return _CONTROLS.sub("", text) if text else text


def one_line(text: str) -> str:
    """For a message or a CSV cell: every control character (newlines too) becomes a visible '?'."""
    return _CONTROLS_ALL.sub("?", text) if text else text


def clean_name(text: str) -> str:
    """A file-name part: no control characters, no path separators."""
    return _NAME_UNSAFE.sub("_", text).strip() if text else text
