"""The trace keeps facts and renders text on demand (issue 12): the dialogue and maillog
lines rebuilt from facts read exactly as they were printed when they were stored as text
(golden lines taken from main before the change)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from simulator.model.dialogue import Dialogue, data_lines
from simulator.model.trace import LogLine
from simulator.render import console as render
from simulator.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
LAB = ROOT / "scenarios" / "01-basic-delivery.yaml"

# scenario 01, mail.example.net's smtp(8) to mx.example.org: EHLO, a PIPELINING batch,
# the message (from the bytes of the queue file; its folded header lines start with a tab)
# and QUIT sent with the final "."
RELAY_SESSION = """\
── SMTP mail.example.net → mx.example.org:25 (connected 09:00:00.183) ──
09:00:00.229 S: 220 mx.example.org ESMTP Postfix
09:00:00.252 C: EHLO mail.example.net
09:00:00.275 S: 250-mx.example.org
09:00:00.275 S: 250-PIPELINING
09:00:00.275 S: 250-SIZE 10240000
09:00:00.275 S: 250-VRFY
09:00:00.275 S: 250-ETRN
09:00:00.275 S: 250-ENHANCEDSTATUSCODES
09:00:00.275 S: 250-8BITMIME
09:00:00.275 S: 250-DSN
09:00:00.275 S: 250-SMTPUTF8
09:00:00.275 S: 250 CHUNKING
09:00:00.298 C: MAIL FROM:<alice@example.net> SIZE=564
09:00:00.298 C: RCPT TO:<bob@example.org> ORCPT=rfc822;bob@example.org
09:00:00.298 C: DATA
09:00:00.321 S: 250 2.1.0 Ok
09:00:00.321 S: 250 2.1.5 Ok
09:00:00.321 S: 354 End data with <CR><LF>.<CR><LF>
09:00:00.344 C: Received: from [198.51.100.23] (p23.home.example.net [198.51.100.23])
09:00:00.344 C: \tby mail.example.net (Postfix) with ESMTPSA id 003E8228C0
09:00:00.344 C: \tfor <bob@example.org>; Wed,  1 Apr 2026 09:00:00 +0900 (JST)
09:00:00.344 C: From: Alice Sato <alice@example.net>
09:00:00.344 C: To: bob@example.org
09:00:00.344 C: Subject: Lunch on Friday?
09:00:00.344 C: Date: Wed, 01 Apr 2026 09:00:00 +0900
09:00:00.344 C: Message-ID: <099950d8-36f6-45cc-81e7-4ef5e8e25d94@example.net>
09:00:00.344 C: User-Agent: Mozilla Thunderbird
09:00:00.344 C: Content-Type: text/plain; charset="utf-8"
09:00:00.344 C: Content-Transfer-Encoding: 7bit
09:00:00.344 C: MIME-Version: 1.0
09:00:00.344 C: 
09:00:00.344 C: Hi Bob,
09:00:00.344 C: 
09:00:00.344 C: Shall we have lunch on Friday?
09:00:00.344 C: 
09:00:00.344 C: Alice
09:00:00.344 C: .
09:00:00.344 C: QUIT
09:00:00.367 S: 250 2.0.0 Ok: queued as 2CAD828191
09:00:00.367 S: 221 2.0.0 Bye
"""

MX_MAILLOG = """\
Apr  1 09:00:00 mx postfix/smtpd[18575]: connect from mail.example.net[203.0.113.25]
Apr  1 09:00:00 mx postfix/smtpd[18575]: 2CAD828191: client=mail.example.net[203.0.113.25]
Apr  1 09:00:00 mx postfix/cleanup[18611]: 2CAD828191: message-id=<099950d8-36f6-45cc-81e7-4ef5e8e25d94@example.net>
Apr  1 09:00:00 mx postfix/qmgr[18639]: 2CAD828191: from=<alice@example.net>, size=749, nrcpt=1 (queue active)
Apr  1 09:00:00 mx postfix/local[18643]: 2CAD828191: to=<bob@example.org>, relay=local, delay=0, delays=0/0/0/0, dsn=2.0.0, status=sent (delivered to mailbox)
Apr  1 09:00:00 mx postfix/qmgr[18639]: 2CAD828191: removed
Apr  1 09:00:00 mx postfix/smtpd[18575]: disconnect from mail.example.net[203.0.113.25] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5
"""


@pytest.fixture(scope="module")
def world():  # type: ignore[no-untyped-def]
    return load_scenario(LAB).build().run()


def test_relay_session_rendered_from_facts_reads_as_before(world) -> None:  # type: ignore[no-untyped-def]
    printed = "\n".join(t.plain for t in render.transcript_lines(world))
    start = printed.index("── SMTP mail.example.net → mx.example.org:25")
    assert printed[start:start + len(RELAY_SESSION)] == RELAY_SESSION


def test_smtp_client_session_keeps_facts_not_lines(world) -> None:  # type: ignore[no-untyped-def]
    relay = next(s for s in world.trace.sessions if s.client_host == "mail.example.net")
    assert relay.dialogue is not None and relay._lines is None
    # the DATA part is the queue file's bytes, by reference, not a copy per line
    parts = relay.dialogue.parts  # flat: (kind, time, value, value) per part
    grouped = [parts[i:i + 4] for i in range(0, len(parts), 4)]
    data = [p for p in grouped if p[0] == 2]
    assert len(data) == 1 and isinstance(data[0][2], bytes)
    assert len(grouped) < len(relay.lines) / 4
    # no tuple per part; a single reply line is kept as its (interned) string
    assert not any(isinstance(p, tuple) and len(p) == 4 for p in parts)
    singles = [s for s in world.trace.sessions if s.dialogue is not None
               and any(k == 1 and isinstance(r, str)
                       for k, r in zip(s.dialogue.parts[::4], s.dialogue.parts[3::4]))]
    assert singles  # the submission's AUTH, STARTTLS ... are answered one line each


def test_maillog_formatted_from_facts_reads_as_before(world) -> None:  # type: ignore[no-untyped-def]
    assert world.hosts["mx.example.org"].maillog() == MX_MAILLOG
    first = next(x for x in world.trace.logs if x.host == "mx.example.org")
    assert (first.program, first.message) == ("postfix/smtpd",
                                              "connect from mail.example.net[203.0.113.25]")
    # kept as a template and its values: the client's label one string for all its lines
    assert (first.text, first.args) == ("connect from %s", ("mail.example.net[203.0.113.25]",))
    mx = [x for x in world.trace.logs if x.host == "mx.example.org" and x.args]
    labels = [x.args[0] if x.text.startswith("connect") else x.args[1] for x in mx
              if x.text.startswith(("connect", "%s: client="))]
    assert len(labels) >= 2 and all(label is labels[0] for label in labels)
    active = next(x for x in mx if x.text.endswith("(queue active)"))
    hop = next(h for h in world.trace.hops if h.action == "queue_active" and h.qid == active.args[0])
    assert hop._facts is active.args  # the hop and the log line share one tuple of facts
    assert active.message == f"{hop.qid}: {hop.detail} (queue active)"


def test_dialogue_renders_exchanges_data_and_lines_in_order() -> None:
    d = Dialogue(rtt=0.02)
    d.line(1.0, "S", "220 mx ESMTP Postfix")
    d.exchange(1.01, ["EHLO a"], [["250-mx", "250 PIPELINING"]])
    d.exchange(1.03, ["MAIL FROM:<a@x>", "RCPT TO:<b@y>", "DATA"],
               [["250 2.1.0 Ok"], ["250 2.1.5 Ok"], ["354 End data"]])
    d.data(1.05, b"Subject: s\n\n.hidden\n..two\nend\n")
    d.exchange(1.05, [".", "QUIT"], [["250 2.0.0 Ok: queued as X"], ["221 2.0.0 Bye"]])
    assert d.lines() == [
        (1.0, "S", "220 mx ESMTP Postfix"),
        (1.01, "C", "EHLO a"), (1.01 + 0.01, "S", "250-mx"), (1.01 + 0.01, "S", "250 PIPELINING"),
        (1.03, "C", "MAIL FROM:<a@x>"), (1.03, "C", "RCPT TO:<b@y>"), (1.03, "C", "DATA"),
        (1.03 + 0.01, "S", "250 2.1.0 Ok"), (1.03 + 0.01, "S", "250 2.1.5 Ok"),
        (1.03 + 0.01, "S", "354 End data"),
        (1.05, "C", "Subject: s"), (1.05, "C", ""), (1.05, "C", "..hidden"),
        (1.05, "C", "...two"), (1.05, "C", "end"),
        (1.05, "C", "."), (1.05, "C", "QUIT"),
        (1.05 + 0.01, "S", "250 2.0.0 Ok: queued as X"), (1.05 + 0.01, "S", "221 2.0.0 Bye")]
    assert len(d) == 19


def test_multiline_replies_are_one_shared_tuple() -> None:
    a, b = Dialogue(0.01), Dialogue(0.01)
    for d in (a, b):
        d.exchange(0.0, ["EHLO a"], [["250-mx", "250 " + "PIPELINING"]])
    assert a.parts[3] is b.parts[3] and a.parts[3] == ("250-mx", "250 PIPELINING")


def test_single_reply_kept_as_its_string_and_rendered_as_before() -> None:
    d = Dialogue(0.5)
    d.exchange(1.0, ["MAIL FROM:<a@b>"], [["250 2.1.0 " + "Ok"]])
    d.exchange(2.0, ["QUIT"], [[""]])  # an empty reply line stays a line
    d.exchange(3.0, ["X"], [])
    assert d.parts[3] == "250 2.1.0 Ok" and d.parts[3] is sys.intern("250 2.1.0 Ok")
    assert d.lines() == [(1.0, "C", "MAIL FROM:<a@b>"), (1.25, "S", "250 2.1.0 Ok"),
                         (2.0, "C", "QUIT"), (2.25, "S", ""), (3.0, "C", "X")]
    assert d.end() == 3.0


def test_data_lines_decode_as_the_transcript_shows_them() -> None:
    assert data_lines(2.0, "é\n.x\n".encode()) == [(2.0, "C", "é"), (2.0, "C", "..x")]


class _Host:
    name, short_name = "mx.example.org", "mx"

    def syslog_stamp(self, t: float) -> str:
        return f"Apr  1 09:00:{int(t):02d}"


def test_logline_template_and_args_are_formatted_when_read() -> None:
    line = LogLine(5.0, _Host(), "postfix/qmgr", 42, "%s: from=<%s>, size=%d", ("AB12", "a@x", 9))
    assert line.line == "Apr  1 09:00:05 mx postfix/qmgr[42]: AB12: from=<a@x>, size=9"
    assert line.host == "mx.example.org"
    plain = LogLine(7.0, _Host(), "postfix/qmgr", 42, "100% literal")
    assert plain.line == "Apr  1 09:00:07 mx postfix/qmgr[42]: 100% literal"


@pytest.mark.parametrize("lab", ["01-basic-delivery", "11-pop3-vs-imap", "57-dsn"])
def test_session_end_read_from_facts_is_its_last_rendered_line(lab: str) -> None:
    path = Path(__file__).resolve().parents[2] / "scenarios" / f"{lab}.yaml"
    world = load_scenario(path).build().run()
    assert world.trace.sessions
    for s in world.trace.sessions:
        assert s.end == (s.lines[-1][0] if s.lines else s.start), s.sid
