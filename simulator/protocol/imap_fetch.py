"""IMAP FETCH (RFC 3501 §6.4.5, §7.4.2) as Dovecot answers it (src/imap/imap-fetch*.c).

Items are answered in the order asked, except that the ones streamed as literals
(``BODY[...]``, ``RFC822*``) come after the others, and ``UID`` comes first in a UID FETCH
(imap_fetch_add_handler()). Fetching a body without ``.PEEK`` sets \\Seen, and the
response then carries ``FLAGS (\\Seen)`` even when FLAGS was not asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from email import message_from_bytes
from email.policy import compat32
from typing import TYPE_CHECKING, Any

from .imap_syntax import Arg, envelope

if TYPE_CHECKING:
    from .imap import ImapServer

MACROS = {"ALL": ["FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE"],
          "FAST": ["FLAGS", "INTERNALDATE", "RFC822.SIZE"]}
SIMPLE = {"FLAGS", "UID", "ENVELOPE", "INTERNALDATE", "RFC822.SIZE"}
# streamed item -> (response name, part, sets \Seen)
STREAMED = {
    "RFC822": ("RFC822", "", True), "RFC822.HEADER": ("RFC822.HEADER", "HEADER", False),
    "RFC822.TEXT": ("RFC822.TEXT", "TEXT", True),
    "BODY[]": ("BODY[]", "", True), "BODY.PEEK[]": ("BODY[]", "", False),
    "BODY[HEADER]": ("BODY[HEADER]", "HEADER", True),
    "BODY.PEEK[HEADER]": ("BODY[HEADER]", "HEADER", False),
    "BODY[TEXT]": ("BODY[TEXT]", "TEXT", True), "BODY.PEEK[TEXT]": ("BODY[TEXT]", "TEXT", False),
}
NOT_MODELLED = ("BODY", "BODYSTRUCTURE", "FULL", "BINARY", "MODSEQ", "SNIPPET", "PREVIEW",
                "SAVEDATE", "EMAILID", "THREADID")


@dataclass(frozen=True, slots=True)
class Items:
    simple: list[str]  # UID, FLAGS, ENVELOPE, INTERNALDATE, RFC822.SIZE in answer order
    streamed: list[str]
    sets_seen: bool


def parse_items(s: ImapServer, tag: str, name: str, arg: Arg) -> Items:
    """The FETCH attributes, or Refused with Dovecot's error."""
    from .imap_commands import Refused

    asked = [str(a).upper() for a in arg] if isinstance(arg, list) else [str(arg).upper()]
    if not isinstance(arg, list) and asked[0] in MACROS:
        asked = MACROS[asked[0]]
    simple = ["UID"] if name.startswith("UID ") else []
    streamed: list[str] = []
    for item in asked:
        if item in SIMPLE:
            simple += [] if item in simple else [item]
        elif item in STREAMED:
            streamed.append(item)
        elif item.split("[", 1)[0].removesuffix(".PEEK") in NOT_MODELLED or "[" in item:
            raise Refused([s.tagged(tag, f"NO [CANNOT] FETCH {item} is not modelled by "
                                         "mailsim")])
        else:
            raise Refused(s._command_error(tag, name, f"Unknown parameter {item}"))
    sets_seen = any(STREAMED[i][2] for i in streamed) and not s.readonly
    return Items(simple, streamed, sets_seen)


def flag_text(message: Any) -> str:
    order = ("\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft")
    names = [f for f in order if f in message.flags] + (["\\Recent"] if message.recent else [])
    return "(" + " ".join(names) + ")"


def fetch_lines(s: ImapServer, seq: int, message: Any, items: Items) -> list[str]:
    """One ``* n FETCH (...)`` response, split into the lines it takes on the wire."""
    seen_now = False
    if items.sets_seen and "\\Seen" not in message.flags:
        assert s.mailbox is not None
        s.mailbox.set_flags(message, message.flags | {"\\Seen"})
        seen_now = True
    wire = to_wire(message.data)
    parts = [_simple(s, item, message, wire) for item in items.simple]
    if seen_now and "FLAGS" not in items.simple:
        parts.append(f"FLAGS {flag_text(message)}")
    for item in items.streamed:
        label, part, _ = STREAMED[item]
        text = _part(wire, part)
        parts.append(f"{label} {{{len(text.encode('utf-8', 'surrogateescape'))}}}\r\n{text}")
    return f"* {seq} FETCH ({' '.join(parts)})".split("\r\n")


def _simple(s: ImapServer, item: str, message: Any, wire: str) -> str:
    if item == "UID":
        return f"UID {message.uid}"
    if item == "FLAGS":
        return f"FLAGS {flag_text(message)}"
    if item == "RFC822.SIZE":
        return f"RFC822.SIZE {len(wire.encode('utf-8', 'surrogateescape'))}"
    if item == "INTERNALDATE":
        return f'INTERNALDATE "{s.internal_date(message)}"'
    return f"ENVELOPE {envelope(header_fields(message.data))}"


def to_wire(data: bytes) -> str:
    """The message with CRLF line ends, as a literal carries it."""
    text = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if text and not text.endswith(b"\r\n"):
        text += b"\r\n"
    return text.decode("utf-8", "surrogateescape")


def _part(wire: str, part: str) -> str:
    head, sep, body = wire.partition("\r\n\r\n")
    if part == "HEADER":
        return head + "\r\n\r\n" if sep else wire
    if part == "TEXT":
        return body if sep else ""
    return wire


def header_fields(data: bytes) -> dict[str, str | None]:
    """The raw, unfolded header values ENVELOPE is built from."""
    msg = message_from_bytes(data, policy=compat32)
    out: dict[str, str | None] = {}
    for name in ("date", "subject", "from", "sender", "reply-to", "to", "cc", "bcc",
                 "in-reply-to", "message-id"):
        value = msg.get(name)
        out[name] = None if value is None else "".join(str(value).splitlines())
    return out
