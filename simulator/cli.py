"""The ``mailsim`` command: typer options in, library calls, rendered results out.

Only this module and render/ talk to the terminal. Every expected failure (a bad scenario
file, an export path that would escape its directory) ends with one clear message and
exit code 1, never a traceback.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .i18n import ui

# MAILSIM_LANG=ja: Japanese --help summaries, and ja as every --lang default
ENV_LANG = "ja" if os.environ.get("MAILSIM_LANG", "").startswith("ja") else "en"

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help=ui("help.app", ENV_LANG))


@app.callback()
def _options(
    debug: Annotated[bool, typer.Option("--debug", help="On an internal error (a bug in "
                                        "mailsim), also print the Python traceback")] = False,
) -> None:
    from .cli_errors import set_debug

    set_debug(debug)


class View(str, Enum):
    hops = "hops"  # the table from 120 columns up, the compact view below
    compact = "compact"
    table = "table"
    tree = "tree"
    transcript = "transcript"
    log = "log"
    timeline = "timeline"
    summary = "summary"


class Trace(str, Enum):  # the names of trace_level.py's TraceLevel
    full = "full"
    compact = "compact"
    summary = "summary"


class Lang(str, Enum):
    en = "en"
    ja = "ja"


DEFAULT_LANG = Lang(ENV_LANG)


def _help(command: str) -> str:
    return ui(f"help.{command}", ENV_LANG)


def _fail(message: str) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code=1)


def _load(path: Path, lang: str = ENV_LANG):  # type: ignore[no-untyped-def]
    from .cli_errors import working_on
    from .labs import resolve
    from .scenario import load_scenario
    from .yamlsource import ScenarioError

    working_on(path)
    try:
        return load_scenario(resolve(path))
    except ScenarioError as exc:
        _fail(ui("err.scenario", lang, error=exc))


@app.command(help=_help("run"))
def run(
    scenario: Annotated[Path, typer.Argument(help="A scenario file, e.g. scenarios/01-basic-delivery.yaml")],
    view: Annotated[View, typer.Option(help="hops: the hop table from 120 columns up, "
                                            "else one compact line per hop; compact, "
                                            "table: force either; tree: each message's path "
                                            "as a tree (where aliases and forwarding fork "
                                            "it); transcript: each connection's dialogue; "
                                            "log: /var/log/maillog; timeline: each message's "
                                            "delivery attempts and retries")] = View.hops,
    msg: Annotated[str | None, typer.Option("--msg", help="Show only this message (its "
                                                             "key, e.g. m1) and its bounces")] = None,
    json: Annotated[bool, typer.Option("--json", help="One JSON object per hop, then per outcome")] = False,
    export: Annotated[Path | None, typer.Option(help="Write every host's mailboxes and maillog under this directory")] = None,
    until: Annotated[str | None, typer.Option(help="Stop at this simulated time, e.g. 2h (default: the scenario's, or when all is done)")] = None,
    seed: Annotated[int | None, typer.Option(help="Override the scenario's random seed")] = None,
    lang: Annotated[Lang, typer.Option(help="Language of the explanations")] = DEFAULT_LANG,
    width: Annotated[int | None, typer.Option(min=40, help="Terminal width for the tables (at least 40)")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Also write the run as one "
                                                             "self-contained HTML page to this file")] = None,
    step: Annotated[bool, typer.Option("--step", help="Pause after each hop: Enter shows "
                                       "the next, q stops (the prompt goes to stderr)")] = False,
    follow: Annotated[bool, typer.Option("--follow", help="Show the hops as the simulated "
                                         "clock reaches them, under a bar of simulated time "
                                         "(on stderr, on a terminal)")] = False,
    trace: Annotated[Trace, typer.Option(help="What the trace keeps: full (everything), "
                                              "compact (every hop, no dialogues or maillog "
                                              "text), or summary (outcomes and statistics "
                                              "only, for very large runs; shows the summary "
                                              "view)")] = Trace.full,
) -> None:
    """Run a scenario and show every hop of every message, then each recipient's outcome."""
    loaded = _load(scenario, lang.value)
    if trace is Trace.summary and (step or msg is not None):  # no hops were kept
        _fail(ui("err.summary_hops", lang.value, option="--step" if step else "--msg"))
    if trace is Trace.summary:  # a long run: a bar of simulated time on a terminal's stderr
        world = _run(loaded, seed, until, lang.value, trace.value, bar=True,
                     keep_outcomes=json or html is not None)
        view = View.summary  # nothing else was kept
        follow = False  # --follow shows that same bar: nothing more to play
    elif step or follow:  # the hops printed as the clock moves; a stopped run ends here
        if trace is not Trace.full:
            _fail(ui("err.play_trace", lang.value, trace=trace.value))
        world, stopped = _play(loaded, seed, until, lang.value, width, msg, view, json, step,
                               follow)
        if stopped:
            return
    else:
        world = _run(loaded, seed, until, lang.value, trace.value)
    if msg is not None and msg not in world.trace.messages():
        _fail(ui("err.msg", lang.value, msg=msg,
                 known=", ".join(world.trace.messages()) or ui("err.none", lang.value)))
    if json:
        from .render.records import jsonl

        for line in jsonl(world, lang.value, view is View.summary):
            sys.stdout.write(line + "\n")
    elif step or follow:
        from .render.console import make_console, summary

        summary(world, make_console(width), lang.value, compact=True)
    else:
        _show(world, view, lang.value, width, msg)
    if export is not None:
        _export(world, export, lang.value)
    if html is not None:
        _html(world, html, lang.value)


def _run(loaded, seed, until, lang="en", trace="full", bar=False,  # type: ignore[no-untyped-def]
         keep_outcomes=False):
    """The run to its end; ``bar``: under a bar of simulated time (render/playback.py);
    ``keep_outcomes``: every outcome kept under --trace summary (--json, --html list them)."""
    from .model.duration import parse_duration

    world = loaded.build(seed=seed, trace=trace)
    if keep_outcomes:  # --json and --html list every recipient's outcome
        world.keep_outcomes()
    if until is not None:
        try:
            parse_duration(until)
        except ValueError as exc:
            _fail(ui("err.until", lang, error=exc, value=until))
    if bar:
        from .render.playback import run_with_bar

        return run_with_bar(world, until, lang)
    return world.run(until)


def _play(loaded, seed, until, lang: str, width: int | None,  # type: ignore[no-untyped-def]
          msg: str | None, view: View, json: bool, step: bool, follow: bool):
    """--step / --follow (render/playback.py): the world, and whether it was stopped (q)."""
    from .render.console import make_console
    from .render.playback import PlaybackError, play, stdin_ask

    world = loaded.build(seed=seed)
    try:
        return world, play(world, until, make_console(width), lang, msg, view.value, json,
                           step, follow, stdin_ask(lang))
    except PlaybackError as exc:
        _fail(str(exc))


def _show(world, view: View, lang: str, width: int | None,  # type: ignore[no-untyped-def]
          msg: str | None = None) -> None:
    from .render import console as render
    from .render.compact import TABLE_FROM, compact_lines
    from .render.timeline import messages

    out = render.make_console(width)
    if view is View.summary:
        _summary(world, out, lang)
        return
    compact = view is View.compact or (view is View.hops and out.width < TABLE_FROM)
    if compact:
        for line in compact_lines(world, lang, msg, out.width):
            out.print(line, soft_wrap=True)  # already wrapped to the width, in cells
    elif view in (View.hops, View.table):
        out.print(render.hop_table(world, lang, msg))
    elif view is View.tree:
        from .render.tree import message_tree

        for key in [msg] if msg else messages(world):
            out.print(message_tree(world, key, lang))
    elif view is View.timeline:
        for key in [msg] if msg else messages(world):
            out.print(render.timeline_table(world, key, lang))
    else:  # dialogues and logs are shown line for line, never wrapped
        lines = (render.transcript_lines if view is View.transcript else render.log_lines)(world, lang)
        for line in lines:
            out.print(line, soft_wrap=True)
    render.summary(world, out, lang, compact)


def _summary(world, out, lang: str) -> None:  # type: ignore[no-untyped-def]
    """The summary view: counts, delays, the queue; mailq of what is left; the checks."""
    from .expect import check
    from .render import console as render
    from .render.summary import summary_table

    out.print(summary_table(world, lang, out.width))
    for line in render.queue_lines(world, lang):
        out.print(line, soft_wrap=True)
    for line in render.unchecked_lines(world, lang) + render.check_lines(check(world), lang):
        out.print(line)


def _export(world, directory: Path, lang: str = "en") -> None:  # type: ignore[no-untyped-def]
    from .model.fs import FsError

    _not_kept(world, "export", lang)
    try:
        written = world.export(directory)
    except FsError as exc:
        _fail(ui("err.export", lang, dir=directory, error=exc))
    except OSError as exc:
        _fail(ui("err.export_os", lang, dir=directory, error=exc.strerror or exc))
    typer.echo(ui("export.done", lang, n=len(written), dir=directory), err=True)


def _html(world, path: Path, lang: str) -> None:  # type: ignore[no-untyped-def]
    from .render.html import write_report

    _not_kept(world, "html", lang)
    try:
        write_report(world, path, lang)
    except OSError as exc:
        _fail(ui("err.html_os", lang, path=path, error=exc.strerror or exc))
    typer.echo(ui("html.done", lang, path=path), err=True)


def _not_kept(world, what: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    from .trace_level import not_kept

    notice = not_kept(world.trace.level, what, lang)
    if notice is not None:
        typer.echo(notice, err=True)


@app.command(help=_help("shell"))
def shell(
    scenario: Annotated[Path, typer.Argument(help="A scenario file, e.g. scenarios/35-mailq-and-flush.yaml")],
    host: Annotated[str | None, typer.Option(help="The host to log in on (default: the first server)")] = None,
    user: Annotated[str | None, typer.Option(help="The user to log in as (default: root)")] = None,
    lang: Annotated[Lang, typer.Option(help="Language of the explanations")] = DEFAULT_LANG,
) -> None:
    """A shell on a simulated host: its commands, and step/run/status/events for the clock."""
    from .shell import ShellError, open_shell, scripted
    from .shell.terminal import interactive

    try:
        session = open_shell(_load(scenario, lang.value).build(), host, user, lang.value)
    except ShellError as exc:
        _fail(str(exc))

    def write(text: str) -> None:
        typer.echo(text, nl=False)
    code = interactive(session, write) if sys.stdin.isatty() else scripted(session, sys.stdin, write)
    raise typer.Exit(code=code)


@app.command(name="check", help=_help("check"))
def check_cmd(
    scenarios: Annotated[list[Path], typer.Argument(help="Scenario files to run and check")],
    lang: Annotated[Lang, typer.Option(help="Language of the check lines")] = DEFAULT_LANG,
) -> None:
    """Run scenarios and check their expect: sections; exit 1 if any expectation is unmet."""
    from .expect import check
    from .i18n import phrases

    failed = 0
    for path in scenarios:
        world = _load(path, lang.value).build().run()
        checks = check(world)
        bad = [c for c in checks if not c.ok]
        failed += len(bad)
        typer.echo(ui("check.file", lang.value, path=path, met=len(checks) - len(bad),
                      total=len(checks)))
        for c in bad:
            typer.echo(f"  ✗ {phrases(c.text, lang.value, 'check')}")
    if failed:
        raise typer.Exit(code=1)


@app.command(help=_help("validate"))
def validate(
    scenarios: Annotated[list[Path], typer.Argument(help="Scenario files to validate")],
) -> None:
    """Check scenario files without running them."""
    for path in scenarios:
        _load(path)
        typer.echo(f"{path}: ok")


@app.command(help=_help("quiz"))
def quiz(
    scenarios: Annotated[list[Path] | None, typer.Argument(help="Labs to draw questions from (default: every lab shipped with mailsim)")] = None,
    topic: Annotated[str | None, typer.Option(help="A concept id (roles, ports, aliases, forward, queue, mbox ...; see mailsim coverage), part of a lab's name, or an objective such as 108.3")] = None,
    count: Annotated[int | None, typer.Option(min=1, help="Ask only this many questions, drawn at random")] = None,
    seed: Annotated[int | None, typer.Option(help="Seed for the order of the choices (default: a new one, printed)")] = None,
    lang: Annotated[Lang, typer.Option(help="Language of the questions")] = DEFAULT_LANG,
) -> None:
    """Exam drill: the labs' questions with shuffled choices; type the number of your answer."""
    import random

    from .concepts import CONCEPTS
    from .labs import lab_paths, resolve
    from .quiz import build, run_quiz

    paths = [resolve(p) for p in scenarios] if scenarios else lab_paths()
    labs = [(p, _load(p, lang.value).spec) for p in paths]
    seed = random.SystemRandom().randrange(10_000) if seed is None else seed
    items = build(labs, random.Random(seed), topic, count)
    if not items:
        _fail(ui("quiz.none_topic", lang.value, topic=topic, topics=", ".join(CONCEPTS))
              if topic else ui("quiz.none", lang.value))
    typer.echo(ui("quiz.seed", lang.value, count=len(items), seed=seed))
    run_quiz(items, lang.value, ask=lambda text: input(f"{text}: "), say=typer.echo)


@app.command(help=_help("coverage"))
def coverage(
    out: Annotated[Path, typer.Option(help="Where to write the table")] = Path("docs/coverage.md"),
) -> None:
    """Write the coverage table (concept, objective, labs, questions) from the shipped labs."""
    from .coverage import write
    from .labs import lab_paths

    typer.echo(ui("coverage.done", ENV_LANG, path=write([_load(p).spec for p in lab_paths()], out)))


@app.command(help=_help("glossary"))
def glossary(
    lang: Annotated[Lang, typer.Option(help="Language the terms are explained in")] = DEFAULT_LANG,
) -> None:
    """The terms of mail in English and Japanese (MTA = メール転送エージェント, ¥ = \\ ...)."""
    from .glossary import lines

    for line in lines(lang.value):
        typer.echo(line)


@app.command(help=_help("sweep"))
def sweep(
    scenario: Annotated[Path, typer.Argument(help="A scenario file, e.g. scenarios/31-all-mx-down-2h.yaml")],
    seeds: Annotated[str, typer.Option(help="Seeds to run, e.g. 1-100 or 1,2,5")] = "1",
    set_: Annotated[list[str] | None, typer.Option("--set", help="PATH=V1,V2: run each value, "
                                                   "e.g. hosts.mx.mta.maximal_backoff_time="
                                                   "1000s,4000s (repeat for a cross product)")] = None,
    vary: Annotated[list[str] | None, typer.Option(help="PATH=LOW..HIGH: a value drawn per "
                                                   "seed, e.g. events[2].at=1h..3h (an outage "
                                                   "of another length for each seed)")] = None,
    workers: Annotated[int | None, typer.Option(min=0, help="Worker processes of the embedded "
                                                "Dask cluster (default: one per core; 0: "
                                                "in this process, like --serial)")] = None,
    serial: Annotated[bool, typer.Option("--serial", help="Run here, one by one, without Dask")] = False,
    scheduler: Annotated[str | None, typer.Option(help="An existing Dask cluster, e.g. "
                                                  "tcp://HOST:8786")] = None,
    out: Annotated[Path | None, typer.Option(help="Write one row per run to a .parquet or .csv file")] = None,
    plot: Annotated[Path | None, typer.Option(help="Draw the comparison into a .png/.svg/.pdf file")] = None,
    lang: Annotated[Lang, typer.Option(help="Language of the table")] = DEFAULT_LANG,
    width: Annotated[int | None, typer.Option(min=40, help="Terminal width for the table")] = None,
) -> None:
    from .render import sweep as view

    planned = _plan_sweep(scenario, seeds, set_, vary, out, plot)
    result = _run_sweep(planned, workers, scheduler, serial, lang.value, width)
    for line in view.failure_lines(result, lang.value):
        typer.echo(line, err=True)
    if result.records:
        view.make_console(width).print(view.aggregate_table(result, str(scenario), lang.value))
    try:
        if out is not None:
            from .sweep import write_table

            write_table(result.table(), out)
        if plot is not None and result.records:
            from .render.sweep_plot import save_plot

            save_plot(result, plot, str(scenario), lang.value)
    except OSError as exc:
        _fail(ui("err.sweep_write", lang.value, error=exc.strerror or exc))
    if result.failures:
        raise typer.Exit(code=1)


def _plan_sweep(scenario: Path, seeds: str, sets: list[str] | None,  # type: ignore[no-untyped-def]
                vary: list[str] | None, out: Path | None, plot: Path | None):
    from .sweep import Sweep, SweepError, check_out
    from .yamlsource import ScenarioError

    try:
        planned = Sweep.prepare(scenario, seeds, sets, vary)
        for path, option, kinds in ((out, "--out", (".parquet", ".csv")),
                                    (plot, "--plot", (".png", ".svg", ".pdf"))):
            if path is not None:
                check_out(path, option, kinds)
    except (ScenarioError, SweepError) as exc:
        _fail(str(exc))
    return planned


def _run_sweep(planned, workers: int | None, scheduler: str | None,  # type: ignore[no-untyped-def]
               serial: bool, lang: str, width: int | None):
    from .render import sweep as view
    from .sweep import SweepError

    try:
        with view.progress(len(planned.jobs()), width, lang) as done:
            return planned.run(workers, scheduler, serial, done)
    except SweepError as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        typer.echo(ui("err.sweep_interrupted", lang), err=True)
        raise typer.Exit(code=130) from None


def main() -> None:
    from .cli_errors import guarded

    guarded(app)


@app.command(help=_help("generate"))
def generate(
    out: Annotated[Path, typer.Option("-o", "--out", help="The scenario file to write")],
    messages: Annotated[int, typer.Option(help="Messages in the day")] = 1000,
    users: Annotated[int, typer.Option(help="Users, spread over the domains")] = 100,
    domains: Annotated[int, typer.Option(help="Recipient domains, one MX host each")] = 5,
    unknown: Annotated[float, typer.Option(help="Share of recipients that do not exist "
                                           "(bounced), e.g. 0.02")] = 0.02,
    outage: Annotated[str | None, typer.Option(help="mx.d01.example is down in this window "
                                               "of the day, e.g. 10:00-12:00")] = None,
    greylist: Annotated[int, typer.Option(help="The first K recipients offered to "
                                          "mx.d02.example are greylisted (450) once")] = 0,
    seed: Annotated[int, typer.Option(help="Same options and seed: the same file")] = 1,
    lang: Annotated[Lang, typer.Option(help="Language of the messages")] = DEFAULT_LANG,
) -> None:
    from .generate import GenerateError, Workload, parse_outage
    from .generate import generate as build

    try:
        window = parse_outage(outage) if outage is not None else None
        text = build(Workload(messages, users, domains, unknown, window, greylist, seed))
        out.write_text(text, encoding="utf-8")
    except GenerateError as exc:
        _fail(ui("err.generate", lang.value, error=exc.text(lang.value)))
    except OSError as exc:
        _fail(ui("err.generate", lang.value, error=f"{out}: {exc.strerror or exc}"))
    typer.echo(ui("generate.done", lang.value, path=out, messages=messages))
