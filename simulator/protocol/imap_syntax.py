"""IMAP4rev1 syntax (RFC 3501 §9): command arguments, sequence sets, and the data items
a server writes (quoted strings, literals, ENVELOPE, INTERNALDATE).

Parsing follows Dovecot's lib-imap/imap-parser.c closely enough for the commands the
simulation models: atoms, quoted strings and parenthesised lists; a fetch attribute
such as ``BODY.PEEK[HEADER.FIELDS (FROM)]`` is one atom, brackets included.
"""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import getaddresses
from typing import Union

Arg = Union[str, "Quoted", list["Arg"]]

# RFC 3501 §9: atom-specials are ( ) { SP CTL % * " \ ]
_ATOM_SPECIALS = set('(){ %*"\\]') | {chr(i) for i in range(32)} | {"\x7f"}


class Quoted(str):
    """A quoted string argument (an astring, never an atom such as a flag)."""


class SyntaxProblem(ValueError):
    """The line cannot be parsed; the message is Dovecot's client error text."""


def is_atom(text: str) -> bool:
    return bool(text) and not any(c in _ATOM_SPECIALS for c in text)


def is_tag(text: str) -> bool:
    """RFC 3501 tag: 1*<any ASTRING-CHAR except "+">."""
    return bool(text) and "+" not in text and all(c == "]" or c not in _ATOM_SPECIALS
                                                  for c in text)


def parse_args(text: str) -> list[Arg]:
    """The arguments after the command name."""
    args, rest = _parse_list(text.lstrip(" "), closing=False)
    if rest:
        raise SyntaxProblem("Unexpected ')'")
    return args


def _parse_list(text: str, closing: bool) -> tuple[list[Arg], str]:
    out: list[Arg] = []
    while text:
        c = text[0]
        if c == " ":
            text = text[1:]
        elif c == ")":
            if not closing:
                return out, text
            return out, text[1:]
        elif c == "(":
            inner, text = _parse_list(text[1:], closing=True)
            out.append(inner)
        elif c == '"':
            quoted, text = _quoted(text)
            out.append(quoted)
        elif c == "{":
            raise SyntaxProblem("Literals are not modelled")
        else:
            atom, text = _atom(text)
            out.append(atom)
    if closing:
        raise SyntaxProblem("Missing ')'")
    return out, ""


def _quoted(text: str) -> tuple[Quoted, str]:
    value, i = [], 1
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            value.append(text[i + 1])
            i += 2
        elif c == '"':
            return Quoted("".join(value)), text[i + 1:]
        else:
            value.append(c)
            i += 1
    raise SyntaxProblem("Missing '\"'")


def _atom(text: str) -> tuple[str, str]:
    """An atom; a [...] section may hold spaces and parentheses (fetch attributes)."""
    i, depth = 0, 0
    while i < len(text):
        c = text[i]
        if c == "[":
            depth += 1
        elif c == "]" and depth:
            depth -= 1
        elif depth == 0 and (c in " ()" or c == '"'):
            break
        i += 1
    return text[:i], text[i:]


# --- sequence sets (RFC 3501 §9 sequence-set; Dovecot imap-seqset.c) -----------------------
_SEQ = re.compile(r"(\*|[1-9][0-9]*)(?::(\*|[1-9][0-9]*))?")


def parse_seqset(text: str) -> list[tuple[int | None, int | None]]:
    """Ranges of a sequence set; None stands for "*". ValueError when malformed."""
    ranges = []
    for part in text.split(","):
        m = _SEQ.fullmatch(part)
        if m is None:
            raise ValueError(text)
        low = None if m.group(1) == "*" else int(m.group(1))
        high = low if m.group(2) is None else (None if m.group(2) == "*" else int(m.group(2)))
        ranges.append((low, high))
    return ranges


def expand(ranges: list[tuple[int | None, int | None]], star: int) -> set[int]:
    """The numbers a set names, "*" being ``star`` (n:m and m:n are the same, §9)."""
    out: set[int] = set()
    for low, high in ranges:
        a, b = star if low is None else low, star if high is None else high
        out.update(range(min(a, b), max(a, b) + 1))
    return out


def seqset_in_range(ranges: list[tuple[int | None, int | None]], count: int) -> bool:
    """Dovecot's msgset_is_valid(): no set is valid in an empty mailbox, and the last
    range may not reach past the last message."""
    if count == 0:
        return False
    inf = float("inf")
    # imap_seq_set_parse() stores each range as low <= high, "*" being the largest number,
    # in a sorted array: the range checked is the one that reaches highest
    norm = [(min(a, b), max(a, b)) for a, b in
            ((inf if lo is None else lo, inf if hi is None else hi) for lo, hi in ranges)]
    low, high = max(norm, key=lambda r: (r[1], r[0]))
    if high == inf:
        return low == inf or low <= count
    return high <= count


# --- writing data items ------------------------------------------------------------------
def astring(value: str) -> str:
    """How a client writes a string argument: an atom if it can be one, else quoted."""
    return value if is_atom(value) else quote(value)


def quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def nstring(value: str | None) -> str:
    """NIL, a quoted string, or a literal for text a quoted string cannot carry."""
    if value is None:
        return "NIL"
    if "\r" in value or "\n" in value or not value.isascii():
        raw = value.encode("utf-8", "surrogateescape")
        return f"{{{len(raw)}}}\r\n{value}"
    return quote(value)


def envelope(header: dict[str, str | None]) -> str:
    """RFC 3501 §7.4.2 ENVELOPE; Sender and Reply-To default to From."""
    frm = header.get("from")
    parts = [nstring(header.get("date")), nstring(header.get("subject")),
             _addresses(frm), _addresses(header.get("sender") or frm),
             _addresses(header.get("reply-to") or frm), _addresses(header.get("to")),
             _addresses(header.get("cc")), _addresses(header.get("bcc")),
             nstring(header.get("in-reply-to")), nstring(header.get("message-id"))]
    return "(" + " ".join(parts) + ")"


def _addresses(value: str | None) -> str:
    if not value:
        return "NIL"
    items = []
    for name, addr in getaddresses([value]):
        if not addr:
            continue
        mailbox, _, host = addr.partition("@")
        items.append(f"({nstring(name or None)} NIL {nstring(mailbox)} "
                     f"{nstring(host) if host else 'NIL'})")
    return "(" + "".join(items) + ")" if items else "NIL"


def internal_date(moment: datetime) -> str:
    """RFC 3501 date-time: ``01-Apr-2026 09:00:01 +0900``."""
    return moment.strftime("%d-%b-%Y %H:%M:%S %z")
