"""The parts of a fake SmtpPolicy every dialogue test shares: a server that accepts.

Test fakes subclass ``AcceptingPolicy`` and override only the decisions they test.
"""

from __future__ import annotations

from simulator.model.status import S250_QUEUED, Reply
from simulator.protocol.smtp import SmtpSession


class AcceptingPolicy:
    """Greets as ``host``, needs no HELO, takes every sender, recipient and message."""

    host = "mx.example.org"
    users: dict[str, str]

    def banner(self) -> str:
        return f"{self.host} ESMTP Postfix"

    def hostname(self) -> str:
        return self.host

    def helo_required(self) -> bool:
        return False

    def vrfy_enabled(self) -> bool:
        return True

    def authenticate(self, session: SmtpSession, user: str, password: str) -> bool:
        return self.users.get(user) == password

    def check_connect(self, session: SmtpSession) -> Reply | None:
        return None

    def check_helo(self, session: SmtpSession, name: str) -> Reply | None:
        return None

    def check_mail(self, session: SmtpSession, sender: str) -> Reply | None:
        return None

    def check_data(self, session: SmtpSession) -> Reply | None:
        return None

    def check_rcpt(self, session: SmtpSession, recipient: str) -> Reply | None:
        return None

    def end_of_data(self, session: SmtpSession, data: bytes) -> Reply:
        return S250_QUEUED.with_text(S250_QUEUED.text.format(session.queue_id))

    def on_reject(self, session: SmtpSession, stage: str, reply: Reply, arg: str) -> None:
        pass
