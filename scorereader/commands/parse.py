"""`scorereader parse`: print the model as a readable table or JSON Lines."""
from __future__ import annotations

import json
import sys

import click

from ..bands import words as band_words
from ..model import Report
from ..text import one_line, strip_controls
from .common import baseline_option, for_each_file, ocr_option

# the report's "How Your Performance Compares to Those Who Have Taken this Exam" verdict
VERSUS_LABEL = {"opportunity": "opportunity for improvement", "comparable": "comparable", "strength": "strength"}


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True, readable=False))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file (JSON Lines).")
@click.option("--explain", is_flag=True, help="Also write <stem>.explain-p<N>.png showing what was read where.")
@baseline_option
@ocr_option
@click.pass_context
def parse(ctx: click.Context, files: tuple[str, ...], as_json: bool, explain: bool,
          baseline: float | None, ocr: str) -> None:
    """Read score reports and print what they say."""
    from ..pipeline import parse_file

    def work(path: str) -> None:
        parsed = parse_file(path, baseline=baseline, ocr=ocr)
        if as_json:
            click.echo(json.dumps(parsed.report.to_json(), ensure_ascii=False))
        else:
            click.echo(strip_controls(format_table(parsed.report)))
        if explain:
            from ..explain import write_explain

            for out in write_explain(path, parsed):
                click.echo(f"explain: {out}", err=True)
        sys.stdout.flush()

    _, code = for_each_file(files, work, bool(ctx.obj and ctx.obj.get("debug")))
    ctx.exit(code)


def format_table(r: Report) -> str:
    score = "—" if r.score is None else (f"{r.score}%" if r.report_type == "practice_assessment"
                                         else f"{r.score} / {r.max_score}")
    result = {True: "PASS", False: "FAIL", None: "—"}[r.passed]
    head = [
        f"{one_line(r.source.file)}  ({r.source.method}, {r.source.pages} page{'s' if r.source.pages != 1 else ''})",
        f"  Exam       {r.exam.code or '—'}  {r.exam.title or ''}".rstrip()
        + (f"  [outline {r.exam.outline}]" if r.exam.outline else ""),
        f"  Candidate  {r.candidate.name or '—'}  (candidate ID {r.candidate.candidate_id or '—'}, "
        f"registration {r.candidate.registration_id or '—'})",
        f"  Date       {r.exam_date.isoformat() if r.exam_date else '—'}",
        f"  Score      {score}   passing {r.passing_score or '—'}   {result}",
    ]
    if r.report_type == "practice_assessment":
        head.append("  Type       practice assessment")
    width = max((len(d.name) for d in r.domains), default=10)
    width = min(width, 64)
    versus = any(d.comparison for d in r.domains)
    rows = [f"  {'Skill area':<{width}}  {'weight':>7}  {'perf.':>5}  "
            + (f"{'band':<28}  vs others who took it" if versus else "band")]
    for d in r.domains:
        weight = f"{d.weight_min}–{d.weight_max}%" if d.weight_min is not None else "—"
        perf = "—" if d.performance is None else f"{d.performance:.2f}"
        band = band_words(d.band) + (" (printed)" if d.band_source == "printed" else "")
        name = d.name if len(d.name) <= width else d.name[: width - 1] + "…"
        cmp = VERSUS_LABEL.get(d.comparison or "", "—") if versus else ""
        rows.append((f"  {name:<{width}}  {weight:>7}  {perf:>5}  {band:<28}  {cmp}" if versus
                     else f"  {name:<{width}}  {weight:>7}  {perf:>5}  {band}").rstrip())
    warn = [f"  ! {w}" for w in r.warnings]
    return "\n".join(head + [""] + rows + ([""] + warn if warn else [])) + "\n"
