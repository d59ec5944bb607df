"""`scorereader plan`: a dated, printable retake plan (PDF; optionally HTML, iCalendar, JSON Lines)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import ScoreReaderError, UsageError
from ..text import one_line
from .common import baseline_option, for_each_file, ocr_option


def _hours(ctx: click.Context, param: click.Parameter, value: float) -> float:
    if value is not None and (value <= 0 or value > 100 or abs(value * 2 - round(value * 2)) > 1e-9):
        raise click.BadParameter("must be a positive number of hours in steps of 0.5 (e.g. 8 or 7.5).")
    return value


def summary_lines(plan) -> list[str]:  # noqa: ANN001 - scorereader.plan.Plan (imported lazily)
    from ..render.html import fmt_day, plan_title

    who = f" for {plan.candidate['name']}" if plan.candidate.get("name") else ""
    first = (f"{plan.exam_code or 'Exam'}{who}: {plan_title(plan).lower()}, {plan.weeks} week"
             f"{'s' if plan.weeks != 1 else ''} × {plan.hours_per_week:g} h = {plan.total_hours:g} h "
             f"from {fmt_day(plan.start)}")
    if plan.foundation_first:
        first += f" (foundations first: {plan.foundation_first})"
    top = ", ".join(f"{d.name} ({d.hours:g} h)" for d in plan.top_domains) or "—"
    if plan.target_code and plan.target_code != plan.exam_code:
        first += f" → sit {plan.target_code}"
    earliest = "now" if plan.earliest_is_past else fmt_day(plan.earliest_retake)
    dates = (f"Earliest retake {earliest} · " if plan.earliest_retake else "") + \
        f"{'ready for the next exam' if plan.kind == 'strengthen' else 'recommended exam date'} " \
        f"{fmt_day(plan.recommended_exam_date)}"
    if plan.patterns:
        dates += " · " + ", ".join(p.title.lower() for p in plan.patterns)
    return [first, *(f"  Notice: {n}" for n in plan.notices), f"  Fix first: {top}",
            f"  {dates[0].upper() + dates[1:]}"]


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(readable=False))
@click.option("-o", "--output", metavar="PATH", default=None,
              help="Output PDF (one input) or directory (ends with / or exists); default: beside each input.")
@click.option("--weeks", type=click.IntRange(1, 104), default=None,
              help="Number of study weeks (default: from the number of weak areas).")
@click.option("--hours-per-week", type=float, default=None, callback=_hours,
              help="Study hours per week (steps of 0.5; default: by the exam's level, 8 for associate exams).")
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), default=None, help="First study day (default: today).")
@click.option("--attempt", type=click.IntRange(1, 100), default=None,
              help="Which attempt the report was (1 = first; sets the earliest retake date).")
@click.option("--first-attempt", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Date of the first attempt in the current 12-month window (the fifth-failure rule).")
@click.option("--paper", type=click.Choice(["a4", "letter"], case_sensitive=False), default="a4", show_default=True)
@click.option("--html", "want_html", is_flag=True, help="Also write the plan as HTML.")
@click.option("--ics", "want_ics", is_flag=True, help="Also write an iCalendar (.ics) file of the schedule.")
@click.option("--json", "as_json", is_flag=True, help="Print the plan model, one JSON object per line.")
@click.option("--template-dir", type=click.Path(exists=True, file_okay=False), default=None,
              help="Templates that override the packaged ones (same file names).")
@click.option("--open", "open_after", is_flag=True, help="Open each plan in the default viewer once written.")
@click.option("--gui", is_flag=True,
              help="Started from a launcher: also show errors as a notification and in <file>.scorereader-error.txt.")
@baseline_option
@ocr_option
@click.pass_context
def plan(ctx: click.Context, files: tuple[str, ...], output: str | None, weeks: int | None,
         hours_per_week: float | None, start, attempt: int | None, first_attempt, paper: str,  # noqa: ANN001
         want_html: bool, want_ics: bool, as_json: bool, template_dir: str | None, baseline: float | None,
         ocr: str, open_after: bool, gui: bool) -> None:
    """Write <stem>.retake-plan.pdf for each score report."""
    from ..pipeline import read_report
    from ..plan import PlanOptions, build_plan
    from ..render.outputs import choose_paths, write_plan_outputs

    debug = bool(ctx.obj and ctx.obj.get("debug"))
    many = len(files) > 1
    if output and many and Path(output).exists() and not Path(output).is_dir():
        raise UsageError(f"-o {output}: with several input files, -o must be a directory.")
    options = PlanOptions(start=start.date() if start else None, weeks=weeks,
                          hours_per_week=hours_per_week, attempt=attempt,
                          first_attempt=first_attempt.date() if first_attempt else None)
    formats = ["pdf"] + (["html"] if want_html else []) + (["ics"] if want_ics else [])
    inputs = [Path(f) for f in files]
    taken: set[str] = set()

    def work(path: str) -> None:
        report = read_report(path, baseline=baseline, ocr=ocr)
        try:
            result = build_plan(report, options)
        except (ValueError, OverflowError) as err:  # e.g. --start 9999-12-20: dates past year 9999
            raise UsageError(f"{path}: cannot plan from these options ({err}).") from err
        except ScoreReaderError:
            raise
        except Exception as err:  # noqa: BLE001 - one bad file must not stop the rest
            if debug:
                raise
            err2 = ScoreReaderError(f"{path}: could not plan ({type(err).__name__}: {err}); please report it.")
            raise err2 from err
        paths = choose_paths(result, Path(path), output=output, many=many, formats=formats, inputs=inputs,
                             taken=taken)
        written = write_plan_outputs(result, paths, source=Path(path), paper=paper.lower(),
                                     template_dir=template_dir).paths
        if as_json:
            click.echo(json.dumps(result.to_json(), ensure_ascii=False))
            sys.stdout.flush()
        for line in [f"{path} → {', '.join(str(w) for w in written)}", *summary_lines(result)]:
            click.echo(one_line(line), err=as_json)
        if open_after:
            from ..desktop.opener import open_plan

            open_plan(paths["pdf"], gui=gui)

    if gui:
        from ..desktop.gui import reporting_errors

        work = reporting_errors(work)
    _, code = for_each_file(files, work, debug)
    ctx.exit(code)
