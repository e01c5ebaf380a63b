"""TLS as the simulation models it: a handshake that costs round trips, then an encrypted
session (RFC 8446 TLS 1.3, RFC 5246 TLS 1.2; STARTTLS RFC 3207; implicit TLS RFC 8314).

No cryptography happens. What is modelled is what a learner can observe: which protocol
version and cipher were agreed (as Postfix logs them and writes them into Received:), how
many round trips the handshake costs, and from which line on the dialogue is encrypted.

Round trips of a full handshake, counted from the ClientHello (no session resumption, no
0-RTT early data, no TLS 1.2 False Start):

- TLS 1.3: ClientHello -> ServerHello..Finished -> the client's Finished goes out with its
  first application data: **1 RTT** before the client may speak (STARTTLS: the EHLO).
- TLS 1.2: ClientHello -> ServerHello..ServerHelloDone -> ClientKeyExchange,
  ChangeCipherSpec, Finished -> ChangeCipherSpec, Finished: **2 RTT**.
- Implicit TLS (port 465, smtpd_tls_wrappermode): the server speaks first, and Postfix
  writes its 220 greeting only once the handshake is complete on its side (SSL_accept
  returns after the client's Finished, TLS 1.3; after its own Finished, TLS 1.2), so in
  both versions the greeting reaches the client **2 RTT** after the ClientHello, 1.5 RTT
  later than on a plain connection.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

VERSIONS = ("SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")


@dataclass(frozen=True, slots=True)
class TlsSession:
    """What the handshake agreed (Postfix's TLS_SESS_STATE fields that it logs)."""

    protocol: str  # "TLSv1.3"
    cipher: str
    usebits: int
    algbits: int
    kex: str | None  # key exchange group (TLS 1.3 only: tls_get_signature_params())
    sig: str | None  # server signature algorithm (TLS 1.3 only)
    sig_bits: int
    digest: str | None

    @property
    def rtts(self) -> int:
        """Round trips before the client may send application data (module docstring)."""
        return 1 if self.protocol == "TLSv1.3" else 2

    def flights(self) -> tuple[tuple[str, str], ...]:
        """The handshake messages, (sender, names), for the transcript."""
        if self.protocol == "TLSv1.3":
            return (("C", "ClientHello"),
                    ("S", ("ServerHello, EncryptedExtensions, Certificate, CertificateVerify, "
                           "Finished")),
                    ("C", "Finished"))
        return (("C", "ClientHello"),
                ("S", "ServerHello, Certificate, ServerKeyExchange, ServerHelloDone"),
                ("C", "ClientKeyExchange, ChangeCipherSpec, Finished"),
                ("S", "ChangeCipherSpec, Finished"))

    def summary(self) -> str:
        """``TLSv1.3 with cipher X (256/256 bits) key-exchange ...`` (tls_misc.c
        tls_log_summary(): the part after the peer name)."""
        text = f"{self.protocol} with cipher {self.cipher} ({self.usebits}/{self.algbits} bits)"
        if self.kex:
            text += f" key-exchange {self.kex}"
        if self.sig:
            text += f" server-signature {self.sig} ({self.sig_bits} bits)"
            if self.digest:
                text += f" server-digest {self.digest}"
        return text

    def received_comment(self) -> list[str]:
        """The Received: comment lines of smtpd.c common_pre_message_handling() when
        smtpd_tls_received_header = yes: ``(using ...`` with the key exchange and
        signature on a continuation line that starts with a TAB and a space."""
        head = f"(using {self.protocol} with cipher {self.cipher} ({self.usebits}/{self.algbits} bits)"
        detail = ""
        if self.kex:
            detail = f" key-exchange {self.kex}"
        if self.sig:
            detail += f" server-signature {self.sig} ({self.sig_bits} bits)"
            if self.digest:
                detail += f" server-digest {self.digest}"
        lines = [head + ")"] if not detail else [head, detail.lstrip() + ")"]
        if detail:
            lines[1] = " " + lines[1]  # "\t key-exchange ..." (a TAB, then a space)
        return lines + ["(No client certificate requested)"]


# SIMPLIFICATION: every server has a 2048-bit RSA certificate and OpenSSL 3.x defaults:
# TLS 1.3 agrees TLS_AES_256_GCM_SHA384 over X25519; TLS 1.2 ECDHE-RSA-AES256-GCM-SHA384.
TLS13 = TlsSession("TLSv1.3", "TLS_AES_256_GCM_SHA384", 256, 256, "X25519", "RSA-PSS", 2048,
                   "SHA256")
TLS12 = TlsSession("TLSv1.2", "ECDHE-RSA-AES256-GCM-SHA384", 256, 256, None, None, 0, None)


def _bounds(value: str) -> tuple[int, int]:
    """The lowest and highest protocol a smtpd_tls_protocols value allows (indexes into
    VERSIONS): ">=TLSv1", "<=TLSv1.2", "!SSLv2, !TLSv1.3" (postconf(5))."""
    low, high = 0, len(VERSIONS) - 1
    excluded = set()
    for item in re.split(r"[\s,:]+", value):
        if item.startswith(">="):
            low = VERSIONS.index(item[2:])
        elif item.startswith("<="):
            high = VERSIONS.index(item[2:])
        elif item.startswith("!"):
            excluded.add(VERSIONS.index(item[1:]))
    while high in excluded and high > low:
        high -= 1
    return low, high


def check_protocols(value: str) -> str | None:
    """What is wrong with a smtpd_tls_protocols value; None when it parses."""
    for item in re.split(r"[\s,:]+", value):
        name = item[2:] if item[:2] in (">=", "<=") else item.lstrip("!")
        if item and name not in VERSIONS:
            return f"unknown TLS protocol {name!r} (expected one of: {', '.join(VERSIONS)})"
    return None


def negotiate(protocols: str) -> TlsSession | None:
    """The session a modern client (offering TLS 1.2 and 1.3) gets; None when the server
    allows neither (the handshake fails)."""
    low, high = _bounds(protocols)
    if low <= VERSIONS.index("TLSv1.3") <= high:
        return TLS13
    if low <= VERSIONS.index("TLSv1.2") <= high:
        return TLS12
    return None
