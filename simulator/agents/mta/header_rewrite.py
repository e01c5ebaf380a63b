"""cleanup(8)'s header work: dropped headers and address rewriting in message headers.

``message_drop_headers`` (default ``bcc, content-length, resent-bcc, return-path``) are
removed from every message (cleanup.c). In the *local* rewriting context (local
submission, or an SMTP client allowed by ``local_header_rewrite_clients``) the addresses
in sender and recipient headers are rewritten like envelope addresses: a bare ``yuki``
becomes ``yuki@$myorigin`` (append_at_myorigin; cleanup_message.c cleanup_rewrite_sender()
and cleanup_rewrite_recip(), header_opts.c for which headers). A rewritten list is
written one address per line and folded back (cleanup_fold_header()): lines are joined
with a space while they stay under 70 characters, continuation lines start with a TAB.
"""

from __future__ import annotations

from email.message import EmailMessage
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .params import MainCf

# header_opts.c: HDR_OPT_SENDER and HDR_OPT_RECIP headers
ADDRESS_HEADERS = {"from", "sender", "reply-to", "errors-to", "return-receipt-to",
                   "resent-from", "resent-sender", "resent-reply-to", "to", "cc", "bcc",
                   "apparently-to", "resent-to", "resent-cc", "resent-bcc"}


def drop_headers(content: EmailMessage, cf: "MainCf") -> list[str]:
    """Remove the message_drop_headers; the names removed."""
    drop = {name.lower() for name in cf.list("message_drop_headers")}
    headers = content._headers  # type: ignore[attr-defined]
    gone = [name for name, _ in headers if name.lower() in drop]
    content._headers = [(n, v) for n, v in headers if n.lower() not in drop]  # type: ignore[attr-defined]
    return gone


def rewrite_local(content: EmailMessage, cf: "MainCf") -> list[str]:
    """append_at_myorigin in address headers; the names of the headers rewritten."""
    origin = cf["myorigin"]
    headers = content._headers  # type: ignore[attr-defined]
    changed = []
    for i, (name, value) in enumerate(headers):
        if name.lower() not in ADDRESS_HEADERS:
            continue
        items = split_addresses(str(value))
        rewritten = [_qualify(item, origin) for item in items]
        if rewritten != items:
            headers[i] = (name, fold(name, rewritten))
            changed.append(name)
    return changed


def split_addresses(value: str) -> list[str]:
    """The comma-separated items of an address list, quotes, <> and comments respected."""
    items: list[str] = []
    current: list[str] = []
    depth, quoted, angle = 0, False, False
    for c in " ".join(value.split()):
        if c == '"' and depth == 0:
            quoted = not quoted
        elif not quoted and c == "(":
            depth += 1
        elif not quoted and c == ")" and depth:
            depth -= 1
        elif not quoted and depth == 0 and c in "<>":
            angle = c == "<"
        elif c == "," and not (quoted or depth or angle):
            items.append("".join(current).strip())
            current = []
            continue
        current.append(c)
    items.append("".join(current).strip())
    return [item for item in items if item]


def _qualify(item: str, origin: str) -> str:
    if item.endswith(";") or ":" in item.split("<", 1)[0]:
        return item  # a group (undisclosed-recipients:;) has no address to rewrite
    if "<" in item and item.rstrip().endswith(">"):
        phrase, _, addr = item.rpartition("<")
        addr = addr[:-1].strip()
        return f"{phrase}<{addr}@{origin}>" if addr and "@" not in addr else item
    bare, _, comment = item.partition("(")
    bare = bare.strip()
    if not bare or "@" in bare or " " in bare:
        return item
    return f"{bare}@{origin}" + (f" ({comment}" if comment else "")


def fold(name: str, items: list[str]) -> str:
    """cleanup_fold_header(): one address per line, lines joined while under 70."""
    lines = [item + ("," if i < len(items) - 1 else "") for i, item in enumerate(items)]
    out, current = [], f"{name}: {lines[0]}"
    for line in lines[1:]:
        if len(current) + 1 + len(line) < 70:
            current += " " + line
        else:
            out.append(current)
            current = line
    out.append(current)
    return "\n\t".join(out)[len(name) + 2:]
