"""Parameter sweeps: many independent seeded runs of one scenario, on Dask or in-process.

``mailsim sweep LAB --seeds 1-100 --set hosts.mx.mta.maximal_backoff_time=1000s,4000s``
runs the cross product of the seeds and the settings' values. Each run applies its values to
a copy of the scenario data and validates it with the scenario model (so a bad value gets the
same error a bad file gets), runs the world and returns a small record (sweep_record.py).

Runs are deterministic (one seeded random.Random each) and share nothing, so where they run
changes nothing: serially in this process, on an embedded ``dask.distributed.LocalCluster``
(worker processes, one thread each: the simulation is pure Python and holds the GIL), or on an
existing Dask cluster. Records are put back in plan order, so the table is the same each way.
Dask and pandas are imported only here, when a sweep runs (``mailsim --help`` stays fast).
"""

from __future__ import annotations

import copy
import itertools
import os
import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .sweep_paths import Setting, SettingError, parse_setting, parse_vary, put, typed
from .sweep_record import METRICS, summarise

if TYPE_CHECKING:
    import pandas as pd

OUT_SUFFIXES = (".parquet", ".csv")
CONNECT_TIMEOUT = "10s"  # how long --scheduler waits for the cluster to answer
MAX_RUNS = 100_000  # a typo like --seeds 1-10000000 is refused before anything is planned


class SweepError(ValueError):
    """A sweep that cannot start: bad seeds, settings, output path or scheduler."""


@dataclass(frozen=True, slots=True)
class Job:
    """One run: what a worker needs, and nothing that lives only on this machine."""

    index: int
    seed: int
    values: tuple[str, ...]  # one per --set (as given), then one per --vary (as drawn)
    source: str  # the scenario file's name, for error messages
    data: Any  # the scenario file's data (the worker may not see the file)
    locs: tuple[tuple[str | int, ...], ...]


@dataclass(frozen=True, slots=True)
class Failure:
    """A run that raised instead of finishing: its seed, its settings and why."""

    index: int
    seed: int
    values: tuple[str, ...]
    error: str


def parse_seeds(text: str) -> list[int]:
    """``1-100``, ``1,2,5`` or ``1-3,7`` -> the seeds in order, each once."""
    seeds: dict[int, None] = {}
    for part in text.split(","):
        m = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", part)
        if m is None or (m.group(2) is not None and int(m.group(2)) < int(m.group(1))):
            raise SweepError(f"--seeds: expected seeds like 1-100, 1,2,5 or 1-3,7 (got {text!r})")
        low, high = int(m.group(1)), int(m.group(2) or m.group(1))
        if high - low >= MAX_RUNS:
            raise SweepError(f"--seeds: at most {MAX_RUNS} seeds (got {text!r})")
        seeds.update(dict.fromkeys(range(low, high + 1)))
    return list(seeds)


def run_job(job: Job) -> dict[str, Any]:
    """Run one job (in a Dask worker or here): its record, or ``{"error": why}``."""
    from .scenario import scenario_from_data
    from .yamlsource import ScenarioError

    try:
        data = copy.deepcopy(job.data)
        for loc, value in zip(job.locs, job.values, strict=True):
            put(data, loc, typed(value))
        world = scenario_from_data(job.source, data).build(seed=job.seed).run()
        return summarise(world)
    except ScenarioError as exc:
        return {"error": str(exc)}
    except Exception as exc:  # noqa: BLE001 - a bug in one run must not lose the others
        return {"error": f"{type(exc).__name__}: {exc}"}


@dataclass
class Sweep:
    """A planned sweep: a validated scenario, its settings and seeds, ready to run."""

    source: str
    data: Any
    settings: list[Setting]
    seeds: list[int]
    varied: list[Setting] = field(default_factory=list)

    @classmethod
    def prepare(cls, scenario: str | Path, seeds: str | list[int] = "1",
                sets: list[str] | None = None, vary: list[str] | None = None) -> Sweep:
        """Read and validate the scenario, then each setting's every value applied alone
        (a --vary's two bounds); raise ScenarioError (the file) or SweepError (an option)
        before anything runs."""
        from .scenario import load_scenario
        from .yamlsource import load_yaml

        load_scenario(scenario)  # the file itself must be valid first
        data, _lines = load_yaml(scenario)
        settings = [_setting(parse_setting, text, data) for text in sets or []]
        varied = [_setting(parse_vary, text, data) for text in vary or []]
        _no_twice(settings + varied)
        sweep = cls(str(scenario), data, settings,
                    parse_seeds(seeds) if isinstance(seeds, str) else list(seeds), varied)
        for s in settings + varied:
            for value in s.values:
                sweep._check_value(s, value)
        return sweep

    def _check_value(self, setting: Setting, value: str) -> None:
        from .scenario import scenario_from_data
        from .yamlsource import ScenarioError, field_path

        data = copy.deepcopy(self.data)
        put(data, setting.loc, typed(value))
        try:
            scenario_from_data(self.source, data)
        except ScenarioError as exc:
            here, option = field_path(setting.loc), "--vary" if setting.varied else "--set"
            lines = [f"{option} {setting.path}: {p.message}" if p.field == here else
                     f"{option} {setting.path}={value}: {p.field}: {p.message}"
                     for p in exc.problems]
            raise SweepError("\n".join(lines)) from None

    def jobs(self) -> list[Job]:
        """The cross product, settings outermost: each setting's runs are seeds 1..N; a
        --vary's value is drawn here, per seed, the same for every combination of --set."""
        combos = itertools.product(*(s.values for s in self.settings))
        locs = tuple(s.loc for s in self.settings + self.varied)
        return [Job(i, seed, values + tuple(v.draw(seed) for v in self.varied), self.source,
                    self.data, locs)
                for i, (values, seed) in enumerate(itertools.product(combos, self.seeds))]

    def run(self, workers: int | None = None, scheduler: str | None = None,
            serial: bool = False, on_done: Callable[[], None] | None = None) -> SweepResult:
        """Run every job: here (``serial`` or ``workers=0``), on ``scheduler``'s cluster, or
        on a LocalCluster of ``workers`` processes (default: one per core)."""
        jobs = self.jobs()
        if serial or (workers == 0 and scheduler is None):
            done = _run_serial(jobs, on_done)
        else:
            done = _run_dask(jobs, workers, scheduler, on_done)
        return SweepResult.collect(self, jobs, done)


def _setting(parse: Callable[[str, Any], Setting], text: str, data: Any) -> Setting:
    try:
        return parse(text, data)
    except SettingError as exc:
        raise SweepError(str(exc)) from None


def _no_twice(settings: list[Setting]) -> None:
    seen: dict[tuple[str | int, ...], str] = {}
    for s in settings:
        if s.loc in seen:
            raise SweepError(f"{s.path}: the same place as {seen[s.loc]} is already set "
                             "(give all its values in one --set, separated by commas)")
        seen[s.loc] = s.path


@dataclass
class SweepResult:
    """The records of the finished runs, in plan order, and the runs that failed."""

    settings: list[Setting]
    varied: list[Setting] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    @classmethod
    def collect(cls, sweep: Sweep, jobs: list[Job], done: dict[int, dict[str, Any]]) -> SweepResult:
        result = cls(sweep.settings, sweep.varied)
        for job in jobs:
            out = done.get(job.index, {"error": "the run did not finish"})
            if "error" in out:
                result.failures.append(Failure(job.index, job.seed, job.values, out["error"]))
                continue
            head: dict[str, Any] = {"run": job.index, "seed": job.seed}
            head.update(zip(result.all_columns, job.values, strict=True))
            result.records.append({**head, **{m: out[m] for m in METRICS}})
        return result

    @property
    def columns(self) -> list[str]:
        """The --set columns: what the aggregates and the plot compare."""
        return setting_columns(self.settings)

    @property
    def all_columns(self) -> list[str]:
        """The --set columns, then the --vary columns (drawn per run)."""
        return setting_columns(self.settings + self.varied)

    def table(self) -> pd.DataFrame:
        """One row per finished run: run, seed, one column per setting, then METRICS."""
        import pandas as pd

        return pd.DataFrame(self.records, columns=["run", "seed", *self.all_columns, *METRICS])

    def aggregate(self) -> pd.DataFrame:
        """One row per combination of settings: runs, mean outcome counts per run, the median
        of the runs' delay percentiles, the worst delay, mean retries and bounces, the
        highest peak queue and the mean simulated time."""
        table = self.table()
        spec = {"runs": ("seed", "count"), **{s: (s, "mean") for s in
                ("delivered", "bounced", "queued")},
                "delay_p50": ("delay_p50", "median"), "delay_p90": ("delay_p90", "median"),
                "delay_max": ("delay_max", "max"), "retries": ("retries", "mean"),
                "bounces": ("bounces", "mean"), "peak_queue": ("peak_queue", "max"),
                "sim_time": ("sim_time", "mean")}
        if not self.columns:
            table = table.assign(_all="")
        keys = self.columns or ["_all"]
        out = table.groupby(keys, sort=False, dropna=False).agg(**spec).reset_index()
        return out.drop(columns=["_all"], errors="ignore")


def setting_columns(settings: list[Setting]) -> list[str]:
    """A table column per setting, named by its path as given."""
    return [s.path for s in settings]


def check_out(path: Path, option: str = "--out", suffixes: tuple[str, ...] = OUT_SUFFIXES) -> None:
    """Refuse an output file before the sweep runs, not after an hour of runs."""
    if path.suffix.lower() not in suffixes:
        raise SweepError(f"{option} {path}: expected a file name ending in "
                         f"{' or '.join(suffixes)}")
    if not path.parent.is_dir():
        raise SweepError(f"{option} {path}: no directory {str(path.parent)!r} to write into")


def write_table(table: pd.DataFrame, path: Path) -> None:
    """The records as Parquet (pyarrow) or CSV, by the file's suffix; nothing else written."""
    if path.suffix.lower() == ".parquet":
        table.to_parquet(path, index=False)
    else:
        table.to_csv(path, index=False)


# ---------------------------------------------------------------------------- running

def _run_serial(jobs: list[Job], on_done: Callable[[], None] | None) -> dict[int, dict[str, Any]]:
    done = {}
    for job in jobs:
        done[job.index] = run_job(job)
        if on_done is not None:
            on_done()
    return done


def _run_dask(jobs: list[Job], workers: int | None, scheduler: str | None,
              on_done: Callable[[], None] | None) -> dict[int, dict[str, Any]]:
    from distributed import as_completed

    done: dict[int, dict[str, Any]] = {}
    with _client(workers, scheduler) as client:
        futures = {client.submit(run_job, job, pure=False): job.index for job in jobs}
        try:
            for future in as_completed(futures):
                done[futures[future]] = _outcome(future)
                if on_done is not None:
                    on_done()
        finally:  # Ctrl-C or an error: leave nothing running on the cluster
            client.cancel(list(futures))
    return done


def _outcome(future: Any) -> dict[str, Any]:
    """A future's record; a worker that died or raised is one failed run, not a crash."""
    try:
        return dict(future.result())
    except Exception as exc:  # noqa: BLE001 - whatever the worker raised, as data
        return {"error": f"{type(exc).__name__}: {exc}"}


@contextmanager
def _client(workers: int | None, scheduler: str | None) -> Iterator[Any]:
    """A Dask client on ``scheduler``, or on a LocalCluster closed at the end (also on
    Ctrl-C or an error). distributed's logging is silenced: it would print into the CLI."""
    import dask
    from distributed import Client, LocalCluster

    _silence_logs()
    with ExitStack() as stack, dask.config.set({"distributed.admin.log-length": 0}):
        stack.enter_context(warnings.catch_warnings())
        warnings.filterwarnings("ignore", module="distributed")
        if scheduler is not None:
            client = stack.enter_context(_connect(Client, scheduler))
        else:
            # on this machine only, on free ports; no dashboard (its port 8787 may be taken)
            cluster = stack.enter_context(LocalCluster(
                n_workers=workers or _cores(), threads_per_worker=1, processes=True,
                host="127.0.0.1", scheduler_port=0, silence_logs=_QUIET,
                scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"}))
            client = stack.enter_context(Client(cluster))
        yield client


@contextmanager
def _connect(client_class: Any, scheduler: str) -> Iterator[Any]:
    try:
        client = client_class(scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise SweepError(f"--scheduler {scheduler}: cannot reach a Dask scheduler there "
                         f"({exc})") from None
    try:
        yield client
    finally:
        client.close()


_QUIET = 60  # above logging.CRITICAL: even the scheduler's complaints while it shuts down


def _silence_logs() -> None:
    import logging

    for name in ("distributed", "dask", "tornado", "bokeh"):
        logging.getLogger(name).setLevel(_QUIET)


def _cores() -> int:
    """Worker processes for this machine: one per core we may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)
