"""`summarizer eval`: score a backend (or stored predictions) on gold cases, gate on a baseline.

    summarizer eval evals/suite.yaml --replay evals/replays --baseline evals/baseline.json
    summarizer eval --cases evals/cases --predictions labeler2/
    summarizer eval compare A/report.json B/report.json --html compare.html

Exit codes: 0 pass, 1 a metric regressed (against the baseline or a suite threshold),
2 bad input/config, 3 the model failed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperGroup

from summarizer.atomic import atomic_write
from summarizer.backends.base import Backend
from summarizer.backends.replay import RecordingBackend, ReplayBackend
from summarizer.cli.options import NO_FLAGS, DebugOpt, ModelFlags, err_console, guarded, model_flags
from summarizer.errors import ConfigError
from summarizer.evals.candidates import staged_passages
from summarizer.evals.cases import load_cases
from summarizer.evals.compare import compare_html
from summarizer.evals.gate import check, check_tags
from summarizer.evals.report import load_report, write_reports
from summarizer.evals.runner import RunResult, default_summarize, run_cases, score_predictions
from summarizer.evals.suite import Suite, load_suite
from summarizer.evals.tables import compare_table, metrics_table, misses_table, tags_table
from summarizer.settings import Settings


class DefaultGroup(TyperGroup):
    """A group whose unknown first argument (a suite path, an option) goes to `run`."""

    default_command = "run"

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """Prepend the default command unless the first argument names a command or help.

        `ctx` is typed `Any`: typer >= 0.2x vendors click, older versions use click itself.
        """
        if not args or (args[0] not in self.commands and args[0] not in ctx.help_option_names):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=DefaultGroup,
    help="Score briefings against gold cases, field by field; gate CI on a baseline.\n\n"
    "`eval [SUITE.yaml] [--cases DIR] [--predictions DIR] ...` runs `run`, the default command.",
    add_completion=False,
    pretty_exceptions_enable=False,
)

PathOpt = Annotated[Path | None, typer.Option()]


def _suite(path: Path | None, cases: str | None, concurrency: int | None) -> Suite:
    suite = load_suite(path) if path else Suite()
    updates: dict[str, Any] = {"cases": cases, "concurrency": concurrency}
    suite = suite.model_copy(update={k: v for k, v in updates.items() if v is not None})
    if not suite.cases:
        raise ConfigError("no cases to run", hint="pass a suite file or --cases DIR")
    return suite


def _backend(settings: Settings, record: Path | None, replay: Path | None) -> Backend:
    if replay and not record:
        return ReplayBackend(replay, model=settings.model)
    from summarizer.backends import get_backend

    inner = get_backend(settings)
    if record and replay:  # replay what is recorded, record only the calls it lacks
        reuse = ReplayBackend(replay, model=inner.model)
        return RecordingBackend(inner, record, reuse=reuse)
    return RecordingBackend(inner, record) if record else inner


def _model_run(suite: Suite, settings: Settings, backend: Backend) -> RunResult:
    from summarizer.backends import cost
    from summarizer.strategies import resolve

    table = cost.load_price_table(Path(suite.price_table) if suite.price_table else None)
    chosen = resolve(settings.strategy, backend, suite.prompt)
    strategy, prompt = chosen.name, chosen.prompt
    asked = staged_passages if strategy == "staged" else None
    try:
        results = run_cases(
            suite.select(load_cases(suite.cases or "")),
            backend,
            summarize=default_summarize(suite.prompt, strategy),
            cfg=suite.scoring(),
            concurrency=suite.concurrency,
            price=cost.price_for(backend.model, table, backend=backend.name),
            console=err_console,
            show_progress=err_console.is_terminal,
            asked=asked,
        )
    finally:
        backend.close()
    meta = {
        "backend": backend.name,
        "model": backend.model,
        "prompt": prompt.name,
        "prompt_hash": prompt.hash,
        "strategy": strategy,
        "fingerprint": backend.fingerprint(),
    }
    return RunResult(results, meta)


def _meta(suite: Suite, **extra: Any) -> dict[str, Any]:
    return {
        "suite": suite.name,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cases_from": suite.cases,
        "match_threshold": suite.match_threshold,
        "soft_threshold": suite.soft_threshold,
        **{k: (str(v) if isinstance(v, Path) else v) for k, v in extra.items()},
    }


def _finish(
    run: RunResult, suite: Suite, out: Path, baseline: dict[str, Any] | None, console: Console
) -> int:
    write_reports(run, out)
    metrics = run.metrics()
    base = baseline["metrics"] if baseline else None
    regressions = check(metrics, base, suite.thresholds, suite.tolerance)
    tags = {tag: m.as_dict() for tag, m in run.tags().items()}
    base_tags = baseline.get("tags") if baseline else None
    regressions += check_tags(tags, base_tags, suite.tag_thresholds, suite.tolerance)
    console.print(metrics_table(metrics, base, suite.thresholds, regressions))
    console.print(tags_table(tags, regressions))
    misses = misses_table(run.results)
    if misses is not None:
        console.print(misses)
    console.print(Text(f"reports written to {out}"))
    if not regressions:
        return 0
    console.print(Text("regressed:", style="bold red"))
    for r in regressions:
        console.print(Text(f"  {r.describe()}"))
    return 1


def default_out() -> Path:
    """evals/reports/<UTC timestamp>/."""
    return Path("evals/reports") / dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


@app.command("run")
@model_flags
def run_command(
    suite_file: Annotated[Path | None, typer.Argument(help="Suite YAML file.")] = None,
    cases: Annotated[str | None, typer.Option("--cases", help="Dir or glob of cases.")] = None,
    predictions: Annotated[
        Path | None,
        typer.Option("--predictions", help="Score stored <case id>.json files; no model."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Report folder (report.json, report.md, junit.xml, report.html) "
            "[evals/reports/<UTC time>/].",
        ),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option("--baseline", help="report.json to gate on: exit 1 if a metric regressed."),
    ] = None,
    record: Annotated[
        Path | None,
        typer.Option(
            "--record",
            help="Store the model's answers in this dir (with --replay: replay what is "
            "recorded there, call the model only for the rest).",
        ),
    ] = None,
    replay: Annotated[
        Path | None, typer.Option("--replay", help="Answer from recordings; no network.")
    ] = None,
    concurrency: Annotated[
        int | None, typer.Option("--concurrency", min=1, help="Cases at once [suite, or 4].")
    ] = None,
    debug: DebugOpt = False,
    flags: ModelFlags = NO_FLAGS,
) -> None:
    """Run the eval (the default command): score, write reports, print tables, gate."""
    console = Console(highlight=False)
    with guarded(debug):
        suite = _suite(suite_file, cases, concurrency)
        base = load_report(baseline) if baseline else None
        if predictions is not None:
            cfg = suite.scoring()
            selected = suite.select(load_cases(suite.cases or ""))
            run = RunResult(score_predictions(selected, predictions, cfg))
            run.meta = _meta(suite, predictions=predictions)
        else:
            settings = flags.settings(
                backend=suite.backend,
                model=suite.model,
                base_url=suite.base_url,
                mode=suite.mode,
                strategy=suite.strategy,
            )
            run = _model_run(suite, settings, _backend(settings, record, replay))
            run.meta = _meta(suite, replay=replay, record=record, **run.meta)
        if base is not None and baseline is not None:
            warn_other_cases(baseline, base, [r.case.id for r in run.results])
        code = _finish(run, suite, out or default_out(), base, console)
    raise typer.Exit(code)


def warn_other_cases(path: Path, baseline: dict[str, Any], scored: list[str]) -> None:
    """One warning line when the baseline scored other cases than this run (another suite,
    or a selection): its metrics then measure something else.
    """
    cases = baseline.get("cases")
    if not isinstance(cases, list):
        return
    theirs = {str(c.get("id")) for c in cases if isinstance(c, dict)}
    ours = set(scored)
    only = [
        f"{len(ids)} only {where}, e.g. {min(ids)}"
        for ids, where in ((theirs - ours, "there"), (ours - theirs, "in this run"))
        if ids
    ]
    if only:
        err_console.print(
            f"warning: the baseline {path} scored other cases ({'; '.join(only)}); "
            "its metrics may not compare",
            markup=False,
            soft_wrap=True,
        )


@app.command()
def compare(
    a: Annotated[Path, typer.Argument(help="First report.json (or its run folder).")],
    b: Annotated[Path, typer.Argument(help="Second report.json (or its run folder).")],
    html: Annotated[
        Path | None,
        typer.Option("--html", help="Also write the comparison as one HTML page ('-': stdout)."),
    ] = None,
    debug: DebugOpt = False,
) -> None:
    """Show two runs side by side: every metric in A and B and the delta; --html adds a page
    with every tag's deltas, what improved and what regressed, and the cases that changed.
    """
    console = Console(highlight=False)
    with guarded(debug):
        ra, rb = load_report(a), load_report(b)
        if html is not None and str(html) == "-":
            typer.echo(compare_html(ra, rb, (str(a), str(b))), nl=False)
            return
        if html is not None:
            atomic_write(html, compare_html(ra, rb, (str(a), str(b))))
        console.print(compare_table(ra, rb, (str(a), str(b))))
        if html is not None:
            console.print(Text(f"comparison written to {html}"))
