"""E-mail addresses as the envelope carries them (RFC 5321 §4.1.2 Mailbox = Local-part "@" Domain).

Models only what mail routing needs: the local part is kept as written (RFC 5321 §2.4: it
is case-sensitive to everybody but its final host), the domain is folded to lower case.
The null sender "" (RFC 5321 §4.5.5, used by bounces) is a valid envelope sender.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Address:
    local: str
    domain: str

    @classmethod
    def parse(cls, text: str) -> Address:
        """Parse ``user@domain`` or ``<user@domain>``; raise ValueError with what was expected."""
        raw = text.strip()
        if raw.startswith("<") and raw.endswith(">"):
            raw = raw[1:-1]
        local, sep, domain = raw.rpartition("@")
        if not sep or not local or not domain or " " in raw or "." not in domain.strip("."):
            raise ValueError(f"expected an address like user@example.com (got {text!r})")
        return cls(local, domain.lower().rstrip("."))

    def __str__(self) -> str:
        return f"{self.local}@{self.domain}"


def domain_of(address: str) -> str:
    """The lower-cased domain of an envelope address ('' for the null sender)."""
    return address.rpartition("@")[2].lower()


def local_of(address: str) -> str:
    return address.rpartition("@")[0] if "@" in address else address
