"""smtp(8)'s MX walk with faults injected (smtp_connect.c, smtp_trouble.c): which server
decides each recipient, and what is logged on the way."""

from __future__ import annotations

from typing import Any

import pytest

from tests.queue_world import MSA, message, world

GREYLIST = "450 4.2.0 <{rcpt}>: Recipient address rejected: Greylisted"


def fault(stage: str, reply: str, host: str = "mx1.example.org", **extra: Any) -> dict[str, Any]:
    return {"at": "0s", "do": "smtp_reply", "host": host, "stage": stage, "reply": reply,
            **extra}


def outcome(w: Any, rcpt: str = "bob@example.org", msg: str = "m1") -> Any:
    return w.trace.outcomes[(msg, rcpt)]


def msa_log(w: Any) -> str:
    return w.hosts[MSA].maillog()


def test_a_temporary_refusal_at_a_non_final_mx_tries_the_next_one() -> None:
    w = world(events=[fault("rcpt", GREYLIST)]).run()
    assert (outcome(w).status, outcome(w).host) == ("delivered", "mx2.example.org")
    log = msa_log(w)
    assert ": host mx1.example.org[192.0.2.25] said: 450 4.2.0 <bob@example.org>: Recipient " \
           "address rejected: Greylisted (in reply to RCPT TO command)" in log
    assert "status=deferred" not in log and "relay=mx2.example.org[192.0.2.26]:25" in log


def test_a_temporary_refusal_at_the_last_mx_defers() -> None:
    w = world(events=[fault("rcpt", GREYLIST, times=1),
                      fault("rcpt", GREYLIST, "mx2.example.org", times=1)]).run()
    assert outcome(w).status == "delivered"
    assert "dsn=4.2.0, status=deferred (host mx2.example.org[192.0.2.26] said: 450 4.2.0" \
           in msa_log(w)
    assert w.engine.clock.short(outcome(w).t).startswith("09:05:00")


def test_a_permanent_refusal_bounces_at_once_without_trying_the_backup() -> None:
    w = world(events=[fault("rcpt", "550 5.1.1 <{rcpt}>: Recipient address rejected: "
                                    "User unknown")]).run()
    assert (outcome(w).status, outcome(w).dsn) == ("bounced", "5.1.1")
    assert "mx2.example.org" not in msa_log(w)
    assert outcome(w, "alice@example.net", "m1.bounce").status == "delivered"


def test_a_421_greeting_makes_the_client_move_on() -> None:
    w = world(events=[fault("connect", "421 4.3.2 Service currently unavailable")]).run()
    assert outcome(w).host == "mx2.example.org"
    assert ": host mx1.example.org[192.0.2.25] refused to talk to me: 421 4.3.2 Service " \
           "currently unavailable" in msa_log(w)
    assert "NOQUEUE: reject: CONNECT from mail.example.net[203.0.113.25]: 421 4.3.2 Service " \
           "currently unavailable; proto=SMTP" in w.hosts["mx1.example.org"].maillog()


def test_each_recipient_has_its_own_fate() -> None:
    msgs = [message("m1", "0s", "bob@example.org", "carol@example.org")]
    w = world(messages=msgs, events=[fault("rcpt", GREYLIST, rcpt="bob@example.org")]).run()
    assert (outcome(w).host, outcome(w, "carol@example.org").host) == \
        ("mx2.example.org", "mx1.example.org")


@pytest.mark.parametrize("stage,where", [("mail", "MAIL FROM"), ("data", "DATA"),
                                         ("end_of_data", "end of DATA")])
def test_refusals_at_later_stages_name_the_command(stage: str, where: str) -> None:
    reply = "452 4.3.1 Insufficient system storage"
    w = world(events=[fault(stage, reply), fault(stage, reply, "mx2.example.org")],
              msa={"maximal_queue_lifetime": "0"}).run()
    assert outcome(w).status == "bounced"  # a lifetime of 0: one try only
    assert f"said: {reply} (in reply to {where} command)" in msa_log(w)
    assert "status=expired, returned to sender" in msa_log(w)


def test_a_refusal_at_end_of_data_discards_the_servers_queue_file() -> None:
    w = world(events=[fault("end_of_data", "452 4.2.2 Mailbox full", times=1)]).run()
    mx1 = w.hosts["mx1.example.org"].maillog()
    assert ": reject: END-OF-MESSAGE from mail.example.net[203.0.113.25]: 452 4.2.2 " \
           "Mailbox full; from=<alice@example.net> to=<bob@example.org> proto=ESMTP" in mx1
    assert (outcome(w).status, outcome(w).host) == ("delivered", "mx2.example.org")


def test_a_reply_window_ends_at_until() -> None:
    w = world(events=[fault("rcpt", GREYLIST, until="7m"),
                      fault("rcpt", GREYLIST, "mx2.example.org", until="7m")]).run()
    # refused at 09:00 and 09:05, accepted at the 09:10 scan
    assert w.engine.clock.short(outcome(w).t).startswith("09:10:00")


def test_connect_failures_are_logged_one_by_one() -> None:
    events = [{"at": "0s", "do": "service_down", "host": "mx1.example.org", "service": "smtp"},
              {"at": "0s", "do": "link_down", "between": [MSA, "mx2.example.org"]},
              {"at": "3m", "do": "link_up", "between": [MSA, "mx2.example.org"]}]
    w = world(events=events).run()
    log = msa_log(w)
    assert "postfix/smtp" in log and "connect to mx1.example.org[192.0.2.25]:25: " \
           "Connection refused" in log
    assert "status=deferred (connect to mx2.example.org[192.0.2.26]:25: Connection timed out)" \
        in log
    # deferred at 09:00:30 (30 s waiting for mx2), age 30 s -> due 09:05:30 -> scan 09:10
    assert (outcome(w).host, w.engine.clock.short(outcome(w).t)[:8]) == \
        ("mx2.example.org", "09:10:00")


def test_a_server_crash_before_the_end_of_data_reply_loses_nothing() -> None:
    events = [{"at": "0.15s", "do": "host_down", "host": "mx1.example.org"}]
    w = world(events=events, latency="100ms").run()
    assert "lost connection with mx1.example.org[192.0.2.25] while sending end of data -- " \
           "message may be sent more than once" in msa_log(w)
    assert (outcome(w).status, outcome(w).host) == ("delivered", "mx2.example.org")
    assert w.hosts["mx1.example.org"].fs.read("/var/spool/mail/bob") is None


def test_a_slow_link_slows_the_session() -> None:
    fast = world().run()
    slow = world(events=[{"at": "0s", "do": "link_latency", "between": [MSA, "mx1.example.org"],
                          "latency": "1s"}]).run()
    assert outcome(slow).t - outcome(fast).t > 4  # several round trips of 2 s instead of 20 ms


def test_one_connect_line_per_next_hop_address_tried() -> None:
    """smtp_connect.c smtp_connect_remote(): each address that refuses is logged once
    ("connect to HOST[IP]:25: ..."), not once per domain nor per recipient; two
    recipients of one domain share the walk over mx1 and mx2."""
    down = [{"at": "0s", "do": "service_down", "host": h, "service": "smtp"}
            for h in ("mx1.example.org", "mx2.example.org")]
    w = world(events=down, messages=[message("m1", "0s", "bob@example.org",
                                             "carol@example.org")])
    w.run(until="4m")  # the first delivery attempt only
    lines = [ln for ln in msa_log(w).splitlines()
             if "postfix/smtp[" in ln and ": connect to " in ln]
    assert [ln.split(": connect to ", 1)[1] for ln in lines] == [
        "mx1.example.org[192.0.2.25]:25: Connection refused",
        "mx2.example.org[192.0.2.26]:25: Connection refused"]
