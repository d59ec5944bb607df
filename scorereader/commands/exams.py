"""`scorereader exams`: the catalog, one exam a line with its outline versions."""
from __future__ import annotations

import json

import click


@click.command()
@click.option("--json", "as_json", is_flag=True, help="JSON Lines: code, title, foundation, outlines.")
def exams(as_json: bool) -> None:
    """List the exam catalog."""
    from .. import catalog

    for e in catalog.all_exams():
        outlines = [o.effective.isoformat() for o in e.outlines]
        if as_json:
            click.echo(json.dumps({"code": e.code, "title": e.title, "level": e.level,
                                   "foundation": e.foundation,
                                   "retired": e.retired.isoformat() if e.retired else None,
                                   "successor": e.successor, "outlines": outlines,
                                   "domains": [d.name for d in e.outlines[-1].domains]}))
            continue
        status = f"retired {e.retired.isoformat()}" + (f" → {e.successor}" if e.successor else "") if e.retired else ""
        click.echo(f"{e.code:<7} {e.title}")
        click.echo(f"        outlines {', '.join(outlines)}"
                   + (f"; foundation {e.foundation}" if e.foundation else "")
                   + (f"; {status}" if status else ""))
