"""The fuzz campaign's drivers, shared by the quick tests (every run) and the long ones
(``pytest -m fuzz``). Each driver runs ``count`` seeded cases and returns a tally, so a
failure names the seed that reproduces it."""

from __future__ import annotations

import copy
import random
import signal
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from simulator.render.records import jsonl
from simulator.scenario import LoadedScenario, load_scenario
from simulator.yamlsource import ScenarioError
from tests.fuzz.mutate import dump, mutate

ROOT = Path(__file__).resolve().parents[2]
LABS = sorted((ROOT / "scenarios").glob("*.yaml"))
ENDS = {"delivered", "bounced", "rejected", "deleted", "queued"}


class Hang(Exception):
    pass


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Raise Hang if the block runs longer than ``seconds`` (a hang is a finding too)."""
    def alarm(*_: object) -> None:
        raise Hang(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@cache
def lab_data(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def mutated(seed: int, folder: Path) -> tuple[Path, Path] | None:
    """A mutated copy of a lab, written under ``folder``: (its file, the lab), or None when
    the mutation cannot even be written as YAML (PyYAML's own recursion on deep data)."""
    rng = random.Random(seed)
    lab = rng.choice(LABS)
    data = mutate(copy.deepcopy(lab_data(lab)), rng, rng.choice([1, 1, 2, 3]))
    path = folder / f"{lab.stem}-{seed}.yaml"
    try:
        path.write_text(dump(data), encoding="utf-8", errors="surrogatepass")
    except (RecursionError, yaml.YAMLError, UnicodeEncodeError):
        return None
    return path, lab


def unaccounted(loaded: LoadedScenario, world: Any) -> list[str]:
    """Recipients of the scenario's messages that ended nowhere, or without a reason."""
    out = []
    for i, msg in enumerate(loaded.spec.messages):
        key = loaded.spec.message_key(i)
        for rcpt in [*msg.to, *msg.cc, *msg.bcc]:
            found = world.trace.outcome(key, rcpt)
            if found is None and not any(m == key for m, _ in world.trace.outcomes):
                out.append(f"{key} -> {rcpt}: no outcome")
            elif found is not None and (found.status not in ENDS or not found.where):
                out.append(f"{key} -> {rcpt}: {found.status} without a reason")
            elif found is not None and found.status == "queued" and found.next_try is None \
                    and not _held(world, key):  # a held message waits for postsuper -H
                out.append(f"{key} -> {rcpt}: queued without a next try")
    return out


def _held(world: Any, key: str) -> bool:
    return any(qf.msg == key for host in world.hosts.values() if host.mta is not None
               for qf in host.mta.qmgr.queues["hold"].values())


def run_mutations(start: int, count: int, *, twice: bool = False) -> Counter[str]:
    """Load, and where it loads run, ``count`` mutated labs. The properties: loading
    succeeds or raises ScenarioError; a loaded scenario runs to its end without an
    exception or a hang; every recipient is accounted for; a second run is identical.
    Every case is tried; the failures are reported together, each with its seed."""
    tally: Counter[str] = Counter()
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(start, start + count):
            made = mutated(seed, Path(tmp))
            if made is None:
                tally["unwritable"] += 1
                continue
            problem = _one(made[0], twice, tally)
            if problem:
                failures.append(f"seed {seed} (a mutation of {made[1].name}): {problem}")
            made[0].unlink()
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:20])
    return tally


def _one(path: Path, twice: bool, tally: Counter[str]) -> str | None:
    try:
        with time_limit(20):
            loaded = load_scenario(path)
    except ScenarioError:
        tally["refused"] += 1
        return None
    except Exception as exc:  # noqa: BLE001 - any exception is the finding
        return f"loading raised {exc!r}"
    tally["ran"] += 1
    try:
        with time_limit(60):
            world = loaded.build().run()
            lost = unaccounted(loaded, world)
            if lost:
                return f"{lost}"
            if twice and list(jsonl(world)) != list(jsonl(loaded.build().run())):
                return "a second run differs"
    except Hang:
        return "the run hangs"
    except Exception as exc:  # noqa: BLE001 - any exception is the finding
        return f"the run raised {exc!r}"
    return None
