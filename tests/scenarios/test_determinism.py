"""Same scenario and same seed: the same run, to the byte (in one process, twice)."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.render.records import jsonl
from simulator.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
LAB = ROOT / "scenarios" / "01-basic-delivery.yaml"


def _run(seed: int | None = None):  # type: ignore[no-untyped-def]
    # load afresh each time: nothing may be shared between the two runs
    return load_scenario(LAB).build(seed=seed).run()


def _mailbox_bytes(world) -> dict[tuple[str, str], bytes]:  # type: ignore[no-untyped-def]
    return {(host.name, path): host.fs.read(path) or b""
            for host in world.hosts.values() for path in host.fs.files
            if path.startswith("/var/spool/mail/") or "/Mail/" in path or "/Maildir/" in path}


@pytest.mark.parametrize("seed", [None, 7, 2024])
def test_same_seed_same_jsonl(seed: int | None) -> None:
    first, second = list(jsonl(_run(seed))), list(jsonl(_run(seed)))
    assert first, "no records"
    assert first == second


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_same_jsonl_in_each_language(lang: str) -> None:
    assert list(jsonl(_run(), lang)) == list(jsonl(_run(), lang))


def test_same_seed_same_mbox_bytes() -> None:
    first, second = _mailbox_bytes(_run()), _mailbox_bytes(_run())
    inbox = ("bob-pc", "/home/bob/Mail/Inbox")
    assert inbox in first and first[inbox].count(b"\nDelivered-To: bob@example.org\n") == 1
    assert first == second


def test_same_seed_same_export(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    _run().export(a)
    _run().export(b)
    files_a = {p.relative_to(a): p.read_bytes() for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b): p.read_bytes() for p in b.rglob("*") if p.is_file()}
    assert files_a and files_a == files_b


def test_scenario_seed_is_the_default_seed() -> None:
    spec_seed = load_scenario(LAB).spec.seed
    assert list(jsonl(_run())) == list(jsonl(_run(spec_seed)))
