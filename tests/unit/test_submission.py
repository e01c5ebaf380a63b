"""The AUTH, TLS and relay decisions of a real smtpd policy, as tables.

Each row drives protocol/smtp.py's SmtpServer with agents/mta/smtpd.py's Smtpd on a real
host built from a small scenario: which service (master.cf smtp, submission or
submissions), which client, what it says, and the reply Postfix gives. Expected texts:
postfix/src/smtpd/smtpd.c (STARTTLS, 530 before TLS), smtpd_sasl_proto.c and
smtpd_sasl_glue.c (AUTH), xsasl_cyrus_server.c with Cyrus sasl_errstring() (the 535
reasons), smtpd_check.c (relay and access decisions), conf/master.cf (as Postfix 3.7 ships it).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from simulator.agents.mta.smtpd import SERVICES, Smtpd
from simulator.protocol.smtp import (
    LOGIN_PASSWORD,
    LOGIN_USERNAME,
    SmtpServer,
    SmtpSession,
    encode64,
    encode_plain,
)
from simulator.scenario import Scenario
from simulator.world import World

BASE: dict[str, Any] = {
    "name": "t", "title": {"en": "t"}, "start": "2026-04-01T09:00:00", "links": [],
    "expect": {},
    "hosts": {
        "mx.example.org": {
            "role": "server", "ip": "192.0.2.25",
            "services": ["smtp", "submission", "submissions"],
            "mta": {"mydestination": "$myhostname, localhost.$mydomain, localhost, $mydomain",
                    "mynetworks": "127.0.0.0/8, 192.0.2.0/24"},
            "users": {"alice": {"password": "secret"}, "bob": {}},
        },
    },
}
OUTSIDER, INSIDER = "198.51.100.7", "192.0.2.50"
LOCAL, FOREIGN = "bob@example.org", "carol@example.net"
OK_PLAIN = f"AUTH PLAIN {encode_plain('alice', 'secret')}"
BAD_PLAIN = f"AUTH PLAIN {encode_plain('alice', 'guess')}"


def build(mta: dict[str, str] | None = None, master: dict[str, Any] | None = None,
          files: dict[str, str] | None = None) -> World:
    spec = copy.deepcopy(BASE)
    host = spec["hosts"]["mx.example.org"]
    host["mta"].update(mta or {})
    host["master"] = master or {}
    host["files"] = files or {}
    return World(Scenario.model_validate(spec))


def talk(world: World, service: str, ip: str, lines: list[str]) -> list[str]:
    """Each line's reply (its last line), with STARTTLS followed by the handshake."""
    mta = world.hosts["mx.example.org"].mta
    smtpd = Smtpd(mta, mta.services[SERVICES[service].port], None)
    server = SmtpServer(smtpd, SmtpSession(ip, "unknown", SERVICES[service].port), smtpd.tls())
    if server.tls is not None and server.tls.wrapper:
        server.start_tls()  # port 465: TLS before the greeting
    replies = []
    for line in lines:
        reply = server.handle(line)
        if server.starttls_pending:
            server.start_tls()
        replies.append(reply[-1] if not line.startswith("EHLO") else "\n".join(reply))
    return replies


# --- AUTH and TLS: (service, master.cf overrides, lines) -> the reply to the last line -------
TLS_AUTH = [
    # submission (587): smtpd_tls_security_level=encrypt, smtpd_tls_auth_only=yes
    ("submission", None, ["EHLO c", OK_PLAIN], "530 5.7.0 Must issue a STARTTLS command first"),
    ("submission", None, ["EHLO c", "MAIL FROM:<alice@example.org>"],
     "530 5.7.0 Must issue a STARTTLS command first"),
    ("submission", None, ["EHLO c", "NOOP"], "250 2.0.0 Ok"),  # NOOP is allowed before TLS
    ("submission", None, ["EHLO c", "STARTTLS"], "220 2.0.0 Ready to start TLS"),
    ("submission", None, ["EHLO c", "STARTTLS", "EHLO c", OK_PLAIN],
     "235 2.7.0 Authentication successful"),
    ("submission", None, ["EHLO c", "STARTTLS", "EHLO c", BAD_PLAIN],
     "535 5.7.8 Error: authentication failed: authentication failure"),
    ("submission", None, ["EHLO c", "STARTTLS", "EHLO c", "AUTH LOGIN"],
     f"334 {LOGIN_USERNAME}"),
    ("submission", None, ["EHLO c", "STARTTLS", "EHLO c", "AUTH LOGIN", encode64("alice")],
     f"334 {LOGIN_PASSWORD}"),
    ("submission", None, ["EHLO c", "STARTTLS", "EHLO c", "AUTH LOGIN", encode64("alice"),
                          encode64("secret")], "235 2.7.0 Authentication successful"),
    ("submission", None, ["EHLO c", "STARTTLS", "EHLO c", "AUTH LOGIN", encode64("alice"),
                          encode64("guess")],
     "535 5.7.8 Error: authentication failed: authentication failure"),
    ("submission", None, ["EHLO c", "STARTTLS", "EHLO c", f"AUTH LOGIN {encode64('alice')}"],
     f"334 {LOGIN_PASSWORD}"),  # the initial response is the user name
    ("submission", None, ["EHLO c", "STARTTLS", "EHLO c", "AUTH PLAIN"], "334 "),
    ("submission", None, ["EHLO c", "STARTTLS", "EHLO c", "AUTH PLAIN",
                          encode_plain("alice", "secret")], "235 2.7.0 Authentication successful"),
    ("submission", None, ["EHLO c", "STARTTLS", "EHLO c", "AUTH LOGIN", "*"],
     "501 5.7.0 Authentication aborted"),
    ("submission", None, ["EHLO c", "STARTTLS", "EHLO c", "AUTH CRAM-MD5"],
     "535 5.7.8 Error: authentication failed: no mechanism available"),
    ("submission", None, ["EHLO c", "STARTTLS", "EHLO c", OK_PLAIN, OK_PLAIN],
     "503 5.5.1 Error: already authenticated"),
    ("submission", None, ["EHLO c", "STARTTLS", "STARTTLS"], "554 5.5.1 Error: TLS already active"),
    ("submission", None, ["EHLO c", "STARTTLS now"], "501 5.5.4 Syntax: STARTTLS"),
    # submissions (465): TLS from the first byte, AUTH at once
    ("submissions", None, ["EHLO c", OK_PLAIN], "235 2.7.0 Authentication successful"),
    ("submissions", None, ["EHLO c", "STARTTLS"], "554 5.5.1 Error: TLS already active"),
    # smtp (25) with Postfix defaults: no TLS, no SASL
    ("smtp", None, ["EHLO c", OK_PLAIN], "503 5.5.1 Error: authentication not enabled"),
    ("smtp", None, ["EHLO c", "STARTTLS"], "502 5.5.1 Error: command not implemented"),
    # smtp with TLS "may" and SASL, AUTH only under TLS: 503 before, 235 after
    ("smtp", {"smtpd_tls_security_level": "may", "smtpd_sasl_auth_enable": "yes",
              "smtpd_tls_auth_only": "yes"}, ["EHLO c", OK_PLAIN],
     "503 5.5.1 Error: authentication not enabled"),
    ("smtp", {"smtpd_tls_security_level": "may", "smtpd_sasl_auth_enable": "yes",
              "smtpd_tls_auth_only": "yes"}, ["EHLO c", "STARTTLS", "EHLO c", OK_PLAIN],
     "235 2.7.0 Authentication successful"),
    # ... and without smtpd_tls_auth_only, AUTH works in plain text too
    ("smtp", {"smtpd_tls_security_level": "may", "smtpd_sasl_auth_enable": "yes"},
     ["EHLO c", OK_PLAIN], "235 2.7.0 Authentication successful"),
    ("smtp", {"smtpd_tls_security_level": "may"}, ["EHLO c", "MAIL FROM:<a@example.com>"],
     "250 2.1.0 Ok"),  # "may" does not enforce
]


@pytest.mark.parametrize(("service", "master", "lines", "expected"), TLS_AUTH,
                         ids=[f"{r[0]}-{i}" for i, r in enumerate(TLS_AUTH)])
def test_tls_and_auth_decisions(service: str, master: dict[str, str] | None, lines: list[str],
                                expected: str) -> None:
    world = build(master={service: master} if master else None)
    assert talk(world, service, OUTSIDER, lines)[-1] == expected


def test_ehlo_offers_starttls_before_tls_and_auth_inside_it() -> None:
    # smtpd.c ehlo_cmd(): STARTTLS only while not yet TLS; AUTH only when SASL is active
    world = build()
    before, _, after = talk(world, "submission", OUTSIDER, ["EHLO c", "STARTTLS", "EHLO c"])
    assert "250-STARTTLS" in before.split("\n") and "250-AUTH PLAIN LOGIN" not in before
    assert "250-STARTTLS" not in after and "250-AUTH PLAIN LOGIN" in after.split("\n")


def test_broken_sasl_auth_clients_adds_the_old_auth_line() -> None:
    world = build(master={"submissions": {"broken_sasl_auth_clients": "yes"}})
    ehlo = talk(world, "submissions", OUTSIDER, ["EHLO c"])[0].split("\n")
    assert ehlo[ehlo.index("250-AUTH PLAIN LOGIN") + 1] == "250-AUTH=PLAIN LOGIN"


def test_starttls_forgets_the_earlier_ehlo() -> None:
    # RFC 3207 §4.2 / smtpd.c helo_reset(): after the handshake MAIL needs no new EHLO only
    # when smtpd_helo_required = no; the HELO name is gone
    world = build(master={"smtp": {"smtpd_tls_security_level": "may"}})
    mta = world.hosts["mx.example.org"].mta
    smtpd = Smtpd(mta, mta.services[25], None)
    server = SmtpServer(smtpd, SmtpSession(OUTSIDER, "unknown", 25), smtpd.tls())
    server.handle("EHLO c")
    server.handle("STARTTLS")
    server.start_tls()
    assert server.session.helo_name is None and server.session.tls is not None


# --- relay: (service, client, authenticated, main.cf, recipient) -> the RCPT reply --------------
DRAC_DB = {"/etc/mail/dracd.db": f"{OUTSIDER}\t1775003460\n"}
STRICT = {"smtpd_relay_restrictions":
          "permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination"}
DRAC = {"smtpd_relay_restrictions": "permit_mynetworks, permit_sasl_authenticated, "
                                    "check_client_access btree:/etc/mail/dracd, "
                                    "reject_unauth_destination"}
RELAY = [
    # port 25, Postfix's default relay restrictions (defer_unauth_destination)
    ("smtp", OUTSIDER, False, {}, None, LOCAL, "250 2.1.5 Ok"),
    ("smtp", OUTSIDER, False, {}, None, FOREIGN,
     "454 4.7.1 <carol@example.net>: Relay access denied"),
    ("smtp", INSIDER, False, {}, None, FOREIGN, "250 2.1.5 Ok"),
    ("smtp", OUTSIDER, False, {}, None, "nobody@example.org",
     ("550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown in local "
     "recipient table")),
    # reject_unauth_destination, as most main.cf files set it
    ("smtp", OUTSIDER, False, STRICT, None, FOREIGN,
     "554 5.7.1 <carol@example.net>: Relay access denied"),
    ("smtp", OUTSIDER, False, STRICT, None, LOCAL, "250 2.1.5 Ok"),
    ("smtp", INSIDER, False, STRICT, None, FOREIGN, "250 2.1.5 Ok"),
    # mynetworks too wide: everyone is "inside"
    ("smtp", OUTSIDER, False, {**STRICT, "mynetworks": "0.0.0.0/0"}, None, FOREIGN,
     "250 2.1.5 Ok"),
    # POP before SMTP: a DRAC entry for the client opens relaying; none, and it is refused
    ("smtp", OUTSIDER, False, DRAC, DRAC_DB, FOREIGN, "250 2.1.5 Ok"),
    ("smtp", "198.51.100.8", False, DRAC, DRAC_DB, FOREIGN,
     "554 5.7.1 <carol@example.net>: Relay access denied"),
    ("smtp", OUTSIDER, False, DRAC, None, FOREIGN,  # no .db file: the table is unavailable
     "451 4.3.5 <unknown[198.51.100.7]>: Client host rejected: Server configuration error"),
    # submission: permit_sasl_authenticated, reject; no reject_unlisted_recipient
    ("submission", OUTSIDER, True, {}, None, FOREIGN, "250 2.1.5 Ok"),
    ("submission", OUTSIDER, True, {}, None, "nobody@example.org", "250 2.1.5 Ok"),
    ("submission", OUTSIDER, False, {}, None, LOCAL,
     "554 5.7.1 <bob@example.org>: Recipient address rejected: Access denied"),
    ("submission", INSIDER, False, {}, None, FOREIGN,
     "554 5.7.1 <carol@example.net>: Recipient address rejected: Access denied"),
    ("submissions", OUTSIDER, True, {}, None, FOREIGN, "250 2.1.5 Ok"),
]


@pytest.mark.parametrize(("service", "ip", "auth", "mta", "files", "rcpt", "expected"), RELAY,
                         ids=[f"{r[0]}-{r[1]}-{'auth' if r[2] else 'anon'}-{i}"
                              for i, r in enumerate(RELAY)])
def test_relay_decisions(service: str, ip: str, auth: bool, mta: dict[str, str],
                         files: dict[str, str] | None, rcpt: str, expected: str) -> None:
    world = build(mta=mta, files=files)
    lines = ["EHLO c"]
    if service == "submission":
        lines += ["STARTTLS", "EHLO c"]
    lines += [OK_PLAIN] if auth else []
    lines += ["MAIL FROM:<alice@example.com>", f"RCPT TO:<{rcpt}>"]
    assert talk(world, service, ip, lines)[-1] == expected


def test_the_scenario_master_entry_overrides_the_service() -> None:
    world = build(master={"submission": {"smtpd_tls_security_level": "may"}})
    service = world.hosts["mx.example.org"].mta.services[587]
    assert dict(service.overrides)["smtpd_tls_security_level"] == "may"
    assert service.syslog_name == "postfix/submission/smtpd"
    # "may" no longer enforces TLS, but smtpd_tls_auth_only still hides AUTH before it
    assert talk(world, "submission", OUTSIDER, ["EHLO c", OK_PLAIN])[-1] == (
        "503 5.5.1 Error: authentication not enabled")


# --- the labs of this feature are deterministic -----------------------------------------------
LABS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("4[0-9]-*.yaml"))


@pytest.mark.parametrize("path", LABS, ids=[p.stem for p in LABS])
def test_lab_runs_the_same_twice(path: Path) -> None:
    from simulator.render.records import jsonl
    from simulator.scenario import load_scenario

    first = list(jsonl(load_scenario(path).build().run()))
    assert first and first == list(jsonl(load_scenario(path).build().run()))
