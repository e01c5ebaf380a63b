"""Properties of local delivery over arbitrary aliases, ~/.forward and :include: graphs.

Hypothesis draws a host's /etc/aliases, users' ~/.forward files (with good and bad owners
and modes) and :include: lists, whose destinations are users, aliases, unknown names,
remote addresses, commands, files and other lists, so loops of every kind occur. Then:

- the walk of one recipient always ends, and always ends somewhere (at least one leaf);
- a whole run ends with every recipient delivered, bounced or queued, nothing stuck in
  the queue, every queue recipient accounted for in the log, every bounce sent, and as
  many mailbox copies as delivery hops;
- the headers local(8) prepends carry Postfix's values: Return-Path: is the envelope
  sender of the queue file the copy came from, Delivered-To: the recipient local(8)
  started with (not the user it ended with), X-Original-To: that recipient's original
  address.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.agents.mda import aliases, recipient
from simulator.agents.mda.expansion import Facts, Leaf
from simulator.agents.mda.mailbox import split_mbox
from simulator.agents.mta.cleanup import Cleanup
from simulator.agents.mta.params import MainCf
from simulator.host import User
from simulator.model import rawmsg
from simulator.model.fs import VirtualFS
from simulator.scenario import load_scenario

USERS = ["u0", "u1", "u2"]
NAMES = ["a0", "a1", "a2"]
LISTS = ["/etc/l0", "/etc/l1"]
DESTS = st.sampled_from(USERS + NAMES + ["nobody", "x@example.net", "\\u0", "|/bin/true",
                                         '"|/usr/bin/tee -a /tmp/x"', "/var/log/box",
                                         ":include:/etc/l0", ":include:/etc/l1",
                                         ":include:/etc/none"])
DEST_LISTS = st.lists(DESTS, min_size=0, max_size=3)


@st.composite
def graphs(draw: Any, runnable: bool = False) -> dict[str, Any]:
    """A random graph. ``runnable``: the owner of a0 is root, so the run cannot turn into
    the endless bounce loop a list owner who is a broken member of her own list makes
    (each bounce to owner-a0 expands a0 again with sender owner-a0: Postfix does that too)."""
    names = draw(st.lists(st.sampled_from(NAMES + ["owner-a0", "u1"]), unique=True))
    alias_map = {n: draw(st.lists(DESTS, min_size=1, max_size=3)) for n in names}
    if runnable and "owner-a0" in alias_map:
        alias_map["owner-a0"] = ["root"]
    forwards = {u: (draw(DEST_LISTS), draw(st.sampled_from([u, u, "root", "u2"])),
                    draw(st.sampled_from([0o644, 0o644, 0o666, 0o600])))
                for u in draw(st.lists(st.sampled_from(USERS), unique=True))}
    includes = {p: draw(DEST_LISTS) for p in draw(st.lists(st.sampled_from(LISTS),
                                                           unique=True))}
    rcpts = draw(st.lists(st.sampled_from(USERS + NAMES + ["nobody"]), min_size=1,
                          max_size=3))
    return {"aliases": alias_map, "forwards": forwards, "includes": includes, "rcpts": rcpts}


def alias_text(g: dict[str, Any]) -> str:
    return "".join(f"{n}: {', '.join(d)}\n" for n, d in g["aliases"].items())


def files(g: dict[str, Any]) -> dict[str, dict[str, str]]:
    out = {"/etc/aliases": {"content": alias_text(g), "owner": "root", "mode": "0644"}}
    for user, (dests, owner, mode) in g["forwards"].items():
        out[f"/home/{user}/.forward"] = {"content": "".join(d + "\n" for d in dests),
                                         "owner": owner, "mode": f"0{mode:o}"}
    for path, dests in g["includes"].items():
        out[path] = {"content": "".join(d + "\n" for d in dests), "owner": "root",
                     "mode": "0644"}
    return out


# --- the walk on its own ---------------------------------------------------------------------
def facts_for(g: dict[str, Any]) -> Facts:
    fs = VirtualFS()
    for path, f in files(g).items():
        fs.write(path, f["content"].encode(), f["owner"], int(f["mode"], 8))
    cf = MainCf("mx.example.org", "192.0.2.25",
                {"myorigin": "example.org", "mydestination": "example.org"})
    name = aliases.MapName("hash", "/etc/aliases")
    aliases.build(fs, name, 0, "root", 0.0)
    users = {"root": User("root", 0, "/root", None)}
    users |= {u: User(u, 1000 + i, f"/home/{u}", None) for i, u in enumerate(USERS)}
    return Facts(cf, users, fs, frozenset({"example.org"}), [aliases.open_db(fs, name)],
                 frozenset(), False, lambda u: f"/var/spool/mail/{u.name}", str)


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_every_walk_ends_and_ends_somewhere(g: dict[str, Any]) -> None:
    f = facts_for(g)
    for rcpt in g["rcpts"]:
        exp = recipient.expand(f, "q", f"{rcpt}@example.org", rcpt, "", "root@example.org")
        leaves = [e for e in exp.effects if isinstance(e, Leaf)]
        assert leaves, f"{rcpt}: no destination at all"
        assert len(exp.effects) < 5000
        assert {x.status for x in leaves} <= {"sent", "bounced", "deferred", "pending"}
        for leaf in leaves:
            assert leaf.kind != "forward" or leaf.status == "pending"
            assert leaf.attr.delivered == f"{rcpt}@example.org"  # frozen_delivered_to


# --- whole runs ------------------------------------------------------------------------------
BASE = """
name: prop
title: {en: prop}
seed: 1
start: 2026-06-01T10:00:00
hosts:
  mx.example.org:
    role: server
    ip: 192.0.2.25
    mta: {myorigin: example.org, mydestination: "$myhostname, localhost, example.org"}
    users: {u0: {uid: 1000}, u1: {uid: 1001}, u2: {uid: 1002}}
links: []
expect: {}
"""


def run_world(tmp_path: Any, g: dict[str, Any]) -> tuple[Any, dict[tuple[str, str], Any]]:
    spec = yaml.safe_load(BASE)
    spec["hosts"]["mx.example.org"]["files"] = files(g)
    spec["commands"] = [{"at": "0s", "host": "mx.example.org", "user": "root", "id": "m",
                         "run": "sendmail " + " ".join(g["rcpts"]),
                         "stdin": "Subject: prop\n\nbody\n"}]
    path = tmp_path / "prop.yaml"
    path.write_text(yaml.safe_dump(spec))
    queue_files: dict[tuple[str, str], Any] = {}
    original = Cleanup.commit

    def recording(self: Cleanup, qid: str, *args: Any, **kwargs: Any) -> Any:
        qf = original(self, qid, *args, **kwargs)
        queue_files[(self.mta.host.name, qid)] = qf
        return qf

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Cleanup, "commit", recording)
        world = load_scenario(path).build().run(until="10m")
    return world, queue_files


RUN_SETTINGS = settings(max_examples=60, deadline=None,
                        suppress_health_check=[HealthCheck.function_scoped_fixture])


@RUN_SETTINGS
@given(graphs(runnable=True))
def test_nothing_is_lost(tmp_path: Any, g: dict[str, Any]) -> None:
    world, queue_files = run_world(tmp_path, g)
    host = world.hosts["mx.example.org"]
    assert not any(host.mta.qmgr.queues[q] for q in ("incoming", "active"))
    outcomes = list(world.trace.outcomes.values())
    assert outcomes and {o.status for o in outcomes} <= {"delivered", "bounced", "queued"}
    for o in outcomes:  # a queued recipient waits in the deferred queue
        if o.status == "queued":
            assert host.mta.qmgr.queues["deferred"], o
    bounced = [o for o in outcomes if o.status == "bounced" and not o.msg.endswith(".bounce")]
    if bounced:
        assert any(o.msg == "m.bounce" and o.status == "delivered" for o in outcomes)
    logs = [x.line for x in world.trace.logs]
    for (_, qid), qf in queue_files.items():
        if qf.trace_only:
            continue
        traced = {dict(h.args).get("rcpt") for h in world.trace.hops if h.qid == qid}
        for rcpt in qf.recipients:
            # the log names it (as to= or orig_to=), or, when an owner- alias reset the
            # original address, the trace shows the step that expanded it
            mentioned = [line for line in logs if f"{qid}: to=<{rcpt.address}>" in line
                         or (f"{qid}: to=<" in line and f"orig_to=<{rcpt.orig}>" in line)]
            assert mentioned or rcpt.address in traced, f"{qid} {rcpt.address}: lost"
    copies = sum(len(split_mbox(bytes(host.fs.read(p) or b"")))
                 for p in host.fs.under("/var/spool/mail"))
    assert copies == sum(1 for h in world.trace.hops if h.action == "deliver_mbox")


RECEIVED_ID = re.compile(r"\bid ([0-9A-F]+)\b")


@RUN_SETTINGS
@given(graphs(runnable=True))
def test_prepended_headers_carry_postfix_values(tmp_path: Any, g: dict[str, Any]) -> None:
    world, queue_files = run_world(tmp_path, g)
    host = world.hosts["mx.example.org"]
    for path in host.fs.under("/var/spool/mail"):
        for entry in split_mbox(bytes(host.fs.read(path) or b"")):
            headers = rawmsg.headers(entry)
            first = {}
            for name, value in headers:
                first.setdefault(name.lower(), value)
            qid = RECEIVED_ID.search(first["received"])
            assert qid is not None, first["received"]
            qf = queue_files[("mx.example.org", qid.group(1))]
            assert first["return-path"] == f"<{qf.sender}>"
            started = {r.address.lower(): r for r in qf.recipients}
            assert first["delivered-to"].lower() in started, (path, first, started)
            rcpt = started[first["delivered-to"].lower()]
            assert first["x-original-to"] == rcpt.orig
            user = path.rsplit("/", 1)[1]
            if first["delivered-to"].lower() != f"{user}@example.org":
                assert first["delivered-to"] != f"{user}@example.org"  # not the final user
