"""Unit tests for simulator.agents.mta.restrictions: smtpd(8) access restrictions.

Expected replies follow postfix/src/smtpd/smtpd_check.c at 17830e5c13c1:
reject_unauth_destination() L1752-L1774 with relay_code 554 / 5.7.1 (L4674-L4677) and
defer_unauth_destination as relay_code - 100 / 4.7.1 (L4678-L4681); the default
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated,
defer_unauth_destination (global/mail_params.h L2241); "reject" and "defer" in
generic_checks() L4296-L4308; mynetworks syntax in postconf(5).
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from simulator.agents.mta import restrictions
from simulator.agents.mta.params import MainCf
from simulator.agents.mta.restrictions import Facts, evaluate, in_networks
from simulator.agents.mta.smtpd import SMTP, SUBMISSION, Service, Smtpd
from simulator.model.status import Reply
from simulator.protocol.smtp import SmtpSession

DEFAULT = ["permit_mynetworks", "permit_sasl_authenticated", "defer_unauth_destination"]
STRICT = ["permit_mynetworks", "permit_sasl_authenticated", "reject_unauth_destination"]
SUBMIT = ["permit_sasl_authenticated", "reject"]  # master.cf submission client restrictions
MYNET = ("127.0.0.0/8", "192.0.2.0/24", "[::1]/128", "[2001:db8:25::]/48")
OURS = frozenset({"example.org", "mx.example.org", "localhost.example.org", "localhost"})

OUTSIDER, INSIDER = "198.51.100.7", "192.0.2.10"
FOREIGN, LOCAL = "bob@example.net", "bob@example.org"


def relay(code: int, dsn: str, rcpt: str) -> str:
    return f"{code} {dsn} <{rcpt}>: Relay access denied"


# (client ip, authenticated, mynetworks, recipient, restriction list, expected reply or None)
TABLE = [
    # the default relay decision: outsiders may not relay, with a temporary 454
    (OUTSIDER, False, MYNET, FOREIGN, DEFAULT, relay(454, "4.7.1", FOREIGN)),
    # mail for our own domain is accepted from anyone
    (OUTSIDER, False, MYNET, LOCAL, DEFAULT, None),
    (OUTSIDER, False, MYNET, "bob@EXAMPLE.Org", DEFAULT, None),  # domains ignore case
    (OUTSIDER, False, MYNET, "bob@mx.example.org", DEFAULT, None),
    (OUTSIDER, False, MYNET, "bob@sub.example.org", DEFAULT, relay(454, "4.7.1",
                                                                   "bob@sub.example.org")),
    # permit_mynetworks: CIDR blocks, both ends of them, and the bracketed IPv6 forms
    (INSIDER, False, MYNET, FOREIGN, DEFAULT, None),
    ("192.0.2.0", False, MYNET, FOREIGN, DEFAULT, None),
    ("192.0.2.255", False, MYNET, FOREIGN, DEFAULT, None),
    ("192.0.3.1", False, MYNET, FOREIGN, DEFAULT, relay(454, "4.7.1", FOREIGN)),
    ("127.0.0.1", False, MYNET, FOREIGN, DEFAULT, None),
    ("127.255.255.254", False, MYNET, FOREIGN, DEFAULT, None),
    ("::1", False, MYNET, FOREIGN, DEFAULT, None),
    ("::2", False, MYNET, FOREIGN, DEFAULT, relay(454, "4.7.1", FOREIGN)),
    ("2001:db8:25:1::7", False, MYNET, FOREIGN, DEFAULT, None),
    ("2001:db8:26::7", False, MYNET, FOREIGN, DEFAULT, relay(454, "4.7.1", FOREIGN)),
    (INSIDER, False, ("192.0.2.10",), FOREIGN, DEFAULT, None),  # a bare address is a /32
    ("192.0.2.11", False, ("192.0.2.10",), FOREIGN, DEFAULT, relay(454, "4.7.1", FOREIGN)),
    (INSIDER, False, (), FOREIGN, DEFAULT, relay(454, "4.7.1", FOREIGN)),
    # postconf(5) mynetworks: "!pattern" excludes an address ("!192.168.0.1, 192.168.0.0/28")
    ("192.168.0.1", False, ("!192.168.0.1", "192.168.0.0/28"), FOREIGN, DEFAULT,
     relay(454, "4.7.1", FOREIGN)),
    ("192.168.0.2", False, ("!192.168.0.1", "192.168.0.0/28"), FOREIGN, DEFAULT, None),
    # permit_sasl_authenticated
    (OUTSIDER, True, MYNET, FOREIGN, DEFAULT, None),
    (OUTSIDER, True, (), FOREIGN, STRICT, None),
    # reject_unauth_destination: a permanent 554
    (OUTSIDER, False, MYNET, FOREIGN, STRICT, relay(554, "5.7.1", FOREIGN)),
    (OUTSIDER, False, MYNET, FOREIGN, ["reject_unauth_destination"],
     relay(554, "5.7.1", FOREIGN)),
    (INSIDER, False, MYNET, FOREIGN, ["reject_unauth_destination"],  # no permit came first
     relay(554, "5.7.1", FOREIGN)),
    (OUTSIDER, True, MYNET, FOREIGN, ["reject_unauth_destination", "permit_sasl_authenticated"],
     relay(554, "5.7.1", FOREIGN)),  # first match wins
    (OUTSIDER, False, MYNET, LOCAL, ["reject_unauth_destination"], None),
    (INSIDER, False, MYNET, FOREIGN, ["defer_unauth_destination"], relay(454, "4.7.1", FOREIGN)),
    # empty lists and explicit permits
    (OUTSIDER, False, MYNET, FOREIGN, [], None),
    (OUTSIDER, False, MYNET, FOREIGN, ["permit", "reject_unauth_destination"], None),
    # the submission service's client restrictions (names the client, not the recipient)
    (OUTSIDER, False, MYNET, LOCAL, SUBMIT,
     "554 5.7.1 <client.example.com[198.51.100.7]>: Client host rejected: Access denied"),
    (OUTSIDER, True, MYNET, FOREIGN, SUBMIT, None),
    # "defer" is 450 with DSN 4.3.2 (smtpd_check.c L4296-L4299)
    (OUTSIDER, False, MYNET, LOCAL, ["defer"],
     "450 4.3.2 <client.example.com[198.51.100.7]>: Client host rejected: Try again later"),
]


def row_id(row: tuple[object, ...]) -> str:
    ip, auth, nets, rcpt, rules, _ = row
    return f"{ip}-{'auth' if auth else 'anon'}-{len(nets)}nets-{rcpt}-{'+'.join(rules) or 'none'}"  # type: ignore[arg-type]


@pytest.mark.parametrize(("ip", "authenticated", "mynetworks", "rcpt", "rules", "expected"),
                         TABLE, ids=[row_id(r) for r in TABLE])
def test_evaluate(ip: str, authenticated: bool, mynetworks: tuple[str, ...], rcpt: str,
                  rules: list[str], expected: str | None) -> None:
    facts = Facts(ip, f"client.example.com[{ip}]", authenticated, mynetworks, OURS)
    # a client restriction list (the submission service's) names the client
    stage = "client" if rules is SUBMIT or "Client host" in (expected or "") else "recipient"
    reply = evaluate(rules, facts, rcpt, stage)
    if expected is None:
        assert reply is None
    else:
        assert isinstance(reply, Reply)
        assert str(reply) == expected


def test_relay_reply_codes_are_the_named_constants() -> None:
    facts = Facts(OUTSIDER, "x[198.51.100.7]", False, MYNET, OURS)
    defer = evaluate(DEFAULT, facts, FOREIGN)
    reject = evaluate(STRICT, facts, FOREIGN)
    assert defer is not None and (defer.code, defer.dsn, defer.temporary) == (454, "4.7.1", True)
    assert reject is not None and (reject.code, reject.dsn, reject.temporary) == (554, "5.7.1", False)


@pytest.mark.parametrize(("ip", "networks", "inside"), [
    ("10.1.2.3", ("10.0.0.0/8",), True),
    ("11.0.0.1", ("10.0.0.0/8",), False),
    ("::1", ("127.0.0.0/8",), False),  # versions never match each other
    ("127.0.0.1", ("[::1]/128",), False),
    ("::1", ("[::1]/128",), True),
    ("2001:db8::1", ("[2001:db8::]/32",), True),
    ("203.0.113.25", ("127.0.0.0/8", "[::1]/128", "203.0.113.25/32"), True),  # MainCf default
])
def test_in_networks(ip: str, networks: tuple[str, ...], inside: bool) -> None:
    assert in_networks(ip, networks) is inside


def test_the_known_restrictions_all_decide_something() -> None:
    # Each name in KNOWN must have an effect in evaluate(): no silently ignored entries.
    facts = Facts(OUTSIDER, "x[198.51.100.7]", True, (OUTSIDER,), frozenset())
    for name in restrictions.KNOWN:
        stops_a_reject = evaluate([name, "reject"], facts, FOREIGN) != evaluate(
            ["reject"], facts, FOREIGN)
        stops_a_permit = evaluate([name, "permit"], facts, FOREIGN) is not None
        assert stops_a_reject or stops_a_permit, name


# --- through smtpd(8)'s policy: which list and which wording ---------------------------------
class FakeMta:
    """Just what Smtpd.check_rcpt() reads: main.cf and the domain/recipient lookups."""

    def __init__(self, **overrides: str) -> None:
        self.cf = MainCf("mx.example.org", "192.0.2.25", {"mydomain": "example.org", **overrides,
                         "mydestination": "$myhostname, localhost.$mydomain, localhost, $mydomain"})
        self.host = SimpleNamespace(log=lambda *a, **k: None, faults=[])

    def local_domains(self) -> frozenset[str]:
        return frozenset(d.lower() for d in self.cf.list("mydestination"))

    def relay_ok_domains(self) -> frozenset[str]:
        return self.local_domains() | {d.lower() for d in self.cf.list("relay_domains")}

    def local_recipient_exists(self, local_part: str) -> bool:
        return local_part in ("bob", "postmaster")

    def service_cf(self, service: Service) -> MainCf:
        return self.cf.derive(dict(service.overrides))


def check(mta: FakeMta, ip: str, rcpt: str, service: object = SMTP,
          sasl_user: str | None = None) -> str | None:
    session = SmtpSession(ip, "client.example.com", 25, sasl_user=sasl_user)
    reply = Smtpd(mta, service, None).check_rcpt(session, rcpt)  # type: ignore[arg-type]
    return None if reply is None else str(reply)


def test_smtpd_default_relay_restrictions() -> None:
    mta = FakeMta()
    assert check(mta, OUTSIDER, FOREIGN) == relay(454, "4.7.1", FOREIGN)
    assert check(mta, OUTSIDER, LOCAL) is None
    assert check(mta, "127.0.0.1", FOREIGN) is None  # mynetworks_style = host
    assert check(mta, "192.0.2.25", FOREIGN) is None  # the host's own address
    assert check(mta, "192.0.2.26", FOREIGN) == relay(454, "4.7.1", FOREIGN)
    assert check(mta, OUTSIDER, FOREIGN, sasl_user="alice") is None


def test_smtpd_unknown_local_user() -> None:
    assert check(FakeMta(), OUTSIDER, "nobody@example.org") == (
        "550 5.1.1 <nobody@example.org>: Recipient address rejected: "
        "User unknown in local recipient table")


def test_smtpd_submission_requires_authentication() -> None:
    # master.cf (Postfix 3.6-3.9): submission empties smtpd_relay_restrictions and sets
    # smtpd_recipient_restrictions = permit_sasl_authenticated,reject, so "reject" names the
    # recipient (smtpd_check.c smtpd_check_rcpt(), reply class "Recipient address").
    mta = FakeMta()
    assert check(mta, OUTSIDER, LOCAL, SUBMISSION) == (
        "554 5.7.1 <bob@example.org>: Recipient address rejected: Access denied")
    assert check(mta, OUTSIDER, FOREIGN, SUBMISSION, sasl_user="alice") is None
    # smtpd_reject_unlisted_recipient = no there: an unknown local user is not refused at
    # RCPT time on 587 (local(8) bounces it later)
    assert check(mta, OUTSIDER, "nobody@example.org", SUBMISSION, sasl_user="alice") is None


def test_smtpd_mynetworks_override() -> None:
    mta = FakeMta(mynetworks="127.0.0.0/8 [::1]/128 198.51.100.0/24")
    assert check(mta, OUTSIDER, FOREIGN) is None


def test_reject_in_recipient_restrictions_names_the_recipient() -> None:
    # smtpd_check.c smtpd_check_rcpt() L5165-L5166 runs the relay and recipient lists with
    # reply_name = recipient, reply_class = "Recipient address"; "reject" (L4304-L4308)
    # then says "<%s>: %s rejected: Access denied" about the recipient.
    mta = FakeMta(smtpd_recipient_restrictions="permit_mynetworks, reject")
    assert check(mta, OUTSIDER, LOCAL) == (
        "554 5.7.1 <bob@example.org>: Recipient address rejected: Access denied")
    assert check(mta, "127.0.0.1", LOCAL) is None
