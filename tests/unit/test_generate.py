"""mailsim generate: reproducible, valid, and the run shows what the options ask for."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from simulator.cli import app
from simulator.generate import GenerateError, Workload, generate, parse_outage
from simulator.scenario import load_scenario
from simulator.scenario_workload import expand

SMALL = Workload(messages=200, users=20, domains=3, unknown=0.1,
                 outage=parse_outage("10:00-12:00"), greylist=3, seed=1)


def test_same_options_and_seed_give_the_same_bytes() -> None:
    assert generate(SMALL) == generate(SMALL)
    other = Workload(**{**SMALL.__dict__, "seed": 2})
    assert generate(other) != generate(SMALL)


def test_cli_writes_a_valid_file(tmp_path: Path) -> None:
    out = tmp_path / "day.yaml"
    args = ["generate", "--messages", "30", "--users", "6", "--domains", "2", "--seed", "4",
            "-o", str(out)]
    assert CliRunner().invoke(app, args).exit_code == 0
    first = out.read_bytes()
    assert CliRunner().invoke(app, args).exit_code == 0
    assert out.read_bytes() == first
    assert len(expand(load_scenario(out).spec)) == 30  # fed lazily, none listed


@pytest.mark.parametrize(("args", "text"), [
    (["--outage", "12-10"], "--outage: expected a window like 10:00-12:00"),
    (["--outage", "12:00-10:00"], "--outage: expected the end after the start"),
    (["--unknown", "1.5"], "--unknown: expected a share from 0 to 1"),
    (["--users", "2", "--domains", "5"], "--users: expected at least one user per domain"),
])
def test_bad_options_are_named(tmp_path: Path, args: list[str], text: str) -> None:
    result = CliRunner().invoke(app, ["generate", "-o", str(tmp_path / "x.yaml"), *args])
    assert result.exit_code == 1 and text in result.output
    assert not (tmp_path / "x.yaml").exists()


def test_bad_options_are_named_in_japanese_too(tmp_path: Path) -> None:
    for args, text in ((["--unknown", "1.5"], "--unknown: 0 から 1 までの割合を指定してください"),
                       (["--outage", "12-10"], "--outage: 10:00-12:00 のような時間帯")):
        result = CliRunner().invoke(app, ["generate", "-o", str(tmp_path / "x.yaml"),
                                          "--lang", "ja", *args])
        assert result.exit_code == 1 and text in result.output, result.output
        assert "expected" not in result.output  # no English inside the Japanese frame


def test_arrivals_follow_the_day_shape(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(generate(Workload(messages=2000, users=20, domains=2, unknown=0.0, seed=5)))
    spec = load_scenario(path).spec
    hours = Counter(int(m.at // 3600) for m in expand(spec))
    assert sum(hours[h] for h in range(1, 5)) * 5 < sum(hours[h] for h in range(9, 13))


def test_small_day_runs_with_the_outcomes_the_options_imply(tmp_path: Path) -> None:
    path = tmp_path / "day.yaml"
    path.write_text(generate(SMALL))
    loaded = load_scenario(path)
    fed = expand(loaded.spec)
    unknown = sum("nobody" in m.to[0] for m in fed)
    in_outage = sum(m.to[0].endswith("@d01.example") and 36000 <= m.at < 43200 for m in fed)
    assert unknown > 0 and in_outage > 0
    world = loaded.build().run()
    status = Counter(o.status for (key, _), o in world.trace.outcomes.items() if "." not in key)
    assert status == {"delivered": SMALL.messages - unknown, "bounced": unknown}
    bounces = Counter(o.status for (key, _), o in world.trace.outcomes.items() if "." in key)
    assert bounces == {"delivered": unknown}  # each sender got its bounce
    actions = Counter(h.action for h in world.trace.hops)
    assert actions["connect_failed"] >= in_outage  # mail for the down MX was deferred ...
    assert actions["relay_refused"] == unknown + SMALL.greylist  # 550 each, 450 three times
    assert actions["deferred"] >= in_outage + SMALL.greylist


def test_workload_checks() -> None:
    with pytest.raises(GenerateError, match="--greylist"):
        Workload(domains=1, users=5, greylist=2).check()


def test_workload_errors_name_the_file_line_and_field(tmp_path: Path) -> None:
    from simulator.yamlsource import ScenarioError

    text = generate(Workload(messages=5, users=4, domains=2, seed=1))
    line = text.splitlines().index(next(x for x in text.splitlines() if x.startswith("workload:"))) + 1
    for bad, field in ((text.replace("client: pcs, unknown", "client: nope, unknown"), "workload.client"),
                       (text.replace("messages: 5,", "messages: 0,"), "workload.messages")):
        path = tmp_path / "bad.yaml"
        path.write_text(bad)
        with pytest.raises(ScenarioError) as err:
            load_scenario(path)
        assert f"bad.yaml:{line}" in str(err.value) and field in str(err.value)
