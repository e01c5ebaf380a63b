"""Models Postfix smtpd(8): the policy behind the SMTP dialogue of one connection.

It answers what protocol/smtp.py asks: the banner and EHLO keywords, SASL checks, the
relay and recipient restrictions (smtpd_relay_restrictions, local_recipient_maps), and at
end of DATA the Received: header (smtpd.c) and the hand-over to cleanup. The hand-over is
held until the simulated moment the 250 reply is sent (``pending``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from ...model import rawmsg
from ...model.address import domain_of, local_of
from ...model.status import (S250_QUEUED, S451_LOOKUP_FAILURE, S550_USER_UNKNOWN,
                             S554_TOO_MANY_HOPS, Reply)
from ...protocol.smtp import SmtpSession
from . import restrictions

if TYPE_CHECKING:
    from .mta import Mta

# EHLO keywords Postfix 3.x announces by default, in its order (smtpd.c ehlo_cmd).
EHLO_BASE = ("PIPELINING", "SIZE {size}", "VRFY", "ETRN")
EHLO_TAIL = ("ENHANCEDSTATUSCODES", "8BITMIME", "DSN", "SMTPUTF8", "CHUNKING")


@dataclass(frozen=True, slots=True)
class Service:
    """A master.cf smtpd service: port 25 (smtp) or 587 (submission) with its -o overrides."""

    name: str  # "smtp" | "submission"
    port: int
    syslog_name: str
    sasl: bool
    client_restrictions: tuple[str, ...]


SMTP = Service("smtp", 25, "postfix/smtpd", False, ())
# master.cf's submission example: -o smtpd_sasl_auth_enable=yes
# -o smtpd_client_restrictions=permit_sasl_authenticated,reject
SUBMISSION = Service("submission", 587, "postfix/submission/smtpd", True,
                     ("permit_sasl_authenticated", "reject"))


class Smtpd:
    """The SmtpPolicy of one connection to ``mta`` on ``service``."""

    def __init__(self, mta: "Mta", service: Service, msg: str | None) -> None:
        self.mta, self.service, self.msg = mta, service, msg
        self.pending: list[Callable[[], None]] = []
        self.accepted_qids: list[str] = []

    # --- SmtpPolicy ------------------------------------------------------------------------
    def banner(self) -> str:
        return self.mta.cf["smtpd_banner"]

    def hostname(self) -> str:
        return self.mta.cf["myhostname"]

    def helo_required(self) -> bool:
        return self.mta.cf.flag("smtpd_helo_required")

    def sasl_enabled(self, session: SmtpSession) -> bool:
        return self._sasl_enabled()

    def vrfy_enabled(self) -> bool:
        return not self.mta.cf.flag("disable_vrfy_command")

    def ehlo_keywords(self, session: SmtpSession) -> list[str]:
        size = self.mta.cf["message_size_limit"]
        words = [w.format(size=size) for w in EHLO_BASE]
        if self._sasl_enabled():
            words.append("AUTH PLAIN LOGIN")
        return words + list(EHLO_TAIL)

    def authenticate(self, session: SmtpSession, user: str, password: str) -> bool:
        found = self.mta.host.find_user(user)
        if found is not None and found.password is not None and found.password == password:
            return True
        # smtpd_sasl_glue.c (3.9+ format); Cyrus SASL's text for SASL_BADAUTH
        self._log(session, f"warning: {_label(session)}: SASL PLAIN authentication failed: "
                           f"authentication failure, sasl_username={user}")
        return False

    def check_connect(self, session: SmtpSession) -> Reply | None:
        return self._injected(session, "connect")

    def check_helo(self, session: SmtpSession, name: str) -> Reply | None:
        return self._injected(session, "helo")

    def check_mail(self, session: SmtpSession, sender: str) -> Reply | None:
        return self._injected(session, "mail")

    def check_data(self, session: SmtpSession) -> Reply | None:
        return self._injected(session, "data")

    def check_rcpt(self, session: SmtpSession, rcpt: str) -> Reply | None:
        refused = self._restrictions(session, rcpt)
        # a lab's forced reply (a policy service such as postgrey) comes after the
        # built-in restrictions, as check_policy_service does in a real list
        return refused if refused is not None else self._injected(session, "rcpt", rcpt)

    def _restrictions(self, session: SmtpSession, rcpt: str) -> Reply | None:
        cf = self.mta.cf
        facts = restrictions.Facts(
            session.client_ip, _label(session), session.sasl_user is not None,
            tuple(cf.list("mynetworks")), self.mta.relay_ok_domains())
        # smtpd_delay_reject = yes: client restrictions are applied at RCPT time
        for rule_list, stage in ((list(self.service.client_restrictions), "client"),
                                 (cf.list("smtpd_relay_restrictions"), "recipient"),
                                 (cf.list("smtpd_recipient_restrictions"), "recipient")):
            refused = restrictions.evaluate(rule_list, facts, rcpt, stage)
            if refused is not None:
                return refused
        if domain_of(rcpt) in self.mta.local_domains():
            known = self.mta.local_recipient_exists(local_of(rcpt))
            if known is None:  # a table of local_recipient_maps cannot be read
                return S451_LOOKUP_FAILURE.with_text(S451_LOOKUP_FAILURE.text.format(rcpt))
            if not known:
                return S550_USER_UNKNOWN.with_text(S550_USER_UNKNOWN.text.format(rcpt))
        return None

    def open_queue_file(self, session: SmtpSession) -> str:
        qid = self.mta.cleanup.open()
        extra = (f", sasl_method={session.sasl_method}, sasl_username={session.sasl_user}"
                 if session.sasl_user else "")
        self._log(session, f"{qid}: client={_label(session)}{extra}")
        return qid

    def end_of_data(self, session: SmtpSession, data: bytes) -> Reply:
        assert session.queue_id is not None and session.sender is not None
        refused = self._injected(session, "end_of_data")
        if refused is not None:  # the queue file is discarded (cleanup never commits)
            self.on_reject(session, "END-OF-MESSAGE", refused, "")
            return refused
        qid, sender, rcpts = session.queue_id, session.sender, list(session.recipients)
        received = self._received(session, qid, rcpts)
        content = data
        client, program = _label(session), self.service.syslog_name
        add_missing = self.mta.may_rewrite_headers(session.client_ip, session.sasl_user)
        if rawmsg.count(content, "Received") + 1 >= self.mta.cf.integer("hopcount_limit"):
            # cleanup counts the Received: headers, ours included, and refuses the
            # message; smtpd reports it at end of data (smtpd.c, CLEANUP_STAT_HOPS)
            self.mta.host.log("postfix/cleanup", f"warning: {qid}: message rejected: "
                                                 "hopcount exceeded", t=session.now)
            return S554_TOO_MANY_HOPS
        # smtpd records the RCPT TO address as the DSN ORCPT when the client gave none
        orcpts = [f"rfc822;{r}" for r in rcpts]

        def commit() -> None:
            self.mta.cleanup.commit(qid, self.msg or "?", sender, rcpts, content, received,
                                    client, program, add_missing, dsn_orcpts=orcpts)

        self.pending.append(commit)
        self.accepted_qids.append(qid)
        return S250_QUEUED.with_text(S250_QUEUED.text.format(qid))

    def on_reject(self, session: SmtpSession, stage: str, reply: Reply, arg: str) -> None:
        # smtpd_check.c log_whatsup(): NOQUEUE when no queue file exists yet; each field
        # only when known (the protocol is SMTP until EHLO)
        qid = session.queue_id or "NOQUEUE"
        sender = arg if stage == "MAIL" and session.sender is None else session.sender
        rcpt = arg if stage == "RCPT" else (session.recipients[-1] if session.recipients
                                            and stage in ("DATA", "END-OF-MESSAGE") else None)
        text = f"{qid}: reject: {stage} from {_label(session)}: {reply};"
        text += f" from=<{sender}>" if sender is not None else ""
        text += f" to=<{rcpt}>" if rcpt is not None else ""
        text += f" proto={session.protocol or 'SMTP'}"
        text += f" helo=<{session.helo_name}>" if session.helo_name else ""
        self._log(session, text)

    def _injected(self, session: SmtpSession, stage: str, rcpt: str | None = None
                  ) -> Reply | None:
        """A reply the lab forces at this stage (events smtp_reply), if one is due."""
        for fault in self.mta.host.faults:
            reply = fault.take(stage, session.now, rcpt)
            if reply is not None:
                return reply
        return None

    # --- connection events -----------------------------------------------------------------
    def log_connect(self, session: SmtpSession) -> None:
        self._log(session, f"connect from {_label(session)}", fresh=True)

    def log_disconnect(self, session: SmtpSession) -> None:
        self._log(session, f"disconnect from {_label(session)}{command_stats(session.counts)}")

    # --- helpers ---------------------------------------------------------------------------
    def _sasl_enabled(self) -> bool:
        return self.service.sasl or self.mta.cf.flag("smtpd_sasl_auth_enable")

    def _received(self, session: SmtpSession, qid: str, rcpts: list[str]) -> str:
        """The Received: header of smtpd.c (smtpd_sasl_authenticated_header = no)."""
        cf = self.mta.cf
        date = self.mta.host.world.engine.clock.rfc5322(session.now)
        helo = session.helo_name or session.client_name  # no HELO: the client's name
        head = f"from {helo} ({session.client_name} [{session.client_ip}])"
        by = f"\tby {cf['myhostname']} ({cf['mail_name']}) with {session.received_protocol} id {qid}"
        if len(rcpts) == 1:
            return f"{head}\n{by}\n\tfor <{rcpts[0]}>; {date}"
        return f"{head}\n{by};\n\t{date}"

    def _log(self, session: SmtpSession, text: str, fresh: bool = False) -> None:
        self.mta.host.log(self.service.syslog_name, text, fresh=fresh, t=session.now)


# smtpd_cmd_table order, as smtpd_format_cmd_stats() prints the counts
CMD_ORDER = ("helo", "ehlo", "xclient", "xforward", "starttls", "auth", "mail", "rcpt", "data",
             "bdat", "rset", "noop", "vrfy", "etrn", "quit", "help", "unknown")


def command_stats(counts: dict[str, list[int]]) -> str:
    """`` ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4``: name=ok, with /total when they
    differ; ``commands=S`` with /T when S != T or T == 0 (smtpd.c)."""
    parts = []
    ok_all = total_all = 0
    for name in CMD_ORDER:
        if name in counts:
            ok, total = counts[name]
            ok_all, total_all = ok_all + ok, total_all + total
            parts.append(f" {name}={ok}" + (f"/{total}" if ok != total else ""))
    tail = f" commands={ok_all}" + (f"/{total_all}" if ok_all != total_all or not total_all else "")
    return "".join(parts) + tail


def _label(session: SmtpSession) -> str:
    return f"{session.client_name}[{session.client_ip}]"
