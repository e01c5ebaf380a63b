"""MTA families: what a Postfix, a Sendmail, an Exim or a qmail host shows a learner.

The exam names four MTAs. Here the mail-moving engine is always the Postfix model
(smtpd, cleanup, qmgr, smtp, local); a host's ``mta_family`` changes what the programs
*show*, as each really shows it:

- the SMTP greeting banner,
- the Received: header (its whole layout, with the software mark),
- the queue ID format and the queue directory,
- the ``mailq`` layout (commands/queue_formats.py) and what ``newaliases`` prints.

Sources: Postfix 3.x smtpd.c common_pre_message_handling(); Sendmail 8.17.1.9
cf/m4/cfhead.m4 (confSMTP_LOGIN_MSG, confRECEIVED_HEADER), srvrsmtp.c (the ESMTP word in
the greeting), arpadate.c, queue.c assign_queueid(), daemon.c getauthinfo() ($_);
Exim 4.98.2 globals.c (smtp_banner, received_header_text), receive.c
received_header_gen() and the message ID, tod.c (tod_full), host.c
host_build_sender_fullhost() ($sender_rcvhost); qmail: netqmail 1.06, in qmail.py.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from . import qmail
from .params import mail_date
from .queue import QueueIds

if TYPE_CHECKING:
    from ...protocol.tls import TlsSession
    from .params import MainCf

FamilyName = Literal["postfix", "sendmail", "exim", "qmail"]
FAMILIES: tuple[FamilyName, ...] = ("postfix", "sendmail", "exim", "qmail")

SENDMAIL_VERSION = "8.17.1.9"  # $v, and $Z of a cf built from the same release
EXIM_VERSION = "4.98.2"  # $version_number (Debian 13's exim4)
# Where each keeps its queue (Postfix: queue_directory; Sendmail: QueueDirectory as the
# stock sendmail.mc sets it; Exim: spool_directory as Debian's exim4 package builds it;
# qmail: conf-qmail /var/qmail, then queue/)
SPOOL = {"postfix": "/var/spool/postfix", "sendmail": "/var/spool/mqueue",
         "exim": "/var/spool/exim4", "qmail": qmail.QUEUE}


@dataclass(frozen=True, slots=True)
class ReceivedFacts:
    """What a Received: header can say about one SMTP transaction."""

    hostname: str  # the receiving host ($myhostname, $j, $primary_hostname)
    helo: str | None
    client_name: str  # the verified client name, or "unknown"
    ptr_name: str | None  # the PTR name even when it does not resolve back (Sendmail)
    client_ip: str
    protocol: str  # "SMTP" or "ESMTP" (before the S and A suffixes)
    tls: TlsSession | None
    sasl_user: str | None
    qid: str
    sender: str
    recipients: tuple[str, ...]
    when: datetime  # local time of the transaction
    pid: int = 0  # qmail: the qmail-queue process that writes the top Received: line


# --- dates ---------------------------------------------------------------------------------
def sendmail_date(moment: datetime) -> str:
    """$b, sendmail's arpadate(): ``Wed, 1 Apr 2026 09:00:00 +0900`` (no leading zero in
    the day; "GMT" instead of +0000; on Linux no zone name, TZ_TYPE = TZ_NONE)."""
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    zone = "GMT" if minutes == 0 else f"{'-' if minutes < 0 else '+'}" \
        f"{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"
    return f"{moment:%a}, {moment.day} {moment:%b %Y %H:%M:%S} {zone}"


def exim_date(moment: datetime) -> str:
    """$tod_full, exim's tod.c: ``Wed, 01 Apr 2026 09:00:00 +0900``."""
    return moment.strftime("%a, %d %b %Y %H:%M:%S %z")


# --- banners -------------------------------------------------------------------------------
def banner(family: FamilyName, cf: MainCf, moment: datetime) -> str:
    """The text after ``220 `` of the greeting."""
    host = cf["myhostname"]
    if family == "sendmail":
        # "$j Sendmail $v/$Z; $b", with "ESMTP" inserted as the second word
        return f"{host} ESMTP Sendmail {SENDMAIL_VERSION}/{SENDMAIL_VERSION}; " \
               f"{sendmail_date(moment)}"
    if family == "exim":
        return f"{host} ESMTP Exim {EXIM_VERSION} {exim_date(moment)}"
    if family == "qmail":
        return qmail.banner(host)
    return cf["smtpd_banner"]


# --- Received: -----------------------------------------------------------------------------
def received(family: FamilyName, facts: ReceivedFacts, cf: MainCf) -> str:
    """The value of the Received: header (continuation lines start with a TAB)."""
    if family == "sendmail":
        return _sendmail_received(facts)
    if family == "exim":
        return _exim_received(facts)
    if family == "qmail":  # two headers: qmail-queue's, then qmail-smtpd's
        return qmail.smtp_received(facts.pid, facts.hostname, facts.ptr_name,
                                   facts.client_ip, facts.helo, facts.when)
    return _postfix_received(facts, cf)


def _postfix_received(f: ReceivedFacts, cf: MainCf) -> str:
    """smtpd.c: ``from HELO (NAME [ADDR])``, the TLS and SASL comments when asked for,
    ``by HOST (mail_name) with PROTO id QID``, ``for <rcpt>`` for one recipient."""
    lines: list[str] = []
    with_ = ""
    if not cf.flag("smtpd_hide_client_session"):
        lines.append(f"from {f.helo or f.client_name} ({f.client_name} [{f.client_ip}])")
        if f.tls is not None and cf.flag("smtpd_tls_received_header"):
            lines += f.tls.received_comment()
        if f.sasl_user and cf.flag("smtpd_sasl_authenticated_header"):
            lines.append(f"(Authenticated sender: {f.sasl_user})")
        with_ = f" with {rfc3848(f)}"
    by = f"by {f.hostname} ({cf['mail_name']}){with_} id {f.qid}"
    date = mail_date(cf, f.when)
    if len(f.recipients) == 1:
        return "\n\t".join([*lines, by, f"for <{f.recipients[0]}>; {date}"])
    return "\n\t".join([*lines, by + ";", date])


def rfc3848(f: ReceivedFacts) -> str:
    """ESMTP, ESMTPS, ESMTPA, ESMTPSA (RFC 3848): the suffixes only after EHLO."""
    if f.protocol != "ESMTP":
        return f.protocol
    return "ESMTP" + ("S" if f.tls else "") + ("A" if f.sasl_user else "")


def _sendmail_received(f: ReceivedFacts) -> str:
    """cfhead.m4 confRECEIVED_HEADER, expanded:
    ``$?sfrom $s $.$?_($?s$|from $.$_)`` / ``(authenticated bits=${auth_ssf})`` /
    ``by $j ($v/$Z)$?r with $r$. id $i`` / ``(version=... cipher=... bits=... verify=...)``
    / ``for $u; $b`` ($u only for a single recipient)."""
    who = _sendmail_authinfo(f)
    head = (f"from {f.helo} ({who})" if f.helo else f"({'from ' + who})")
    lines = [head]
    if f.sasl_user:
        lines.append("(authenticated bits=0)")  # ${auth_ssf}: PLAIN and LOGIN add no layer
    by = f"by {f.hostname} ({SENDMAIL_VERSION}/{SENDMAIL_VERSION}) with {rfc3848(f)} id {f.qid}"
    lines.append(by)
    if f.tls is not None:
        # ${verify} NO: sendmail asks for a client certificate by default; a mail client
        # sends none
        lines.append(f"(version={f.tls.protocol} cipher={f.tls.cipher} "
                     f"bits={f.tls.usebits} verify=NO)")
    date = sendmail_date(f.when)
    if len(f.recipients) == 1:
        lines.append(f"for <{f.recipients[0]}>; {date}")
        return "\n\t".join(lines)
    return "\n\t".join(lines) + ";\n\t" + date


def _sendmail_authinfo(f: ReceivedFacts) -> str:
    """$_ (daemon.c getauthinfo()): ``name [ip]``, ``[ip]`` without a PTR name, and
    ``(may be forged)`` when the PTR name does not resolve back to the address.
    SIMPLIFICATION: no ident (RFC 1413) user, as with Timeout.ident=0."""
    if f.ptr_name is None:
        return f"[{f.client_ip}]"
    forged = " (may be forged)" if f.client_name == "unknown" else ""
    return f"{f.ptr_name} [{f.client_ip}]{forged}"


def _exim_received(f: ReceivedFacts) -> str:
    """globals.c received_header_text, expanded, then ``;\\n\\t$tod_full`` (receive.c)."""
    lines = [f"from {_exim_rcvhost(f)}"]
    proto = rfc3848(f).lower()
    by = f"by {f.hostname} with {proto} "
    if f.tls is not None:
        by += f" ({f.tls.protocol.replace('TLSv', 'TLS')}) tls {_iana_cipher(f.tls.cipher)}"
        lines += [by, f"(Exim {EXIM_VERSION})"]
    else:
        lines.append(by + f"(Exim {EXIM_VERSION})")
    lines.append(f"(envelope-from <{f.sender}>)")
    lines.append(f"id {f.qid}")
    if len(f.recipients) == 1:
        lines.append(f"for {f.recipients[0]}")
    return "\n\t".join(lines) + ";\n\t" + exim_date(f.when)


def _exim_rcvhost(f: ReceivedFacts) -> str:
    """$sender_rcvhost: ``name ([ip])``, ``name ([ip] helo=X)`` when the HELO name
    differs, ``[ip] (helo=X)`` when the name is not verified; a HELO that is the
    address literal itself is not shown."""
    helo = f.helo
    if helo is not None and helo.strip("[]") == f.client_ip and helo.startswith("["):
        helo = None
    if f.client_name == "unknown":
        return f"[{f.client_ip}]" + (f" (helo={helo})" if helo else "")
    if helo is None or helo.lower() == f.client_name.lower():
        return f"{f.client_name} ([{f.client_ip}])"
    return f"{f.client_name} ([{f.client_ip}] helo={helo})"


def _iana_cipher(openssl_name: str) -> str:
    """$tls_in_cipher_std: the RFC name of the cipher (TLS 1.3 names are already so)."""
    return {"ECDHE-RSA-AES256-GCM-SHA384": "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"}.get(
        openssl_name, openssl_name)


# --- local submission (sendmail(1) on the host) ---------------------------------------------
@dataclass(frozen=True, slots=True)
class LocalFacts:
    hostname: str
    mail_name: str
    login: str
    uid: int
    qid: str  # the queue ID in the MTA's queue
    msp_qid: str  # Sendmail: the ID the submission program gave it in clientmqueue
    sender: str
    recipients: tuple[str, ...]
    when: datetime
    pid: int = 0  # qmail: the qmail-queue process


def local_received(family: FamilyName, f: LocalFacts, cf: MainCf) -> tuple[str, str | None]:
    """The Received: header(s) of a message submitted with sendmail(1): the top one, and
    for Sendmail the one below it.

    Postfix (pickup.c): ``by HOST (Postfix, from userid UID)`` / ``id QID; DATE``.
    Sendmail: the MSP (submit.cf, $Z "8.17.1.9/Submit") writes ``(from LOGIN@localhost)``
    and relays over SMTP to the MTA on [127.0.0.1], which adds its own header.
    Exim: ``from LOGIN by HOST with local (Exim V)`` with the envelope-from.
    qmail: qmail-inject adds none; qmail-queue writes ``(qmail PID invoked by uid UID)``.
    """
    if family == "qmail":
        return qmail.queue_line(f.pid, f"by uid {f.uid}", f.when), None
    if family == "sendmail":
        date = sendmail_date(f.when)
        one = len(f.recipients) == 1
        msp = (f"(from {f.login}@localhost)\n\tby {f.hostname} "
               f"({SENDMAIL_VERSION}/{SENDMAIL_VERSION}/Submit) id {f.msp_qid}"
               + (f"\n\tfor {f.recipients[0]}; {date}" if one else f";\n\t{date}"))
        facts = ReceivedFacts(f.hostname, f.hostname, "localhost", "localhost", "127.0.0.1",
                              "ESMTP", None, None, f.qid, f.sender, f.recipients, f.when)
        return _sendmail_received(facts), msp
    if family == "exim":
        lines = [f"from {f.login} by {f.hostname} with local (Exim {EXIM_VERSION})",
                 f"(envelope-from <{f.sender}>)", f"id {f.qid}"]
        if len(f.recipients) == 1:
            lines.append(f"for {f.recipients[0]}")
        return "\n\t".join(lines) + ";\n\t" + exim_date(f.when), None
    date = mail_date(cf, f.when)
    return f"by {f.hostname} ({f.mail_name}, from userid {f.uid})\n\tid {f.qid}; {date}", None


# --- queue IDs -----------------------------------------------------------------------------
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


class SendmailIds:
    """queue.c assign_queueid(): year%60, month, day, hour, minute, second (UTC) as one
    base-60 character each, a two-character sequence from a random offset, the PID in
    six digits: ``631000Ab012345``."""

    __slots__ = ("_clock", "_count", "_offset", "_pid", "_rng")

    def __init__(self, rng: random.Random, clock: object, pid: object) -> None:
        self._rng, self._clock, self._pid = rng, clock, pid
        self._offset = rng.randrange(60 * 60)
        self._count = 0

    def next(self, t: float) -> str:
        moment = self._clock.at(t).astimezone(UTC)  # type: ignore[attr-defined]
        seq = (self._count + self._offset) % 3600
        self._count += 1
        # struct tm: years since 1900, months 0-11
        fields = ((moment.year - 1900) % 60, moment.month - 1, moment.day, moment.hour,
                  moment.minute, moment.second)
        head = "".join(BASE62[v] for v in fields)
        pid: int = self._pid()  # type: ignore[operator]
        return f"{head}{BASE62[seq // 60]}{BASE62[seq % 60]}{pid % 1000000:06d}"


class EximIds:
    """receive.c (4.97+): base-62 seconds (6), ``-``, base-62 PID (11), ``-``, base-62
    microseconds (the last 4 of 6): ``1wQbyG-00000002x1p-0PRg``."""

    __slots__ = ("_clock", "_pid", "_seen")

    def __init__(self, clock: object, pid: object) -> None:
        self._clock, self._pid = clock, pid
        self._seen: set[str] = set()

    def next(self, t: float) -> str:
        moment = self._clock.at(t)  # type: ignore[attr-defined]
        usec = moment.microsecond
        while True:
            pid: int = self._pid()  # type: ignore[operator]
            qid = f"{base62(int(moment.timestamp()), 6)}-{base62(pid, 11)}-{base62(usec, 6)[2:]}"
            if qid not in self._seen:  # exim waits for the clock to tick; a new PID here
                self._seen.add(qid)
                return qid


def base62(value: int, width: int) -> str:
    out = ""
    for _ in range(width):
        value, digit = divmod(value, 62)
        out = BASE62[digit] + out
    return out


def queue_ids(family: FamilyName, rng: random.Random, clock: object,
              pid: object) -> QueueIds | SendmailIds | EximIds | qmail.QmailIds:
    if family == "qmail":
        return qmail.QmailIds(rng)
    if family == "sendmail":
        return SendmailIds(rng, clock, pid)
    if family == "exim":
        return EximIds(clock, pid)
    return QueueIds(rng)
