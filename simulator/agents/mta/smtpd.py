"""Models Postfix smtpd(8): the policy behind the SMTP dialogue of one connection.

It answers what protocol/smtp.py asks: the banner and EHLO keywords, TLS and SASL
(smtpd_tls_security_level, smtpd_tls_auth_only, smtpd_sasl_auth_enable), the client,
HELO, sender, relay and recipient restrictions (smtpd_check.c), and at end of DATA the
Received: header (smtpd.c; or the Sendmail / Exim form on such a host, family.py) and
the hand-over to cleanup. The hand-over is held until the simulated moment the 250
reply is sent (``pending``).

A service is a master.cf entry: its port and its ``-o name=value`` overrides of main.cf.
submission (587) and submissions (465) are Postfix's master.cf examples.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...model import rawmsg
from ...model.address import local_of
from ...model.status import (
    S250_QUEUED,
    S451_LOOKUP_FAILURE,
    S500_UNRECOGNIZED,
    S502_UNRECOGNIZED,
    S550_USER_UNKNOWN,
    S552_FILE_TOO_BIG,
    S552_SIZE_LIMIT,
    S554_TOO_MANY_HOPS,
    Reply,
)
from ...protocol.smtp import ServerFeatures, SmtpSession, TlsOffer
from ...protocol.smtp_dsn import RcptDsn
from ...protocol.tls import negotiate
from . import family, restrictions
from .cleanup import hop_warnings
from .params import version_at_least
from .queue import Dsn

if TYPE_CHECKING:
    from .mta import Mta
    from .params import MainCf

# EHLO keywords Postfix 3.x announces by default, in its order (smtpd.c ehlo_cmd).
EHLO_TAIL = ("ENHANCEDSTATUSCODES", "8BITMIME", "DSN", "SMTPUTF8", "CHUNKING")
SASL_MECHANISMS = "PLAIN LOGIN"  # what Cyrus SASL offers with the auxprop password check


@dataclass(frozen=True, slots=True)
class Service:
    """A master.cf smtpd service: its name, port and ``-o`` overrides of main.cf."""

    name: str  # "smtp" | "submission" | "submissions"
    port: int
    overrides: tuple[tuple[str, str], ...] = ()

    @property
    def syslog_name(self) -> str:
        """The program name of its log lines: ``$syslog_name/smtpd``."""
        names = dict(self.overrides)
        return f"{names.get('syslog_name', 'postfix')}/smtpd"

    def with_overrides(self, extra: dict[str, str]) -> Service:
        """This service with more ``-o`` settings (a scenario's ``master:`` entry)."""
        merged = dict(self.overrides) | extra
        return Service(self.name, self.port, tuple(merged.items()))


# The submission and submissions entries of master.cf as Postfix 3.7 ships them (3.6 and 3.7
# are what Debian 12 and Ubuntu 22.04 install), uncommented. 3.8 adds
# local_header_rewrite_clients=static:all (cleanup then adds Message-Id:/Date: for these
# clients); 3.10 adds smtpd_forbid_unauth_pipelining=no and smtpd_hide_client_session=yes
# (no "with ESMTPSA" in Received: any more). A scenario adds them with ``master:``.
_MUA_OVERRIDES = (("smtpd_sasl_auth_enable", "yes"),
                  ("smtpd_reject_unlisted_recipient", "no"),
                  ("smtpd_client_restrictions", ""), ("smtpd_helo_restrictions", ""),
                  ("smtpd_sender_restrictions", ""), ("smtpd_relay_restrictions", ""),
                  ("smtpd_recipient_restrictions", "permit_sasl_authenticated,reject"),
                  ("milter_macro_daemon_name", "ORIGINATING"))
SMTP = Service("smtp", 25)
SUBMISSION = Service("submission", 587, (("syslog_name", "postfix/submission"),
                                         ("smtpd_tls_security_level", "encrypt"),
                                         ("smtpd_tls_auth_only", "yes"), *_MUA_OVERRIDES))
SUBMISSIONS = Service("submissions", 465, (("syslog_name", "postfix/submissions"),
                                           ("smtpd_tls_wrappermode", "yes"), *_MUA_OVERRIDES))
SERVICES = {s.name: s for s in (SMTP, SUBMISSION, SUBMISSIONS)}


def tls_offer(cf: MainCf) -> TlsOffer:
    """The TLS offer of a service, computed once per running configuration."""
    return cf.derived("smtpd.tls_offer", _tls_offer)


def _tls_offer(cf: MainCf) -> TlsOffer:
    """smtpd.c L6627-L6662: the security level sets use/enforce unless in wrapper mode;
    wrapper mode implies enforce, enforce implies use (and smtpd_tls_auth_only)."""
    wrapper = cf.flag("smtpd_tls_wrappermode")
    level = cf["smtpd_tls_security_level"].strip()
    use = enforce = False
    if not wrapper and level:
        use, enforce = level in ("may", "encrypt"), level == "encrypt"
    enforce = enforce or wrapper
    use = use or enforce
    protocols = cf["smtpd_tls_mandatory_protocols" if enforce else "smtpd_tls_protocols"]
    return TlsOffer(use, enforce, wrapper, negotiate(protocols))


class Smtpd:
    """The SmtpPolicy of one connection to ``mta`` on ``service``."""

    def __init__(self, mta: Mta, service: Service, msg: str | None) -> None:
        self.mta, self.service, self.msg = mta, service, msg
        self.pending: list[Callable[[], None]] = []
        self.accepted_qids: list[str] = []
        self._cf: MainCf | None = None

    @property
    def cf(self) -> MainCf:
        """main.cf as this service sees it (with its master.cf -o overrides)."""
        if self._cf is None:
            self._cf = self.mta.service_cf(self.service)
        return self._cf

    def tls(self) -> TlsOffer:
        return tls_offer(self.cf)

    def features(self) -> ServerFeatures:
        """The dialogue's release- and configuration-dependent replies."""
        return ServerFeatures(S500_UNRECOGNIZED if version_at_least(self.cf, "3.7")
                              else S502_UNRECOGNIZED, "dsn" not in self._discarded())

    def _discarded(self) -> set[str]:
        """smtpd_discard_ehlo_keywords, lower-cased (ehlo_mask.c: names in any case)."""
        return {w.lower() for w in self.cf.list("smtpd_discard_ehlo_keywords")}

    # --- SmtpPolicy ------------------------------------------------------------------------
    def banner(self) -> str:
        host = self.mta.host
        return family.banner(self.mta.family, self.cf, host.world.engine.clock.at(
            host.world.engine.now))

    def hostname(self) -> str:
        return self.cf["myhostname"]

    def helo_required(self) -> bool:
        return self.cf.flag("smtpd_helo_required")

    def sasl_enabled(self, session: SmtpSession) -> bool:
        """SASL is active when enabled, and, with smtpd_tls_auth_only (implied by an
        enforced TLS level), only once TLS is on (smtpd.c L6098-L6108, L5516-L5522)."""
        if not self.cf.flag("smtpd_sasl_auth_enable"):
            return False
        auth_only = self.cf.flag("smtpd_tls_auth_only") or self.tls().enforce
        return session.tls is not None or not auth_only

    def vrfy_enabled(self) -> bool:
        return not self.cf.flag("disable_vrfy_command")

    def ehlo_keywords(self, session: SmtpSession) -> list[str]:
        """smtpd.c ehlo_cmd(): PIPELINING SIZE VRFY ETRN STARTTLS AUTH, then the rest."""
        size = self.cf["message_size_limit"]
        words = ["PIPELINING", f"SIZE {size}" if size != "0" else "SIZE"]
        words += ["VRFY"] if self.vrfy_enabled() else []
        words.append("ETRN")
        if self.tls().use and session.tls is None:
            words.append("STARTTLS")
        if self.sasl_enabled(session):
            words.append(f"AUTH {SASL_MECHANISMS}")
            if self.cf.flag("broken_sasl_auth_clients"):
                words.append(f"AUTH={SASL_MECHANISMS}")
        return [w for w in words + list(EHLO_TAIL)
                if w.split()[0].split("=")[0].lower() not in self._discarded()]

    def authenticate(self, session: SmtpSession, user: str, password: str) -> bool:
        if self.mta.host.check_password(user, password):
            return True
        # smtpd_sasl_glue.c (3.9+ format); Cyrus SASL's text for SASL_BADAUTH
        self._log(session, f"warning: {_label(session)}: SASL "
                           f"{session.auth_mechanism or 'PLAIN'} authentication failed: "
                           f"authentication failure, sasl_username={user}")
        return False

    def check_connect(self, session: SmtpSession) -> Reply | None:
        return self._injected(session, "connect")

    def check_helo(self, session: SmtpSession, name: str) -> Reply | None:
        return self._injected(session, "helo")

    def check_mail(self, session: SmtpSession, sender: str) -> Reply | None:
        """smtpd_check.c smtpd_check_size(): a declared SIZE above message_size_limit
        (0: no limit) is refused at once, before the message is sent."""
        limit = self.cf.integer("message_size_limit")
        if limit and session.declared_size is not None and session.declared_size > limit:
            return S552_SIZE_LIMIT
        return self._injected(session, "mail")

    def check_data(self, session: SmtpSession) -> Reply | None:
        return self._injected(session, "data")

    def check_rcpt(self, session: SmtpSession, rcpt: str) -> Reply | None:
        refused = self._restrictions(session, rcpt)
        # a lab's forced reply (a policy service such as postgrey) comes after the
        # built-in restrictions, as check_policy_service does in a real list
        return refused if refused is not None else self._injected(session, "rcpt", rcpt)

    def _restrictions(self, session: SmtpSession, rcpt: str) -> Reply | None:
        """smtpd_check.c smtpd_check_rcpt() with smtpd_delay_reject = yes: the client,
        HELO and sender lists, then the relay list, the recipient list, and at the end
        reject_unlisted_recipient (smtpd_reject_unlisted_recipient)."""
        cf = self.cf
        facts = restrictions.Facts(
            session.client_ip, _label(session), session.sasl_user is not None,
            tuple(cf.list("mynetworks")), self.mta.relay_ok_domains(), session.client_name,
            session.helo_name, session.sender, getattr(self.mta, "lookup_table", None),
            cf["myhostname"])
        for name, stage in (("smtpd_client_restrictions", "client"),
                            ("smtpd_helo_restrictions", "helo"),
                            ("smtpd_sender_restrictions", "sender"),
                            ("smtpd_relay_restrictions", "recipient"),
                            ("smtpd_recipient_restrictions", "recipient")):
            refused = restrictions.evaluate(cf.list(name), facts, rcpt, stage)
            if refused is not None:
                return refused
        if cf.flag("smtpd_reject_unlisted_recipient") \
                and restrictions.rcpt_domain(rcpt, cf["myhostname"]) in self.mta.local_domains():
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
        # a template and its values (kept as facts; the label and the SASL part are a
        # client's and a user's, shared by their lines)
        self._log(session, "%s: client=%s%s", args=(qid, _label(session), sys.intern(extra)))
        return qid

    def end_of_data(self, session: SmtpSession, data: bytes) -> Reply:
        assert session.queue_id is not None and session.sender is not None
        refused = self._injected(session, "end_of_data")
        if refused is not None:  # the queue file is discarded (cleanup never commits)
            self.on_reject(session, "END-OF-MESSAGE", refused, "")
            return refused
        qid, sender, rcpts = session.queue_id, session.sender, list(session.recipients)
        if self._too_big(data):
            # smtpd.c receive_data(): cleanup gets no more once the limit is passed
            self._log(session, f"warning: {qid}: queue file size limit exceeded")
            return S552_FILE_TOO_BIG
        received = self._received(session, qid, rcpts)
        content = data
        client, program = _label(session), self.service.syslog_name
        add_missing = self.mta.may_rewrite_headers(session.client_ip, session.sasl_user,
                                                   self.cf)
        if rawmsg.count(content, "Received") + 1 >= self.mta.cf.integer("hopcount_limit"):
            # cleanup counts the Received: headers, ours included, and refuses the
            # message; smtpd reports it at end of data (smtpd.c, CLEANUP_STAT_HOPS)
            limit = self.mta.cf.integer("hopcount_limit")
            for line in hop_warnings(qid, rawmsg.count(content, "Received") + 1, limit):
                self.mta.host.log("postfix/cleanup", line, t=session.now)
            return S554_TOO_MANY_HOPS
        # smtpd records the RCPT TO address as the DSN ORCPT when the client gave none
        # (rcpt_cmd()); NOTIFY, RET and ENVID go into the queue file as given
        dsns = session.rcpt_dsn or [RcptDsn() for _ in rcpts]
        orcpts = [d.orcpt or f"rfc822;{r}" for d, r in zip(dsns, rcpts, strict=True)]
        notify = [d.notify for d in dsns]
        mail_dsn = session.dsn

        def commit() -> None:
            self.mta.cleanup.commit(qid, self.msg or "?", sender, rcpts, content, received,
                                    client, program, add_missing, dsn_orcpts=orcpts,
                                    dsn=Dsn(mail_dsn.ret, mail_dsn.envid, notify))

        self.pending.append(commit)
        self.accepted_qids.append(qid)
        return S250_QUEUED.with_text(S250_QUEUED.text.format(qid))

    def _too_big(self, data: bytes) -> bool:
        """receive_data() counts each content line with its CRLF (len + 2)."""
        limit = self.cf.integer("message_size_limit")
        lines = data.splitlines()
        return bool(limit) and sum(len(x) + 2 for x in lines) > limit

    def on_reject(self, session: SmtpSession, stage: str, reply: Reply, arg: str) -> None:
        if stage == "AUTH":  # the client gave up with "*" (smtpd_sasl_glue.c)
            self._log(session, f"warning: {_label(session)}: SASL {arg} authentication aborted")
            return
        # smtpd_check.c log_whatsup(): NOQUEUE when no queue file exists yet; each field
        # only when known (the protocol is SMTP until EHLO)
        qid = session.queue_id or "NOQUEUE"
        sender = arg if stage == "MAIL" and session.sender is None else session.sender
        rcpt = arg if stage in ("RCPT", "VRFY") else (session.recipients[-1] if session.recipients
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
        """A new smtpd process: the warnings of the tables it opens, then the connection."""
        fresh = True
        if self.mta.family == "postfix":
            for line in self.mta.local.recipient_map_warnings():
                self._log(session, line, fresh=fresh)
                fresh = False
        self._log(session, "connect from %s", fresh=fresh, args=(_label(session),))

    def log_tls(self, session: SmtpSession) -> None:
        """tls_misc.c tls_log_summary(), with smtpd_tls_loglevel >= 1 only."""
        if session.tls is not None and self.cf.integer("smtpd_tls_loglevel") >= 1:
            self._log(session, f"Anonymous TLS connection established from "
                               f"{_label(session)}: {session.tls.summary()}")

    def log_disconnect(self, session: SmtpSession) -> None:
        self._log(session, "disconnect from %s%s",
                  args=(_label(session), sys.intern(command_stats(session.counts))))

    # --- helpers ---------------------------------------------------------------------------
    def _received(self, session: SmtpSession, qid: str, rcpts: list[str]) -> str:
        world = self.mta.host.world
        # qmail: the qmail-queue process qmail-smtpd starts for this message
        pid = self.mta.host.pid("qmail-queue", fresh=True) if self.mta.family == "qmail" \
            else 0
        facts = family.ReceivedFacts(
            self.cf["myhostname"], session.helo_name, session.client_name,
            world.dns.reverse_name(session.client_ip), session.client_ip,
            session.protocol or "SMTP", session.tls, session.sasl_user, qid,
            session.sender or "", tuple(rcpts), world.engine.clock.at(session.now), pid)
        return family.received(self.mta.family, facts, self.cf)

    def _log(self, session: SmtpSession, text: str, fresh: bool = False,
             args: tuple[object, ...] = ()) -> None:
        self.mta.host.log(self.service.syslog_name, text, fresh=fresh, t=session.now,
                          args=args)


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
    """``unknown[203.0.113.25]``: one string per client, interned (every line says it)."""
    return sys.intern(f"{session.client_name}[{session.client_ip}]")
