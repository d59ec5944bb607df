"""`scorereader exams`: the catalog listing (status and level), JSON Lines, and one exam's history."""
from __future__ import annotations

import json

from click.testing import CliRunner

from scorereader.cli import cli


def _run(*args: str):
    return CliRunner().invoke(cli, ["exams", *args])


def test_json_lists_every_exam_with_status() -> None:
    result = _run("--json", "--on", "2026-12-05")
    assert result.exit_code == 0, result.output
    rows = {r["code"]: r for r in map(json.loads, result.output.splitlines())}
    assert rows["AZ-800"]["status"] == "retired" and rows["AZ-800"]["successor"] == "AZ-802"
    assert rows["AZ-800"]["status_text"] == "retired 2026-09-30 → AZ-802"
    assert rows["MS-102"]["status"] == "retired" and rows["MS-102"]["retired"] == "2026-11-30"
    assert rows["AI-200"]["status"] == "current" and rows["AI-200"]["level"] == "associate"
    assert rows["AZ-305"]["prerequisite"] == "AZ-104"
    assert all(r["sources"] for r in rows.values())


def test_status_depends_on_the_date() -> None:
    before = {r["code"]: r for r in map(json.loads, _run("--json", "--on", "2026-09-01").output.splitlines())}
    assert before["AZ-800"]["status_text"] == "retiring on 2026-09-30 → AZ-802"
    assert before["MS-102"]["status"] == "retiring"


def test_table_shows_level_and_status() -> None:
    out = _run("--on", "2026-12-05").output
    line = next(l for l in out.splitlines() if l.startswith("AZ-204"))
    assert "associate" in line and "retired 2026-07-31 → AI-200" in line


def test_one_exam_history_shows_versions_and_changes() -> None:
    result = _run("AZ-104")
    assert result.exit_code == 0
    assert result.output.count("as of ") == 4
    assert "renamed 'Configure and manage virtual networking' → 'Implement and manage virtual networking'" in result.output
    rows = [json.loads(l) for l in _run("az104", "--json").output.splitlines()]
    assert [r["effective"] for r in rows] == ["2020-04-02", "2021-04-23", "2023-10-27", "2026-04-17"]
    history = _run("AZ-800", "--on", "2026-12-05").output
    assert "areas carried to AZ-802" in history and "virtualization → vms" in history


def test_unknown_code_is_a_usage_error(capsys) -> None:
    import pytest

    from scorereader.cli import main

    with pytest.raises(SystemExit) as info:
        main(["exams", "ZZ-999"])
    err = capsys.readouterr().err
    assert info.value.code == 2
    assert err.strip() == "scorereader: 'ZZ-999' is not an exam in the catalog (see 'scorereader exams')."
