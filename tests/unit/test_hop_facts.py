"""Hops kept as facts (model/hop.py, issue 12): the frequent kinds keep a HopText and a few
facts instead of their English detail and explanation values, and write them on demand.
Each must read exactly as the hop read when it was a named tuple holding the text: the
golden records (``golden/hops-before-facts.txt``, one ``lab<TAB>repr(tuple(hop))`` a line)
were taken from main before the change."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

from simulator.model.hop import Hop, HopText
from simulator.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = [line.split("\t", 1) for line in
          (Path(__file__).parent / "golden" / "hops-before-facts.txt").read_text().splitlines()]


@cache
def _hops(lab: str) -> list[Hop]:
    return load_scenario(ROOT / "scenarios" / f"{lab}.yaml").build().run().trace.hops


@pytest.mark.parametrize(("lab", "record"), GOLDEN,
                         ids=[f"{lab}-{ast.literal_eval(r)[9]}" for lab, r in GOLDEN])
def test_hop_written_from_facts_reads_as_it_did(lab: str, record: str) -> None:
    action = ast.literal_eval(record)[9]
    hops = [h for h in _hops(lab) if h.action == action]
    assert hops and all(isinstance(h._text, HopText) for h in hops)  # the new way
    assert record in [repr(tuple(h)) for h in hops]


def _hop(detail: str | HopText | None = "d", args: object = (("k", "v"),),
         host: str = "mx.example.org") -> Hop:
    return Hop(1.5, "m1", "3F2A81C0B7", host, "qmgr", host, "local", None, None, "note",
               "250 Ok", detail, None, args)  # type: ignore[arg-type]


def test_a_hop_has_the_named_tuples_fields_in_order() -> None:
    hop = _hop()
    assert tuple(hop) == (1.5, "m1", "3F2A81C0B7", "mx.example.org", "qmgr", "mx.example.org",
                          "local", None, None, "note", "250 Ok", "d", None, (("k", "v"),))
    assert Hop._fields[9] == "action" and len(Hop._fields) == len(tuple(hop))
    assert repr(hop).startswith("Hop(t=1.5, msg='m1', qid='3F2A81C0B7', src_host=")


def test_text_and_facts_read_the_same_as_the_text_itself() -> None:
    text = HopText(lambda hop, f: f"{f[0]} for {hop.qid}", lambda hop, f: (("n", str(f[1])),))
    lazy, eager = _hop(text, ("done", 3)), _hop("done for 3F2A81C0B7", (("n", "3"),))
    assert (lazy.detail, lazy.args) == ("done for 3F2A81C0B7", (("n", "3"),))
    assert lazy == eager and hash(lazy) == hash(eager) and {lazy: 1}[eager] == 1
    assert lazy != _hop("other", (("n", "3"),))


def _fresh(text: str) -> str:
    """An equal string that is another object, as an f-string makes one."""
    return "".join(list(text))


def test_the_way_and_the_action_are_shared_not_copied() -> None:
    # names built at run time (f-strings, rsplit) are equal but distinct strings
    a, b = _hop(host=_fresh("mx.example.org")), _hop(host="mx.example.org")
    c = Hop(0.0, None, None, _fresh("mx.example.org"), _fresh("qmgr"),
            "mx.example.org", "local", None, None, _fresh("note"), None, None, None)
    assert c.action is not _fresh("note")  # (the strings really are distinct)
    assert a._place is b._place is c._place
    assert a.src_host is c.src_host and c.src_actor is a.src_actor
    assert c.action is a.action
