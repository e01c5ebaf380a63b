"""Mailbox storage: mbox locks, the MRA's index (UIDs, flags, new/ -> cur/), POP3 on both
stores, and the mbox header helpers."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import simpy

from simulator.agents.mda.locks import DOVECOT_READ, DOVECOT_WRITE, MboxLock, parse_kinds
from simulator.agents.mda.mailbox import (
    mbox_chunks,
    status_flags,
    with_status_headers,
    without_status_headers,
)
from simulator.agents.mra.mailstore import SEEN, Mailbox
from simulator.protocol.pop3 import Pop3Policy, run_pop3_session
from simulator.scenario import load_scenario

POSTFIX = frozenset({"fcntl", "dotlock"})


# --- locks ----------------------------------------------------------------------------------
def _poll(env: simpy.Environment, lock: MboxLock, out: list, kinds: frozenset[str] = POSTFIX,
          attempts: int = 20, hold: float = 0.002):
    got = yield from lock.poll("postfix/local", kinds, random.Random(1), attempts, 1.0)
    out.append(got)
    if got.holder is not None:
        yield env.timeout(hold)
        lock.release(got.holder)


def test_a_second_delivery_polls_until_the_first_is_done() -> None:
    env = simpy.Environment()
    lock, out = MboxLock(env, "/var/spool/mail/yuki"), []
    env.process(_poll(env, lock, out))
    env.process(_poll(env, lock, out))
    env.run()
    first, second = out
    assert first.waited == 0 and first.attempts == 1
    # one rand_sleep(1s, 0.5s) = 0.75 .. 1.25 s, then it gets the lock (util/rand_sleep.c)
    assert 0.75 <= second.waited <= 1.25 and second.attempts == 2
    assert second.blocked_by == "postfix/local" and lock.holders == []


def test_postfix_gives_up_after_deliver_lock_attempts() -> None:
    env = simpy.Environment()
    lock, out = MboxLock(env, "/var/spool/mail/yuki"), []
    env.process(_poll(env, lock, out, hold=60.0))
    env.process(_poll(env, lock, out, attempts=3))
    env.run()
    failed = out[1]
    assert failed.holder is None and failed.attempts == 3 and 1.5 <= failed.waited <= 2.5
    assert failed.failure == "unable to create lock file /var/spool/mail/yuki.lock: File exists"


def test_a_dovecot_read_lock_blocks_the_fcntl_lock_not_the_dotlock() -> None:
    env = simpy.Environment()
    lock, out = MboxLock(env, "/m"), []
    reader = lock.take("dovecot/pop3", DOVECOT_READ, shared=True)
    env.process(_poll(env, lock, out, attempts=2))
    env.run()
    assert out[0].failure == ("unable to lock for exclusive access: Resource temporarily "
                              "unavailable")
    out.clear()
    env.process(_poll(env, lock, out, kinds=frozenset({"dotlock"})))  # no common kind
    env.run()
    assert out[0].waited == 0 and reader in lock.holders


def test_read_locks_are_shared_and_writers_block() -> None:
    env = simpy.Environment()
    lock = MboxLock(env, "/m")
    lock.take("pop3", DOVECOT_READ, shared=True)
    assert lock.blocker(DOVECOT_READ, shared=True) is None
    assert lock.blocker(DOVECOT_WRITE, shared=False) is not None
    times: list[float] = []

    def writer():  # type: ignore[no-untyped-def]
        got = yield from lock.wait("imap", DOVECOT_WRITE, shared=False)
        times.append(env.now)
        lock.release(got.holder)

    def release_later():  # type: ignore[no-untyped-def]
        yield env.timeout(3)
        lock.release(lock.holders[0])

    env.process(writer())
    env.process(release_later())
    env.run()
    assert times == [3]


def test_the_blocker_named_is_the_first_holder_to_come_not_the_first_to_lock() -> None:
    env = simpy.Environment()
    lock, out = MboxLock(env, "/m"), []
    env.process(_poll(env, lock, out, kinds=frozenset({"dotlock"}), hold=5.0))
    env.step()  # the poller has its place (and its dotlock) before the reader comes
    early = lock.holders[0]
    reader = lock.take("dovecot/pop3", DOVECOT_READ, shared=True)
    assert lock.blocker(DOVECOT_WRITE, shared=False) is early
    assert lock.blocker(DOVECOT_WRITE, shared=False, me=early) is reader
    lock.release(reader)
    assert lock.blocker(DOVECOT_READ, shared=True) is None and lock.holders == [early]


def test_a_queue_of_waiting_deliveries_is_served_and_left_empty() -> None:
    env = simpy.Environment()
    lock, out = MboxLock(env, "/m"), []
    for _ in range(50):
        env.process(_poll(env, lock, out, attempts=200))
    env.run()
    assert [w.holder is not None for w in out] == [True] * 50 and lock.holders == []
    assert sum(w.waited == 0 for w in out) == 1


def test_lock_kinds_are_checked() -> None:
    assert parse_kinds("fcntl, dotlock") == POSTFIX
    with pytest.raises(ValueError, match="unknown lock method 'lockf'"):
        parse_kinds("lockf")


# --- mbox headers ---------------------------------------------------------------------------
ENTRY = b"From a@x  Wed Apr  1 09:00:00 2026\nSubject: hi\nStatus: O\n\n>From here\n\n"


def test_status_headers_replaced_in_place_or_added_last() -> None:
    assert with_status_headers(ENTRY, "RO", "") == ENTRY.replace(b"Status: O", b"Status: RO")
    plain = ENTRY.replace(b"Status: O\n", b"")
    assert with_status_headers(plain, "O", "F").endswith(
        b"Subject: hi\nStatus: O\nX-Status: F\n\n>From here\n\n")
    assert status_flags(ENTRY.partition(b"\n")[2]) == ("O", "")
    assert without_status_headers(ENTRY.partition(b"\n")[2]) == b"Subject: hi\n\n>From here\n\n"


def test_mbox_chunks_keep_each_entry_whole() -> None:
    data = ENTRY + ENTRY.replace(b"hi", b"ho")
    assert mbox_chunks(data) == [ENTRY, ENTRY.replace(b"hi", b"ho")]
    # an unquoted "From " line after a blank line starts a new message: why local(8) quotes
    assert len(mbox_chunks(ENTRY.replace(b">From", b"From"))) == 2


# --- the MRA's index, on real delivered mailboxes --------------------------------------------
def _world(tmp: Path, home_mailbox: str):  # type: ignore[no-untyped-def]
    text = f"""
name: t
title: {{en: t}}
start: 2026-04-01T09:00:00
hosts:
  mx.example.org:
    role: server
    ip: 192.0.2.25
    services: [pop3, imap]
    mta: {{mydestination: "$myhostname, example.org", home_mailbox: "{home_mailbox}"}}
    users: {{alice: {{}}, yuki: {{password: pw}}}}
links: []
commands:
  - {{at: 0s, host: mx.example.org, user: alice, run: sendmail yuki,
      stdin: "Subject: one\\n\\nx\\n"}}
  - {{at: 1s, host: mx.example.org, user: alice, run: sendmail yuki,
      stdin: "Subject: two\\n\\ny\\n"}}
expect: {{}}
"""
    path = tmp / "t.yaml"
    path.write_text(text)
    return load_scenario(path).build().run()


def test_maildir_sync_moves_new_to_cur_and_flags_rename(tmp_path: Path) -> None:
    world = _world(tmp_path, "Maildir/")
    host = world.hosts["mx.example.org"]
    box = Mailbox(host, "/home/yuki/Maildir/").sync(drop_recent=True)
    assert [m.uid for m in box.messages] == [1, 2] and all(m.recent for m in box.messages)
    assert host.fs.under("/home/yuki/Maildir/new") == []
    assert all(p.endswith(":2,") for p in host.fs.under("/home/yuki/Maildir/cur"))
    box.set_flags(box.messages[0], {SEEN, "\\Deleted", "\\Answered"})
    assert box.messages[0].where.endswith(":2,RST")  # letters in ASCII order
    uidlist = host.fs.read("/home/yuki/Maildir/dovecot-uidlist").decode().splitlines()
    assert uidlist[0].startswith("3 V") and " N3 G" in uidlist[0] and uidlist[1].startswith("1 :")
    again = Mailbox(host, "/home/yuki/Maildir/").sync(drop_recent=True)
    assert [m.uid for m in again.messages] == [1, 2] and not any(m.recent for m in again.messages)
    assert again.messages[0].flags == {SEEN, "\\Deleted", "\\Answered"}


def test_mbox_flags_are_written_as_status_headers_on_close(tmp_path: Path) -> None:
    world = _world(tmp_path, "")
    host = world.hosts["mx.example.org"]
    box = Mailbox(host, "/var/spool/mail/yuki").sync(drop_recent=True)
    box.set_flags(box.messages[1], {SEEN})
    assert box.close()
    data = host.fs.read("/var/spool/mail/yuki") or b""
    assert [status_flags(c.partition(b"\n")[2])[0] for c in mbox_chunks(data)] == ["O", "RO"]
    # the served message never shows the mbox book-keeping; UIDs stay the same
    again = Mailbox(host, "/var/spool/mail/yuki").sync(drop_recent=False)
    assert [m.uid for m in again.messages] == [1, 2] and b"Status" not in again.messages[1].data
    assert again.messages[1].flags == {SEEN}


@pytest.mark.parametrize("home_mailbox,path", [("", "/var/spool/mail/yuki"),
                                               ("Maildir/", "/home/yuki/Maildir/")])
def test_pop3_on_both_stores_keep_then_delete(tmp_path: Path, home_mailbox: str,
                                              path: str) -> None:
    world = _world(tmp_path, home_mailbox)
    pop3d = world.hosts["mx.example.org"].pop3d
    kept = pop3d.open()
    first = run_pop3_session(kept.server, "yuki", "pw", Pop3Policy(keep_on_server=True))
    update = kept.update()
    assert len(first.retrieved) == 2 and update.seen == 2 and update.removed == 0
    # UIDL does not change when the server records \Seen (so "leave on server" works)
    seen = frozenset(m.uid for m in first.retrieved)
    second = pop3d.open()
    again = run_pop3_session(second.server, "yuki", "pw", Pop3Policy(), seen)
    assert again.retrieved == [] and ("C", "DELE 1") not in again.transcript
    third = pop3d.open()
    run_pop3_session(third.server, "yuki", "pw", Pop3Policy())
    assert third.update().removed == 2
    box = Mailbox(world.hosts["mx.example.org"], path).sync(drop_recent=False)
    assert box.messages == []


def test_a_delivery_that_cannot_lock_is_deferred_with_postfix_words(tmp_path: Path) -> None:
    import yaml

    spec = yaml.safe_load((Path(__file__).parents[2] / "scenarios/12-mbox-locking.yaml")
                          .read_text(encoding="utf-8"))
    spec["expect"], spec["questions"] = {}, []
    spec["hosts"]["spool.example.org"]["mta"]["deliver_lock_attempts"] = 1
    path = tmp_path / "lab.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    world = load_scenario(path).build().run(until="20m")
    deferred = {h.msg: h for h in world.trace.hops if h.action == "status_deferred"}
    assert deferred["two"].reply == "dsn=4.2.0, status=deferred"
    assert deferred["two"].detail == (
        "<yuki@example.org>: cannot update mailbox /var/spool/mail/yuki for user yuki. "
        "unable to create lock file /var/spool/mail/yuki.lock: File exists")
    # the POP3 session's read lock blocks the fcntl lock (the dotlock was free)
    assert (deferred["five"].detail or "").endswith(
        "unable to lock for exclusive access: Resource temporarily unavailable")
    # and the next deferred-queue scan (every queue_run_delay) delivers both
    # outcomes are kept by final address; "yuki" is the address as submitted (orig)
    assert world.trace.outcome("two", "yuki").status == "delivered"  # type: ignore[union-attr]
    assert world.trace.outcome("five", "yuki").status == "delivered"  # type: ignore[union-attr]
    assert any("dsn=4.2.0, status=deferred (cannot update mailbox /var/spool/mail/yuki for "
               "user yuki." in x.line for x in world.trace.logs)
    assert [h.action for h in world.trace.hops].count("mbox_lock_failed") == 2
