"""`scorereader exams [CODE] [--json] [--on DATE]`: the catalog and the exam landscape on a date.

Without CODE: one exam a line with level and status (current / retiring on DATE / retired → successor).
With CODE: that exam's outline history, oldest first, with what changed between versions.
"""
from __future__ import annotations

import datetime as dt
import json

import click

from ..errors import UsageError


@click.command()
@click.argument("code", required=False)
@click.option("--json", "as_json", is_flag=True,
              help="JSON Lines: one exam per line (with CODE: one line per outline version).")
@click.option("--on", "on_day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Status as of this date (YYYY-MM-DD); default today.")
def exams(code: str | None, as_json: bool, on_day: dt.datetime | None) -> None:
    """List the exam catalog, or one exam's outline history."""
    from .. import catalog

    today = on_day.date() if on_day else dt.date.today()
    if code:
        exam = catalog.get_exam(code)
        if exam is None:
            raise UsageError(f"{code!r} is not an exam in the catalog (see 'scorereader exams').")
        _history(exam, today, as_json)
        return
    for exam in catalog.all_exams():
        if as_json:
            click.echo(json.dumps(_summary(exam, today), ensure_ascii=False))
        else:
            _line(exam, today)


def _summary(exam, today: dt.date) -> dict:
    from ..catalog.landscape import status_of

    status = status_of(exam, today)
    return {
        "code": exam.code, "title": exam.title, "level": exam.level,
        "status": status.kind, "status_text": status.describe(),
        "retired": exam.retired.isoformat() if exam.retired else None,
        "successor": exam.successor, "successor_areas": exam.successor_areas or None,
        "foundation": exam.foundation, "prerequisite": exam.prerequisite,
        "outlines": [o.effective.isoformat() for o in exam.outlines],
        "domains": [d.name for d in exam.outlines[-1].domains],
        "sources": [{"url": s.url, "title": s.title, "read": s.read.isoformat()} for s in exam.sources],
    }


def _line(exam, today: dt.date) -> None:
    from ..catalog.landscape import status_of

    click.echo(f"{exam.code:<7} {exam.level:<12} {status_of(exam, today).describe():<32} {exam.title}")
    extra = [f"outlines {', '.join(o.effective.isoformat() for o in exam.outlines)}"]
    if exam.foundation:
        extra.append(f"foundation {exam.foundation}")
    if exam.prerequisite:
        extra.append(f"requires {exam.prerequisite}")
    click.echo(" " * 8 + "; ".join(extra))


def _history(exam, today: dt.date, as_json: bool) -> None:
    from ..catalog.landscape import status_of

    previous = None
    if not as_json:
        click.echo(f"{exam.code}  {exam.title}  ({exam.level}; {status_of(exam, today).describe()})")
        if exam.successor_areas:
            pairs = ", ".join(f"{a} → {b}" for a, b in exam.successor_areas.items())
            click.echo(f"  areas carried to {exam.successor}: {pairs}")
    for outline in exam.outlines:
        changes = _changes(previous, outline)
        if as_json:
            click.echo(json.dumps({
                "code": exam.code, "effective": outline.effective.isoformat(), "certainty": outline.certainty,
                "source": outline.source, "changes": changes, "advice": outline.advice or None,
                "domains": [{"key": d.key, "name": d.name, "weight": [d.weight_min, d.weight_max],
                             "skills": list(d.skills), "hands_on": d.hands_on} for d in outline.domains],
            }, ensure_ascii=False))
        else:
            click.echo(f"\n  as of {outline.effective.isoformat()}  [{outline.certainty}]  {outline.source}")
            for d in outline.domains:
                click.echo(f"    {d.weight_min:>2}–{d.weight_max:<3}% {d.name}  ({d.key})")
            for change in changes:
                click.echo(f"    · {change}")
        previous = outline


def _changes(older, newer) -> list[str]:
    """What a version changed against the one before, by stable area key."""
    if older is None:
        return []
    old = {d.key: d for d in older.domains}
    new = {d.key: d for d in newer.domains}
    out = [f"added {new[k].name}" for k in new if k not in old]
    out += [f"removed {old[k].name}" for k in old if k not in new]
    for key in (k for k in new if k in old):
        a, b = old[key], new[key]
        if a.name != b.name:
            out.append(f"renamed '{a.name}' → '{b.name}'")
        if (a.weight_min, a.weight_max) != (b.weight_min, b.weight_max):
            out.append(f"{b.name}: {a.weight_min}–{a.weight_max} % → {b.weight_min}–{b.weight_max} %")
    return out
