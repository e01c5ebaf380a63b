"""The text of Postfix bounce(8) notices: RFC 3464 delivery status reports.

Built as bounce/bounce_notify_util.c builds them with the built-in templates
(bounce/bounce_templates.c): the failure notice ("Undelivered Mail Returned to Sender"),
the delay notice ("Delayed Mail (still being retried)"), the verify report of sendmail -bv
("Mail Delivery Status Report", the message's headers only), and the postmaster copies
("Postmaster Copy: Undelivered Mail", "Postmaster Warning: Delayed Mail", without the
polite text). A multipart/report with the human-readable part, the message/delivery-status
part (Reporting-MTA, Final-Recipient, Action, Status, Remote-MTA, Diagnostic-Code) and the
returned message or only its headers. docs/reference/postfix-formats.md §8 has an example.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...model import rawmsg
from .params import MainCf, mail_date, version_at_least
from .queue import QueueFile, QueueRecipient

if TYPE_CHECKING:
    from ...engine import Clock

FAILURE_TEXT = """\
This is the mail system at host {myhostname}.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system"""

DELAY_TEXT = """\
This is the mail system at host {myhostname}.

####################################################################
# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #
####################################################################

Your message could not be delivered for more than {hours} hour(s).
It will be retried until it is {days} day(s) old.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system"""

# sendmail -bv and sendmail -v (bounce_templates.c def_bounce_verify_body)
VERIFY_TEXT = """\
This is the mail system at host {myhostname}.

Enclosed is the mail delivery report that you requested.

                   The mail system"""

# DSN NOTIFY=SUCCESS (bounce_templates.c def_bounce_success_body)
SUCCESS_TEXT = """\
This is the mail system at host {myhostname}.

Your message was successfully delivered to the destination(s)
listed below. If the message was delivered to mailbox you will
receive no further notifications. Otherwise you may still receive
notifications of mail delivery errors from other systems.

                   The mail system"""

SUBJECTS = {("verify", False): "Mail Delivery Status Report",
            ("success", False): "Successful Mail Delivery Report",
            ("failure", False): "Undelivered Mail Returned to Sender",
            ("failure", True): "Postmaster Copy: Undelivered Mail",
            ("delay", False): "Delayed Mail (still being retried)",
            ("delay", True): "Postmaster Warning: Delayed Mail"}


@dataclass(frozen=True, slots=True)
class Notice:
    """Which notice, for whom: the template, a postmaster copy or not, the whole message
    or its headers only (DSN_RET_HDRS), and the To: address."""

    kind: str  # "failure" | "delay" | "verify" | "success"
    postmaster_copy: bool
    headers_only: bool
    to: str


def wrap(text: str) -> list[str]:
    """bounce_print_wrap(): lines of at most 79 columns, continuations indented by 4."""
    return textwrap.wrap(text, width=79, subsequent_indent="    ", break_long_words=False,
                         break_on_hyphens=False) or [""]


def build(cf: MainCf, clock: Clock, now: float, qf: QueueFile,
          rcpts: list[QueueRecipient], notice: Notice, new_qid: str) -> bytes:
    boundary = f"{qf.qid}.{int(clock.at(now).timestamp())}/{cf['myhostname']}"
    original = qf.content
    limit = cf.integer("bounce_size_limit")
    headers_only = notice.headers_only or (limit > 0 and len(original) > limit)
    # smtputf8_enable = yes (default) forces 8bit and utf-8 (bounce_notify_util.c)
    utf8 = cf.flag("smtputf8_enable")
    cte = ["Content-Transfer-Encoding: 8bit"] if utf8 else []
    # post_mail.c post_mail_init(): every notice starts with these two lines
    date = mail_date(cf, clock.at(now))
    lines = [f"Received: by {cf['myhostname']} ({cf['mail_name']})", f"\tid {new_qid}; {date}",
             f"Date: {date}"]
    lines += _headers(cf, qf, notice, boundary, utf8)
    lines += ["", "This is a MIME-encapsulated message.", "", f"--{boundary}",
              "Content-Description: Notification",
              f"Content-Type: text/plain; charset={'utf-8' if utf8 else 'us-ascii'}", *cte, ""]
    if not notice.postmaster_copy:
        lines += _boilerplate(cf, notice.kind).split("\n")
    for rcpt in rcpts:
        lines.append("")
        lines += wrap(f"{_who(rcpt)}: {rcpt.reason}")
    # message/delivery-status gets a CTE only when the original asked for SMTPUTF8
    lines += ["", f"--{boundary}", "Content-Description: Delivery report",
              "Content-Type: message/delivery-status", "",
              f"Reporting-MTA: dns; {cf['myhostname']}"]
    # bounce_header_dsn(): the client's ENVID, between Reporting-MTA and the queue ID
    if qf.dsn_envid:
        lines.append(f"Original-Envelope-Id: {qf.dsn_envid}")
    lines.append(f"X-{cf['mail_name']}-Queue-ID: {qf.qid}")
    # always there: a bounce's null sender is shown as MAILER-DAEMON (bounce_header_dsn())
    lines.append(f"X-{cf['mail_name']}-Sender: rfc822; {report_sender(qf)}")
    lines.append(f"Arrival-Date: {mail_date(cf, clock.at(qf.arrival))}")
    for rcpt in rcpts:
        lines += _recipient_fields(cf, clock, qf, rcpt, notice.kind)
    undelivered = "Undelivered " if notice.kind in ("failure", "delay") else ""
    lines += ["", f"--{boundary}",
              f"Content-Description: {undelivered}Message" + (" Headers" if headers_only else ""),
              "Content-Type: " + ("text/rfc822-headers" if headers_only else "message/rfc822"),
              *cte, "", f"Return-Path: <{report_sender(qf)}>"]
    body = _header_block(original) if headers_only else original
    tail = ["", f"--{boundary}--", ""]
    # bounce_original(): the records are copied as they are (trailing empty lines too),
    # then an empty line and the closing boundary
    if not body.endswith(b"\n"):
        body += b"\n"
    return ("\n".join(lines) + "\n").encode() + body + "\n".join(tail).encode()


def _header_block(original: bytes) -> bytes:
    """DSN_RET_HDRS: bounce_original() copies records while they are headers (or their
    continuation lines) and stops at the first that is not, the empty line included."""
    head = original.split(b"\n\n", 1)[0]
    return head if head.endswith(b"\n") else head + b"\n"


def _headers(cf: MainCf, qf: QueueFile, notice: Notice, boundary: str,
             utf8: bool) -> list[str]:
    # cleanup qualifies MAILER-DAEMON with @$myorigin, as any local address
    lines = [f"From: Mail Delivery System <MAILER-DAEMON@{cf['myorigin']}>",
             f"Subject: {SUBJECTS[(notice.kind, notice.postmaster_copy)]}", f"To: {notice.to}"]
    # bounce_header(): only with enable_threaded_bounces = yes, a parameter that Postfix
    # 3.6 added (HISTORY 20201205) and that is off by default; a malformed Message-ID is
    # ignored (bounce_mail_alloc(): it must be <...>)
    msgid = (rawmsg.get(qf.content, "Message-Id") or "").strip()
    if threaded(cf) and msgid.startswith("<") and msgid.endswith(">"):
        lines += [f"References: {msgid}", f"In-Reply-To: {msgid}"]
    auto = "auto-generated" if notice.postmaster_copy else "auto-replied"
    return lines + [f"Auto-Submitted: {auto}", "MIME-Version: 1.0",
                    "Content-Type: multipart/report; report-type=delivery-status;",
                    f'\tboundary="{boundary}"',
                    f"Content-Transfer-Encoding: {'8bit' if utf8 else '7bit'}"]


def threaded(cf: MainCf) -> bool:
    """Does this Postfix release write References:/In-Reply-To: into its notices?"""
    return version_at_least(cf, "3.6") and cf.flag("enable_threaded_bounces")


def report_sender(qf: QueueFile) -> str:
    """The sender as bounce_mail_alloc() reads it from the queue file: the null sender
    becomes MAILER-DAEMON (mail_addr_mail_daemon()), for X-Postfix-Sender and the
    returned message's Return-Path alike."""
    return qf.sender or "MAILER-DAEMON"


def _boilerplate(cf: MainCf, kind: str) -> str:
    if kind == "failure":
        return FAILURE_TEXT.format(myhostname=cf["myhostname"])
    if kind in ("verify", "success"):
        text = VERIFY_TEXT if kind == "verify" else SUCCESS_TEXT
        return text.format(myhostname=cf["myhostname"])
    # $delay_warning_time_hours and $maximal_queue_lifetime_days: whole units, rounded
    # down (bounce_template.c bounce_template_lookup())
    return DELAY_TEXT.format(myhostname=cf["myhostname"],
                             hours=int(cf.seconds("delay_warning_time")) // 3600,
                             days=int(cf.seconds("maximal_queue_lifetime")) // 86400)


def _who(rcpt: QueueRecipient) -> str:
    """``<addr>``, or ``<addr> (expanded from <orig>)`` when aliasing changed it."""
    if rcpt.orig and rcpt.orig.lower() != rcpt.address.lower():
        return f"<{rcpt.address}> (expanded from <{rcpt.orig}>)"
    return f"<{rcpt.address}>"


def _recipient_fields(cf: MainCf, clock: Clock, qf: QueueFile, rcpt: QueueRecipient,
                      kind: str) -> list[str]:
    # Postfix 3.7 bounce_notify_util.c, bounce_recipient_dsn(): Final-Recipient, then
    # Original-Recipient, Action, Status, Remote-MTA (only with a remote MTA),
    # Diagnostic-Code, Will-Retry-Until (delay notices only). Original-Recipient is the
    # DSN ORCPT as recorded ("rfc822;addr", no space: smtpd.c records one from the RCPT TO
    # address when the client sent none) if there is one, else the original address
    # ("rfc822; addr", with a space). bounce_append_service.c writes the original address
    # to the bounce/defer log only when it differs from the final one (case-insensitive),
    # so without an ORCPT an unchanged recipient has no Original-Recipient field.
    out = ["", f"Final-Recipient: rfc822; {rcpt.address}"]
    if rcpt.dsn_orcpt:
        out.append(f"Original-Recipient: {rcpt.dsn_orcpt}")
    elif rcpt.orig and rcpt.orig.lower() != rcpt.address.lower():
        out.append(f"Original-Recipient: rfc822; {rcpt.orig}")
    action = {"failure": "failed", "delay": "delayed"}.get(kind, rcpt.status)
    out += [f"Action: {action}", f"Status: {rcpt.dsn}"]
    if rcpt.remote_mta:
        out += wrap(f"Remote-MTA: dns; {rcpt.remote_mta}")
    if rcpt.diagnostic:
        out += wrap(f"Diagnostic-Code: smtp; {rcpt.diagnostic}")
    else:
        out += wrap(f"Diagnostic-Code: X-{cf['mail_name']}; {rcpt.reason}")
    if kind == "delay":
        until = qf.arrival + cf.seconds("maximal_queue_lifetime")
        out.append(f"Will-Retry-Until: {mail_date(cf, clock.at(until))}")
    return out
