"""postconf(1) output and edits, main.cf syntax, and postfix reload applying an edit."""

from __future__ import annotations

from typing import Any

from simulator.agents.mta import maincf
from simulator.agents.mta.params import DEFAULTS
from simulator.commands import run_command
from simulator.scenario import Scenario
from simulator.world import World
from tests.queue_world import spec

MX = "mx1.example.org"


def host(os_id: str | None = None, **mta: Any) -> Any:
    data = spec(messages=[])
    if os_id:
        data["hosts"][MX]["os"] = os_id
    data["hosts"][MX]["mta"] |= mta
    return World(Scenario.model_validate(data)).hosts[MX]


def run(h: Any, line: str, user: str = "root") -> Any:
    return run_command(h, h.users[user], line)


def test_all_parameters_sorted_name_equals_value() -> None:
    out = run(host(), "postconf").output.splitlines()
    names = [line.split(" =", 1)[0] for line in out]
    assert names == sorted(names)
    assert set(names) == set(DEFAULTS) - {"smtpd_hide_client_session"}  # a 3.10 parameter
    assert "relayhost =" in out  # an empty value: no blank after "="
    assert "mydestination = $myhostname, $mydomain" in out  # main.cf's value, unexpanded
    assert "myorigin = $myhostname" in out


def test_named_unknown_and_h_and_x() -> None:
    h = host()
    got = run(h, "postconf myhostname nosuch_param queue_run_delay")
    assert (got.output, got.status) == (
        ("myhostname = mx1.example.org\npostconf: warning: nosuch_param: unknown parameter\n"
        "queue_run_delay = 300s\n"), 0)
    assert run(h, "postconf -h mydestination").output == "$myhostname, $mydomain\n"
    assert run(h, "postconf -x mydestination").output == \
        "mydestination = mx1.example.org, example.org\n"
    assert run(h, "postconf -hx myorigin").output == "mx1.example.org\n"


def test_n_shows_main_cf_and_d_the_build() -> None:
    h = host(relayhost="[smart.example.net]")
    assert run(h, "postconf -n").output == \
        "mydestination = $myhostname, $mydomain\nrelayhost = [smart.example.net]\n"
    assert run(h, "postconf -d relayhost mydestination").output == (
        "relayhost =\nmydestination = $myhostname, localhost.$mydomain, localhost\n")


def test_d_follows_the_os() -> None:
    line = "postconf -d mail_version mail_spool_directory sendmail_path smtpd_tls_protocols"
    assert run(host("debian-12"), line).output == (
        "mail_version = 3.7.11\nmail_spool_directory = /var/mail\n"
        "sendmail_path = /usr/sbin/sendmail\nsmtpd_tls_protocols = >=TLSv1\n")
    assert run(host("rhel-9"), line).output == (
        "mail_version = 3.5.25\nmail_spool_directory = /var/spool/mail\n"
        "sendmail_path = /usr/sbin/sendmail.postfix\nsmtpd_tls_protocols = !SSLv2, !SSLv3\n")
    assert run(host("rhel-9"), "postconf -d smtpd_hide_client_session").output == \
        "postconf: warning: smtpd_hide_client_session: unknown parameter\n"


def test_e_edits_the_file_not_the_running_daemons() -> None:
    h = host()
    assert run(h, "postconf -e 'relayhost = [smart.example.net]' mydestination=localhost") \
        .output == ""
    text = h.fs.read(maincf.MAIN_CF).decode()
    assert "mydestination = localhost\n" in text and text.endswith(
        "relayhost = [smart.example.net]\n")
    assert run(h, "postconf -h relayhost").output == "[smart.example.net]\n"
    assert h.cf["relayhost"] == ""  # until postfix reload
    assert run(h, "postfix reload").status == 0
    assert h.cf["relayhost"] == "[smart.example.net]"
    assert h.mta.local_domains() == frozenset({"localhost"})


def test_e_errors() -> None:
    h = host()
    assert run(h, "postconf -e relayhost").output == \
        "postconf: fatal: missing '=' after attribute name: \"relayhost\"\n"
    denied = run(h, "postconf -e relayhost=x", user="bob")
    assert (denied.output, denied.status) == (
        "postconf: fatal: open /etc/postfix/main.cf.tmp: Permission denied\n", 1)
    assert run(h, "postconf -e a=1 a=2").output == \
        "postconf: warning: ignoring earlier request: 'a = 1'\n"
    assert run(h, "postconf -z").status == 1
    assert run(h, "postconf -n").output.startswith(
        "postconf: warning: /etc/postfix/main.cf: unused parameter: a=2\n")


def test_main_cf_syntax() -> None:
    text = ("# comment\nmyorigin = $mydomain\nmydestination = a,\n    b, c\n"
            "   # indented comment\nmyorigin = example.org\n")
    settings, bad = maincf.parse(text)
    assert settings == {"mydestination": "a, b, c", "myorigin": "example.org"} and bad == []
    edited = maincf.edit(text, {"mydestination": "x", "relayhost": "r", "alias_maps": "m"})
    assert edited == ("# comment\nmyorigin = $mydomain\nmydestination = x\n"
                      "   # indented comment\nmyorigin = example.org\nalias_maps = m\n"
                      "relayhost = r\n")


def test_reload_refuses_a_bad_number() -> None:
    h = host()
    run(h, "postconf -e hopcount_limit=many")
    bad = run(h, "postfix reload")
    assert (bad.output, bad.status) == (
        "postfix: fatal: bad numerical configuration: hopcount_limit = many\n", 1)
    assert h.cf["hopcount_limit"] == "50"


def test_parsed_values_are_kept_until_reload_not_after_postconf_e() -> None:
    h = host(mydestination="a.example, b.example", smtpd_helo_required="no")
    cf = h.mta.cf
    assert cf.list("mydestination") == ["a.example", "b.example"]
    assert (cf.flag("smtpd_helo_required"), cf.seconds("queue_run_delay")) == (False, 300.0)
    run(h, "postconf -e 'mydestination = c.example' smtpd_helo_required=yes "
           "queue_run_delay=10s")
    # the file changed, the running daemons did not (postconf(1) -e, then postfix reload)
    assert cf.list("mydestination") == ["a.example", "b.example"]
    assert (cf.flag("smtpd_helo_required"), cf.seconds("queue_run_delay")) == (False, 300.0)
    assert run(h, "postfix reload").status == 0
    assert cf.list("mydestination") == ["c.example"] and cf["mydestination"] == "c.example"
    assert (cf.flag("smtpd_helo_required"), cf.seconds("queue_run_delay")) == (True, 10.0)


def test_a_list_handed_out_cannot_change_the_kept_one() -> None:
    cf = host(mydestination="a.example").mta.cf
    cf.list("mydestination").append("evil.example")
    assert cf.list("mydestination") == ["a.example"]


def test_what_a_daemon_derives_from_main_cf_is_computed_again_after_reload() -> None:
    from simulator.agents.mta.smtpd import tls_offer

    h = host(smtpd_tls_security_level="none")
    assert not tls_offer(h.mta.cf).use
    run(h, "postconf -e smtpd_tls_security_level=may")
    assert not tls_offer(h.mta.cf).use  # until postfix reload
    assert run(h, "postfix reload").status == 0
    assert tls_offer(h.mta.cf).use and not tls_offer(h.mta.cf).enforce
