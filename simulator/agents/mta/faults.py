"""Replies a lab forces an SMTP server to give: greylisting, a full mailbox, an overloaded
server (the ``smtp_reply`` scenario event).

Real servers say these things through a policy service (postgrey answers ``450 4.2.0 ...
Greylisted``), a full disk or a connection limit (``421 4.3.2 Service currently
unavailable``). Here the lab states the reply, the SMTP stage that gives it, and for how
long: the first N times the stage is reached, until a given time, or both.

SIMPLIFICATION: a real greylisting service remembers each (client, sender, recipient)
triplet and accepts a retry after its delay; here the count or the time window decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...model.status import Reply

STAGES = ("connect", "helo", "mail", "rcpt", "data", "end_of_data")
# smtpd_check.c log_whatsup() names the stage as the client's command
WHERE = {"connect": "CONNECT", "helo": "HELO", "mail": "MAIL", "rcpt": "RCPT", "data": "DATA",
         "end_of_data": "END-OF-MESSAGE"}
_REPLY = re.compile(r"(?P<code>[45][0-9][0-9])(?: (?P<dsn>[45]\.[0-9]{1,3}\.[0-9]{1,3}))? "
                    r"(?P<text>\S.*)")


def parse_reply(text: str) -> Reply:
    """``450 4.2.0 <{rcpt}>: Recipient address rejected: Greylisted`` as a Reply; ValueError
    unless it is a one-line 4xx or 5xx reply."""
    found = _REPLY.fullmatch(text.strip())
    if found is None:
        raise ValueError("expected a 4xx or 5xx reply such as "
                         "'450 4.2.0 <{rcpt}>: Recipient address rejected: Greylisted'")
    return Reply(int(found["code"]), found["dsn"], found["text"])


@dataclass(slots=True)
class InjectedReply:
    """One forced reply on one host, with what is left of its lifetime."""

    stage: str
    reply: Reply
    remaining: int | None  # None: no limit on the count
    until: float | None  # None: no end time
    rcpt: str | None  # only for this recipient (rcpt stage)

    def take(self, stage: str, now: float, rcpt: str | None) -> Reply | None:
        """The reply, if this fault answers now; each answer uses up one of its count."""
        if stage != self.stage or (self.until is not None and now >= self.until):
            return None
        if self.remaining is not None and self.remaining <= 0:
            return None
        if self.rcpt is not None and (rcpt or "").lower() != self.rcpt.lower():
            return None
        if self.remaining is not None:
            self.remaining -= 1
        return self.reply.with_text(self.reply.text.replace("{rcpt}", rcpt or ""))
