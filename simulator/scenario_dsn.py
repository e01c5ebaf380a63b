"""The ``dsn:`` key of a scenario message: the DSN request (RFC 3461) a mail client sends
with MAIL FROM and RCPT TO, as Thunderbird's "Delivery Status Notification" option does.

    messages:
      - {id: m1, client: pc, from: alice@example.net, to: [bob@example.org],
         dsn: {notify: "success,failure", ret: hdrs, envid: QQ314159}}

``notify`` is NEVER, or some of SUCCESS, FAILURE, DELAY (any case, comma-separated);
``ret`` FULL or HDRS; ``envid`` printable ASCII, at most 100 characters (sendmail.c's
limit for -V). A bad value is refused before the run, naming the file, line and field.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, field_validator

from .protocol.smtp_dsn import notify_mask


class DsnSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    notify: str | None = None
    ret: str | None = None
    envid: str | None = None

    @field_validator("notify")
    @classmethod
    def _notify(cls, value: str | None) -> str | None:
        if value is not None and not notify_mask(value):
            raise ValueError("expected NEVER, or some of SUCCESS, FAILURE, DELAY separated by "
                             "commas (RFC 3461 NOTIFY)")
        return value

    @field_validator("ret")
    @classmethod
    def _ret(cls, value: str | None) -> str | None:
        if value is not None and value.upper() not in ("FULL", "HDRS"):
            raise ValueError("expected full or hdrs (RFC 3461 RET)")
        return value.upper() if value else None

    @field_validator("envid")
    @classmethod
    def _envid(cls, value: str | None) -> str | None:
        if value is not None and not (0 < len(value) <= 100
                                      and all(32 < ord(c) < 127 for c in value)):
            raise ValueError("expected 1 to 100 printable ASCII characters without spaces "
                             "(RFC 3461 ENVID)")
        return value

    def mask(self) -> int:
        """The NOTIFY bits (0: not requested)."""
        return notify_mask(self.notify) if self.notify else 0
