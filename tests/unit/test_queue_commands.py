"""postqueue, mailq, postsuper and sendmail -q as a user types them, against a live queue:
outputs, exit codes and what they do to the queue files."""

from __future__ import annotations

from typing import Any

from simulator.commands import run_command
from tests.queue_world import MSA, message, world

DOWN = [{"at": "0s", "do": "service_down", "host": h, "service": "smtp"}
        for h in ("mx1.example.org", "mx2.example.org")]
UP = [{"at": "22m", "do": "service_up", "host": h, "service": "smtp"}
      for h in ("mx1.example.org", "mx2.example.org")]


def deferred_world(until: float = 60.0, **kwargs: Any) -> Any:
    w = world(events=DOWN + UP, messages=[message("m1", "0s", "bob@example.org"),
                                          message("m2", "1s", "carol@example.org")], **kwargs)
    return w.run(until=until)


def run(w: Any, line: str, user: str = "root", stdin: str = "") -> Any:
    host = w.hosts[MSA]
    return run_command(host, host.users[user], line, stdin)


def qids(w: Any, queue: str) -> list[str]:
    return sorted(w.hosts[MSA].mta.qmgr.queues[queue])


def test_mailq_is_sendmail_bp_is_postqueue_p() -> None:
    w = deferred_world()
    outputs = {line: run(w, line, "alice") for line in ("mailq", "sendmail -bp", "postqueue -p")}
    assert len({r.output for r in outputs.values()}) == 1
    assert all(r.status == 0 for r in outputs.values())
    assert outputs["mailq"].output.endswith("-- 0 Kbytes in 2 Requests.\n")


def test_postqueue_usage_errors() -> None:
    w = deferred_world()
    usage = ("postqueue: fatal: usage: postqueue -f | postqueue -i queueid | postqueue -j | "
             "postqueue -p | postqueue -s site\n")
    assert (run(w, "postqueue").output, run(w, "postqueue").status) == (usage, 64)
    assert run(w, "postqueue -p -f").output == usage
    assert run(w, "postqueue -p extra").output == usage
    bad = run(w, "postqueue -x")
    assert (bad.output, bad.status) == ("postqueue: invalid option -- 'x'\n" + usage, 64)
    assert run(w, "postqueue -i 'a b'").output == \
        'postqueue: fatal: Cannot flush queue ID - invalid name: "a b"\n'
    assert run(w, "postqueue -s 'bad site!'").status == 64


def test_flush_service_only_for_fast_flush_domains() -> None:
    w = deferred_world()
    refused = run(w, "postqueue -s example.org")
    assert (refused.status, refused.output) == (
        69, 'postqueue: fatal: Flush service is not configured for destination "example.org"\n')
    w = deferred_world(msa={"relay_domains": "example.org"})
    w.run(until=23 * 60)  # the MX hosts listen again since 09:22
    assert run(w, "sendmail -qRexample.org").status == 0
    assert qids(w, "active") and not qids(w, "deferred")


def test_postqueue_f_retries_everything_now_and_i_one_message() -> None:
    w = deferred_world(until=23 * 60)
    first, second = qids(w, "deferred")
    assert run(w, f"postqueue -i {first}").output == ""
    assert qids(w, "active") == [first] and qids(w, "deferred") == [second]
    assert run(w, "postqueue -i NOSUCHID").status == 0  # nothing to do is no error
    run(w, "sendmail -q")
    assert qids(w, "active") == [first, second]
    w.run(until=24 * 60)
    assert not any(w.hosts[MSA].mta.qmgr.queues.values())


def test_postsuper_needs_root() -> None:
    w = deferred_world()
    result = run(w, "postsuper -d ALL", "alice")
    assert (result.output, result.status) == (
        "postsuper: fatal: use of this command is reserved for the superuser\n", 1)
    assert len(qids(w, "deferred")) == 2


def test_postsuper_hold_release_delete_with_ids_and_all() -> None:
    w = deferred_world()
    first, second = qids(w, "deferred")
    assert run(w, f"postsuper -h {first}").output == (
        f"postsuper: {first}: placed on hold\npostsuper: Placed on hold: 1 message\n")
    assert qids(w, "hold") == [first]
    assert f"{first}!" in run(w, "mailq").output
    assert run(w, f"postsuper -h {first}").output == "postsuper: Placed on hold: 0 messages\n"
    assert run(w, "postsuper -H ALL").output == "postsuper: Released from hold: 1 message\n"
    assert qids(w, "deferred") == [first, second]
    both = run(w, f"postsuper -d {first} -d nosuch -d bad/id")
    assert both.output == (f"postsuper: {first}: removed\n"
                           "postsuper: warning: invalid mail queue id: bad/id\n"
                           "postsuper: Deleted: 1 message\n")
    assert run(w, "postsuper -d ALL deferred").output == "postsuper: Deleted: 1 message\n"
    assert run(w, "mailq").output == "Mail queue is empty\n"
    assert w.trace.outcomes[("m1", "bob@example.org")].status == "deleted"
    assert "postfix/postsuper" in w.hosts[MSA].maillog()


def test_held_mail_is_never_scanned_and_release_keeps_the_time_stamp() -> None:
    w = deferred_world()
    run(w, "postsuper -h ALL")
    w.run(until=41 * 60)  # the MX hosts are back since 09:22: held mail does not move
    assert len(qids(w, "hold")) == 2
    run(w, "postsuper -H ALL")  # due long ago: the next scan (every 300 s) takes them
    assert all(qf.next_try == 45 * 60 for qf in w.hosts[MSA].mta.qmgr.queues["deferred"].values())
    w.run()
    assert {o.status for o in w.trace.outcomes.values()} == {"delivered"}


def test_postsuper_requeue_gives_a_new_queue_id_and_keeps_the_arrival() -> None:
    w = deferred_world()
    old = qids(w, "deferred")
    arrival = {qf.qid: qf.arrival for qf in w.hosts[MSA].mta.qmgr.queues["deferred"].values()}
    assert run(w, "postsuper -r ALL").output == "postsuper: Requeued: 2 messages\n"
    w.run(until=61.0)
    new = qids(w, "deferred")
    assert len(new) == 2 and not set(new) & set(old)
    assert sorted(qf.arrival for qf in w.hosts[MSA].mta.qmgr.queues["deferred"].values()) == \
        sorted(arrival.values())
    assert "orig_id=" in w.hosts[MSA].maillog()


def test_postsuper_expire_returns_the_mail_at_the_next_attempt() -> None:
    w = deferred_world()
    first, _ = qids(w, "deferred")
    assert run(w, f"postsuper -e {first}").output == (
        f"postsuper: {first}: expired\npostsuper: Force-expired: 1 message\n")
    assert f"{first}#" in run(w, "mailq").output
    run(w, f"postqueue -i {first}")
    w.run(until=120.0)
    log = w.hosts[MSA].maillog()
    assert f"{first}: from=<alice@example.net>, status=force-expired, returned to sender" in log
    assert w.trace.outcomes[("m1", "bob@example.org")].status == "bounced"


def test_commands_on_a_host_that_is_down() -> None:
    w = world(events=[{"at": "0s", "do": "host_down", "host": MSA}], messages=[])
    w.run(until=1.0)
    result = run(w, "mailq")
    assert (result.status, result.output) == (
        255, f"mailsim: {MSA} is down: the command was not run\n")
