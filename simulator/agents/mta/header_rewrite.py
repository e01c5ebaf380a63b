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

from functools import lru_cache
from typing import TYPE_CHECKING

from ...model import rawmsg

if TYPE_CHECKING:
    from .params import MainCf

# header_opts.c: HDR_OPT_SENDER and HDR_OPT_RECIP headers
ADDRESS_HEADERS = {"from", "sender", "reply-to", "errors-to", "return-receipt-to",
                   "resent-from", "resent-sender", "resent-reply-to", "to", "cc", "bcc",
                   "apparently-to", "resent-to", "resent-cc", "resent-bcc"}


_fields = rawmsg.fields


def _name(field: bytes) -> str:
    return field.split(b":", 1)[0].strip().decode("ascii", "replace")


def drop_headers(content: bytes, cf: MainCf) -> tuple[bytes, list[str]]:
    """Remove the message_drop_headers; the message and the names removed."""
    drop, needles = _drop_set(cf["message_drop_headers"])
    block, rest = rawmsg.split(content)
    lower = b"\n" + block.lower()
    if not any(needle in lower for needle in needles):
        return content, []  # the usual case: one scan, no copy
    kept: list[bytes] = []
    gone: list[bytes] = []
    for field in _fields(block):
        (gone if _name(field).lower() in drop else kept).append(field)
    return b"".join(kept) + rest, [_name(f) for f in gone]


@lru_cache(maxsize=8)
def _drop_set(value: str) -> tuple[frozenset[str], tuple[bytes, ...]]:
    names = frozenset(n.lower() for n in value.replace(",", " ").split())
    return names, tuple(f"\n{n}:".encode() for n in sorted(names))


def rewrite_local(content: bytes, cf: MainCf) -> tuple[bytes, list[str]]:
    """append_at_myorigin in address headers; the message and the headers rewritten."""
    origin = cf["myorigin"]
    block, rest = rawmsg.split(content)
    fields, changed = _fields(block), []
    for i, field in enumerate(fields):
        name = _name(field)
        if name.lower() not in ADDRESS_HEADERS:
            continue
        value = field.split(b":", 1)[1].decode("utf-8", "surrogateescape")
        items = split_addresses(value)
        rewritten = [_qualify(item, origin) for item in items]
        if rewritten != items:
            fields[i] = f"{name}: {fold(name, rewritten)}\n".encode("utf-8", "surrogateescape")
            changed.append(name)
    return (b"".join(fields) + rest if changed else content), changed


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
