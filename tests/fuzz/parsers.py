"""Seeded random inputs for every parser a scenario or a student reaches: aliases(5),
.forward lines (the same list syntax, through the address tokenizer), the address
tokenizer itself, DNS zone text, message headers, the SMTP/POP3/IMAP command handlers and
every simulated command's argument parser. The property: no exception but the documented
ones (ZoneError for a zone); each driver returns how many cases it ran."""

from __future__ import annotations

import random
import shlex
from collections.abc import Callable
from functools import cache
from typing import Any

from simulator import commands
from simulator.agents.mda import aliases
from simulator.model import rawmsg, tok822
from simulator.model.message import from_bytes
from simulator.net.dns import DNS, ZoneError
from simulator.protocol.imap import ImapServer
from simulator.protocol.pop3 import MaildropMessage, Pop3Server
from simulator.protocol.smtp import SmtpServer, SmtpSession
from simulator.scenario import load_scenario

PIECES = ["a", "b", "postmaster", "root", "\\", "\\bob", "|/usr/bin/vacation", "/tmp/x",
          ":include:/etc/list", "owner-", "@", "@@", "example.org", " ", "\t", ",", ":", ";",
          "<", ">", "(", ")", '"', "'", "[", "]", ".", "..", "#", "\n", "\n ", "\r\n", "\x00",
          "é", "¥", "名前", "=?utf-8?b?5ZCN?=", "%", "!", "$", "x" * 300, "MX", "A", "IN",
          "10", "3600", "$ORIGIN", "$TTL", "@", "*", "192.0.2.1", "::1", "-", "+", "=", "{}"]


def text(rng: random.Random, pieces: list[str] = PIECES, most: int = 12) -> str:
    return "".join(rng.choice(pieces) for _ in range(rng.randrange(most + 1)))


def fuzz_aliases(rng: random.Random) -> None:
    lines = "\n".join(f"{text(rng, most=3)}: {text(rng)}" if rng.random() < 0.7 else text(rng)
                      for _ in range(rng.randrange(6)))
    aliases.parse(lines)


def fuzz_tok822(rng: random.Random) -> None:
    s = text(rng)
    tokens = tok822.parse(s)
    tok822.internalize(tokens)
    tok822.externalize(tokens)
    tok822.addresses(s)


def fuzz_zone(rng: random.Random) -> None:
    zone = "\n".join(text(rng, most=6) for _ in range(rng.randrange(5)))
    try:
        DNS.from_text(zone)
    except ZoneError:
        pass


def fuzz_headers(rng: random.Random) -> None:
    data = "\n".join(f"{text(rng, most=2)}:{text(rng, most=6)}" for _ in range(4)).encode(
        "utf-8", "surrogatepass") + b"\n\n" + rng.randbytes(rng.randrange(40))
    rawmsg.headers(data)
    rawmsg.get(data, "subject")
    from_bytes(data).get("Subject")


SMTP_VERBS = ["HELO", "EHLO", "MAIL FROM:", "RCPT TO:", "DATA", ".", "RSET", "NOOP", "VRFY",
              "HELP", "QUIT", "AUTH PLAIN", "AUTH LOGIN", "STARTTLS", "BDAT", "ETRN", "XCLIENT"]
POP3_VERBS = ["USER", "PASS", "APOP", "STAT", "LIST", "RETR", "DELE", "NOOP", "RSET", "QUIT",
              "TOP", "UIDL", "CAPA", "STLS", "AUTH"]
IMAP_VERBS = ["a LOGIN", "b SELECT", "c FETCH", "d STORE", "e EXPUNGE", "f LOGOUT",
              "g CAPABILITY", "h UID FETCH", "i SEARCH", "j EXAMINE", "k LIST", "l NOOP", "m"]
ARGS = ["", " ", " <a@b.example>", " <>", " 1", " 0", " -1", " 99999999999999999999", " *",
        " 1:*", " (FLAGS)", " +FLAGS (\\Seen)", " INBOX", " bob secret", " alice secret",
        " =", " {5}", " \"q\"", " AAAA", " é", " \x00", " x" * 50]


def _line(rng: random.Random, verbs: list[str]) -> str:
    return rng.choice(verbs) + "".join(rng.choice(ARGS) for _ in range(rng.randrange(3))) \
        if rng.random() < 0.85 else text(rng)


SMTP_LABS = ["43-relay-control", "40-submission-auth", "01-basic-delivery"]


@cache
def _smtp_hosts() -> list[Any]:
    """The MTAs of labs with relay control and submission: the real smtpd policy."""
    from tests.fuzz.campaign import ROOT

    hosts = []
    for lab in SMTP_LABS:
        world = load_scenario(ROOT / "scenarios" / f"{lab}.yaml").build()
        world.run("1m")
        hosts += [h for h in world.hosts.values() if h.mta is not None]
    return hosts


def fuzz_smtp(rng: random.Random) -> None:
    from simulator.agents.mta.smtpd import SERVICES, Smtpd

    host = rng.choice(_smtp_hosts())
    smtpd = Smtpd(host.mta, SERVICES[rng.choice(sorted(SERVICES))], None)
    client = rng.choice(["192.0.2.10", "127.0.0.1", host.ip or "192.0.2.11"])
    server = SmtpServer(smtpd, SmtpSession(client, "client.example.com", 25), smtpd.tls())
    for _ in range(rng.randrange(1, 25)):
        if server.closed:
            break
        line = _line(rng, SMTP_VERBS)
        if server.in_data:
            server.data_line(line.encode("utf-8", "surrogatepass") + b"\r\n")
        else:
            server.handle(line)


def fuzz_pop3(rng: random.Random) -> None:
    drop = [MaildropMessage(f"u{i}", rng.randbytes(rng.randrange(60))) for i in range(3)]
    server = Pop3Server("pop.example.org", lambda u, p: (u, p) == ("alice", "secret"),
                        lambda user: list(drop))
    for _ in range(rng.randrange(1, 25)):
        server.handle(_line(rng, POP3_VERBS))


def fuzz_imap(rng: random.Random) -> None:
    from tests.unit.test_imap import Box

    box = Box()
    server = ImapServer("mail.example.org", lambda u, p: (u, p) == ("bob", "secret"),
                        lambda user, name, ro: box if name.upper() == "INBOX" else None)
    for _ in range(rng.randrange(1, 25)):
        server.handle(_line(rng, IMAP_VERBS))


OPTIONS = ["-", "--", "-v", "-bv", "-bp", "-bi", "-bs", "-bt", "-q", "-t", "-f", "-s", "-d",
           "-r", "-H", "-h", "-p", "-j", "-i", "-e", "-n", "-u", "-N", "-I", "-F", "-o", "-oi",
           "-C", "-X", "-Q", "-O", "-V", "-A", "-c", "-b", "-l", "-a", "-la", "-ltnp", "-antp"]
ARGUMENTS = ["ALL", "deferred", "hold", "bob", "root", "alice@example.net", "@", "a@@b", "<>",
             "", " ", "..", "../..", "/", "/etc/aliases", "/etc/../x", "~", "~/.forward",
             "\x00", "é", "名前", "x" * 300, "-1", "99999999999999999999", "1e300", "0",
             "/dev/null", "*", "hash:/etc/aliases", "mx.example.org", "25", "name = value",
             "postfix", "status", "stop", "start", "reload", "myhostname", "mail_version"]
STDIN = ["", "hello\n", "名前\n.\n", "\x00", "To: bob@example.org\n\nbody\n", "d 1\nq\n",
         "p\nq\n", "x" * 1000, "EHLO a\nMAIL FROM:<a@b.example>\nQUIT\n", "Subject: é\n\nÿ\n"]
COMMAND_LABS = ["35-mailq-and-flush", "20-aliases", "13-mail-command", "45-mta-families"]


@cache
def _worlds() -> list[Any]:
    from tests.fuzz.campaign import ROOT

    worlds = []
    for lab in COMMAND_LABS:
        world = load_scenario(ROOT / "scenarios" / f"{lab}.yaml").build()
        world.run("2m")
        worlds.append(world)
    return worlds


def fuzz_command(rng: random.Random) -> None:
    world = rng.choice(_worlds())
    host = rng.choice([h for h in world.hosts.values() if h.users])
    user = rng.choice(list(host.users.values()))
    commands._load_all()
    name = rng.choice(sorted(commands.COMMANDS))
    argv = [name] + [rng.choice(OPTIONS if rng.random() < 0.4 else ARGUMENTS)
                     for _ in range(rng.randrange(5))]
    line = " ".join(shlex.quote(a) for a in argv)
    result = commands.run_command(host, user, line, rng.choice(STDIN))
    assert isinstance(result.output, str) and 0 <= result.status <= 255, (line, result)


DRIVERS: dict[str, Callable[[random.Random], None]] = {
    "aliases(5)": fuzz_aliases, "tok822": fuzz_tok822, "zone": fuzz_zone,
    "headers": fuzz_headers, "smtp": fuzz_smtp, "pop3": fuzz_pop3, "imap": fuzz_imap,
    "commands": fuzz_command,
}


def run_driver(name: str, start: int, count: int) -> int:
    """Run ``count`` seeded cases of one driver; an exception names its seed."""
    driver = DRIVERS[name]
    for seed in range(start, start + count):
        try:
            driver(random.Random(seed))
        except Exception as exc:
            raise AssertionError(f"{name}: seed {seed} raised {exc!r}") from exc
    return count
