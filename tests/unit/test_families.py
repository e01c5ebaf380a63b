"""MTA families: banners, Received: headers, queue IDs and dates of Postfix, Sendmail, Exim.

Expected texts are written from the sources, not from the code: Postfix smtpd.c and
pickup.c; Sendmail 8.17.1.9 cf/m4/cfhead.m4 (confSMTP_LOGIN_MSG, confRECEIVED_HEADER),
srvrsmtp.c (ESMTP inserted after the host name), arpadate.c, queue.c assign_queueid(),
daemon.c getauthinfo(); Exim 4.98.2 globals.c (smtp_banner, received_header_text),
receive.c (";\\n\\t$tod_full", the message ID), tod.c, host.c host_build_sender_fullhost().
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from simulator.agents.mta.family import (
    EximIds,
    LocalFacts,
    ReceivedFacts,
    SendmailIds,
    banner,
    base62,
    exim_date,
    local_received,
    received,
    sendmail_date,
)
from simulator.agents.mta.params import MainCf
from simulator.engine import Clock
from simulator.protocol.tls import TLS12, TLS13

JST = ZoneInfo("Asia/Tokyo")
WHEN = datetime(2026, 4, 1, 9, 0, 5, tzinfo=JST)
CF = MainCf("mx.example.org", "192.0.2.25", {})


def facts(**changes: object) -> ReceivedFacts:
    base = {"hostname": "mx.example.org", "helo": "mail.example.net",
                "client_name": "mail.example.net", "ptr_name": "mail.example.net",
                "client_ip": "203.0.113.25", "protocol": "ESMTP", "tls": None, "sasl_user": None,
                "qid": "QID", "sender": "alice@example.net", "recipients": ("bob@example.org",),
                "when": WHEN}
    base.update(changes)
    return ReceivedFacts(**base)  # type: ignore[arg-type]


# --- dates and banners -----------------------------------------------------------------------
def test_dates() -> None:
    assert sendmail_date(WHEN) == "Wed, 1 Apr 2026 09:00:05 +0900"  # no leading zero
    assert sendmail_date(WHEN.astimezone(UTC)) == "Wed, 1 Apr 2026 00:00:05 GMT"
    assert exim_date(WHEN) == "Wed, 01 Apr 2026 09:00:05 +0900"


def test_banners() -> None:
    assert banner("postfix", CF, WHEN) == "mx.example.org ESMTP Postfix"
    assert banner("sendmail", CF, WHEN) == (
        "mx.example.org ESMTP Sendmail 8.17.1.9/8.17.1.9; Wed, 1 Apr 2026 09:00:05 +0900")
    assert banner("exim", CF, WHEN) == (
        "mx.example.org ESMTP Exim 4.98.2 Wed, 01 Apr 2026 09:00:05 +0900")


def test_postfix_banner_follows_smtpd_banner() -> None:
    cf = MainCf("mx.example.org", None, {"smtpd_banner": "$myhostname ESMTP"})
    assert banner("postfix", cf, WHEN) == "mx.example.org ESMTP"


# --- Received: -------------------------------------------------------------------------------
def test_postfix_received() -> None:
    assert received("postfix", facts(), CF) == (
        "from mail.example.net (mail.example.net [203.0.113.25])\n"
        "\tby mx.example.org (Postfix) with ESMTP id QID\n"
        "\tfor <bob@example.org>; Wed,  1 Apr 2026 09:00:05 +0900 (JST)")


def test_postfix_received_with_tls_auth_headers_and_two_recipients() -> None:
    cf = MainCf("mx.example.org", None, {"smtpd_tls_received_header": "yes",
                                         "smtpd_sasl_authenticated_header": "yes"})
    got = received("postfix", facts(tls=TLS13, sasl_user="alice", helo="[198.51.100.23]",
                                    client_name="unknown", client_ip="198.51.100.23",
                                    recipients=("a@x.org", "b@x.org")), cf)
    assert got == (
        "from [198.51.100.23] (unknown [198.51.100.23])\n"
        "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)\n"
        "\t key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256)\n"
        "\t(No client certificate requested)\n"
        "\t(Authenticated sender: alice)\n"
        "\tby mx.example.org (Postfix) with ESMTPSA id QID;\n"
        "\tWed,  1 Apr 2026 09:00:05 +0900 (JST)")


def test_postfix_tls_without_the_header_option_only_adds_the_s() -> None:
    assert "with ESMTPS id" in received("postfix", facts(tls=TLS12), CF)
    assert "(using" not in received("postfix", facts(tls=TLS12), CF)


def test_postfix_hide_client_session() -> None:
    # a Postfix 3.10 parameter; 3.9 and later write a two-digit day (mail_date.c)
    cf = MainCf("mx.example.org", None, {"smtpd_hide_client_session": "yes",
                                         "mail_version": "3.10.0"})
    assert received("postfix", facts(), cf) == (
        "by mx.example.org (Postfix) id QID\n"
        "\tfor <bob@example.org>; Wed, 01 Apr 2026 09:00:05 +0900 (JST)")


def test_postfix_date_day_by_version() -> None:
    """mail_date(): ``%e`` (space-padded day) in 3.7 and 3.8, ``%d`` from 3.9."""
    assert "; Wed,  1 Apr 2026 " in received("postfix", facts(), CF)
    cf = MainCf("mx.example.org", None, {"mail_version": "3.9.0"})
    assert "; Wed, 01 Apr 2026 " in received("postfix", facts(), cf)


def test_sendmail_received() -> None:
    assert received("sendmail", facts(), CF) == (
        "from mail.example.net (mail.example.net [203.0.113.25])\n"
        "\tby mx.example.org (8.17.1.9/8.17.1.9) with ESMTP id QID\n"
        "\tfor <bob@example.org>; Wed, 1 Apr 2026 09:00:05 +0900")


def test_sendmail_received_authenticated_tls_two_recipients() -> None:
    got = received("sendmail", facts(tls=TLS13, sasl_user="alice", helo="[198.51.100.23]",
                                     client_name="unknown", ptr_name=None,
                                     client_ip="198.51.100.23",
                                     recipients=("a@x.org", "b@x.org")), CF)
    assert got == (
        "from [198.51.100.23] ([198.51.100.23])\n"
        "\t(authenticated bits=0)\n"
        "\tby mx.example.org (8.17.1.9/8.17.1.9) with ESMTPSA id QID\n"
        "\t(version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 bits=256 verify=NO);\n"
        "\tWed, 1 Apr 2026 09:00:05 +0900")


def test_sendmail_marks_a_ptr_that_does_not_resolve_back() -> None:
    got = received("sendmail", facts(client_name="unknown", ptr_name="fake.example.com"), CF)
    assert got.startswith("from mail.example.net (fake.example.com [203.0.113.25] "
                          "(may be forged))\n")


def test_exim_received() -> None:
    assert received("exim", facts(), CF) == (
        "from mail.example.net ([203.0.113.25])\n"
        "\tby mx.example.org with esmtp (Exim 4.98.2)\n"
        "\t(envelope-from <alice@example.net>)\n"
        "\tid QID\n"
        "\tfor bob@example.org;\n"
        "\tWed, 01 Apr 2026 09:00:05 +0900")


def test_exim_received_tls_auth_and_the_helo_forms() -> None:
    got = received("exim", facts(tls=TLS13, sasl_user="alice", helo="laptop",
                                 recipients=("a@x.org", "b@x.org")), CF)
    assert got == (
        "from mail.example.net ([203.0.113.25] helo=laptop)\n"
        "\tby mx.example.org with esmtpsa  (TLS1.3) tls TLS_AES_256_GCM_SHA384\n"
        "\t(Exim 4.98.2)\n"
        "\t(envelope-from <alice@example.net>)\n"
        "\tid QID;\n"
        "\tWed, 01 Apr 2026 09:00:05 +0900")
    unverified = received("exim", facts(client_name="unknown", helo="[203.0.113.25]"), CF)
    assert unverified.startswith("from [203.0.113.25]\n")  # a HELO of the address itself
    assert received("exim", facts(client_name="unknown", helo="pc"), CF).startswith(
        "from [203.0.113.25] (helo=pc)\n")
    assert "tls TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" in received("exim", facts(tls=TLS12), CF)


def test_local_submission_headers() -> None:
    f = LocalFacts("mail.example.net", "Postfix", "alice", 1000, "QID", "MSPID",
                   "alice@example.net", ("bob@example.org",), WHEN)
    # a 3.9 host: mail_date() writes a two-digit day from 3.9 on
    cf39 = MainCf("mail.example.net", None, {"mail_version": "3.9.0"})
    assert local_received("postfix", f, cf39) == (
        ("by mail.example.net (Postfix, from userid 1000)\n"
        "\tid QID; Wed, 01 Apr 2026 09:00:05 +0900 (JST)"), None)
    top, below = local_received("sendmail", f, CF)
    assert below == ("(from alice@localhost)\n"
                     "\tby mail.example.net (8.17.1.9/8.17.1.9/Submit) id MSPID\n"
                     "\tfor bob@example.org; Wed, 1 Apr 2026 09:00:05 +0900")
    assert top == ("from mail.example.net (localhost [127.0.0.1])\n"
                   "\tby mail.example.net (8.17.1.9/8.17.1.9) with ESMTP id QID\n"
                   "\tfor <bob@example.org>; Wed, 1 Apr 2026 09:00:05 +0900")
    assert local_received("exim", f, CF) == (
        ("from alice by mail.example.net with local (Exim 4.98.2)\n"
        "\t(envelope-from <alice@example.net>)\n"
        "\tid QID\n"
        "\tfor bob@example.org;\n"
        "\tWed, 01 Apr 2026 09:00:05 +0900"), None)


# --- queue IDs -------------------------------------------------------------------------------
CLOCK = Clock(datetime(2026, 4, 1, 9, 0, 5, 123456, tzinfo=JST))


def test_sendmail_queue_id() -> None:
    ids = SendmailIds(random.Random(1), CLOCK, lambda: 4321)
    first, second = ids.next(0.0), ids.next(0.0)
    # tm_year 126 % 60 = 6; tm_mon 3 (April); day 1; hour 00 UTC; minute 0; second 5
    assert re.fullmatch(r"631005[0-9A-Za-x]{2}004321", first), first
    assert first != second and first[:6] == second[:6]


def test_exim_message_id() -> None:
    ids = EximIds(CLOCK, lambda: 12345)
    qid = ids.next(0.0)
    seconds = int(CLOCK.at(0.0).timestamp())
    assert qid == f"{base62(seconds, 6)}-{base62(12345, 11)}-{base62(123456, 6)[2:]}"
    assert re.fullmatch(r"[0-9A-Za-z]{6}-[0-9A-Za-z]{11}-[0-9A-Za-z]{4}", qid)
    assert base62(12345, 11) == "000000003D7"


@pytest.mark.parametrize(("value", "width", "text"), [(0, 3, "000"), (61, 2, "0z"), (62, 2, "10")])
def test_base62(value: int, width: int, text: str) -> None:
    assert base62(value, width) == text
