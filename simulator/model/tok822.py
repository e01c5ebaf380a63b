"""RFC 822 address tokens as Postfix reads aliases(5), ~/.forward and :include: files.

Models Postfix's global/tok822_parse.c: the scanner (atoms, "quoted strings", (comments),
[domain literals] and one-character operators, where Postfix adds ``|``, ``%`` and ``!`` to
the RFC 822 specials), the right-to-left parser that groups tokens into addresses and
inserts the commas a writer left out (so ``alice bob`` is two addresses), and the two ways
back to text: *internal* (unquoted, what local(8) delivers to) and *external* (quoted,
what postalias(1) stores as an alias value).

Consequences a learner meets: ``|/usr/bin/vacation alice`` without quotes is two
destinations (a command and the user alice); a backslash only quotes the next character,
so ``\\sakura`` is the plain address ``sakura`` (local(8) recipient.c: "this code
currently does not work due to revision of the RFC822 address parser").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise

# lex_822.h LEX_822_SPECIALS, plus Postfix's extra operators (tok822_parse.c tok822_opchar)
SPECIALS = '()<>@,;:\\".[]'
OPCHARS = "|%!" + SPECIALS
SPACE = " \t\r\n"

ATOM, QSTRING, COMMENT, DOMLIT, ADDR, STARTGRP = (
    "atom", "qstring", "comment", "domlit", "addr", "startgrp")
WORDS = (ATOM, QSTRING, COMMENT, DOMLIT, ADDR)  # tok822_append_space()'s NON_OPERATOR


@dataclass(eq=False)
class Token:
    """One token; an ``addr`` token holds its members in ``children``."""

    type: str  # one of the names above, or the operator character itself
    text: str = ""
    children: list[Token] = field(default_factory=list)
    prev: Token | None = field(default=None, repr=False)
    next: Token | None = field(default=None, repr=False)
    grouped: bool = False  # inside an address group: no spaces between its tokens

    def __iter__(self) -> Iterator[Token]:
        tp: Token | None = self
        while tp is not None:
            yield tp
            tp = tp.next


def _collect(s: str, i: int, stop: str, atom: bool) -> tuple[str, int]:
    """COLLECT: characters up to a stop character; a backslash takes the next character
    literally (and is itself dropped); white space becomes one blank."""
    out = []
    while i < len(s):
        c = s[i]
        if c == "\\":
            i += 1
            if i >= len(s):
                break
            c = s[i]
        elif (atom and (c in SPACE or c in OPCHARS)) or (not atom and c == stop):
            break
        out.append(" " if c in SPACE else c)
        i += 1
    return "".join(out), i


def _comment(s: str, i: int) -> tuple[str, int]:
    """A (comment), kept in external form with its parentheses; comments nest."""
    out, level = ["("], 1
    while i < len(s):
        c = s[i]
        out.append(c)
        i += 1
        if c == "(":
            level += 1
        elif c == ")":
            level -= 1
            if level == 0:
                break
        elif c == "\\" and i < len(s):
            out.append(s[i])
            i += 1
    return "".join(out), i


def scan(s: str) -> list[Token]:
    """tok822_scan(): the flat token list of ``s``."""
    tokens: list[Token] = []
    i = 0
    while i < len(s):
        ch = s[i]
        i += 1
        if ch in SPACE:
            continue
        if ch == "(":
            text, i = _comment(s, i)
            tokens.append(Token(COMMENT, text))
        elif ch in "[\"":
            text, i = _collect(s, i, "]" if ch == "[" else '"', atom=False)
            i += 1 if i < len(s) else 0  # skip the closing bracket or quote
            tokens.append(Token(DOMLIT if ch == "[" else QSTRING, text))
        elif ch != "\\" and ch in OPCHARS:
            tokens.append(Token(ch))
        else:
            text, i = _collect(s, i - 1, "", atom=True)
            needs_quotes = any(c == " " or ord(c) < 32 or c in OPCHARS for c in text)
            tokens.append(Token(QSTRING if needs_quotes else ATOM, text))
    return _link(tokens)


def _link(tokens: list[Token]) -> list[Token]:
    for a, b in pairwise(tokens):
        a.next, b.prev = b, a
    return tokens


def _unlink(tp: Token) -> None:
    if tp.prev is not None:
        tp.prev.next = tp.next
    if tp.next is not None:
        tp.next.prev = tp.prev
    tp.prev = tp.next = None


def _insert_before(right: Token, tp: Token) -> None:
    left = right.prev
    tp.prev, tp.next, right.prev = left, right, tp
    if left is not None:
        left.next = tp


def _group(left: Token, right: Token, comma: bool) -> Token:
    """tok822_group(): put the tokens strictly between left and right under one address
    token; with ``comma`` also insert a ',' after left (the parser's resynchronisation)."""
    first = left.next
    if left is right or first is right or first is None:
        return left
    members = []
    tp: Token | None = first
    while tp is not None and tp is not right:
        members.append(tp)
        tp = tp.next
    group = Token(ADDR, children=members)
    for m in members:
        m.grouped = True
    members[0].prev = members[-1].next = None
    left.next, group.prev, group.next, right.prev = group, left, right, group
    if comma:
        _insert_before(group, Token(","))
    return left


def parse(s: str) -> list[Token]:
    """tok822_parse(): tokens grouped into addresses, right to left, with missing commas
    added; comments are moved out of the address groups."""
    tokens = scan(s)
    head, tail = Token("\0"), Token("\0")
    if tokens:
        head.next, tokens[0].prev = tokens[0], head
        tokens[-1].next, tail.prev = tail, tokens[-1]
    else:
        head.next, tail.prev = tail, head
    _parse_linked(head, tail)
    out: list[Token] = []
    node: Token | None = head.next
    while node is not None and node is not tail:
        out.append(node)
        node = node.next
    return out


def _left(tp: Token) -> Token:
    """The token before ``tp``; the parser never walks past its left sentinel."""
    assert tp.prev is not None
    return tp.prev


def _move_comment(tp: Token, right: Token) -> Token:
    """MOVE_COMMENT_AND_CONTINUE: put a comment to the right of what was seen; return
    the token that was before it."""
    prev = _left(tp)
    _unlink(tp)
    _insert_before(right, tp)
    return prev


def _parse_linked(head: Token, tail: Token) -> None:
    do_word, do_group = True, False
    right = tail
    tp = _left(tail)
    while tp is not head:
        if tp.type == COMMENT:
            prev = _move_comment(tp, right)
            right, tp = tp, prev
            continue
        if tp.type == ";":
            right = _group(tp, right, comma=True)
            do_word, do_group = True, True
        elif tp.type == ":" and do_group:
            tp.type = STARTGRP
            _group(tp, right, comma=False)
            while tp is not head and tp.type != ",":
                tp = _left(tp)
            right = tp
            continue
        elif tp.type == ">":
            tp, right = _route_addr(tp, right, head)
            do_word = True
            continue
        elif tp.type in (ATOM, QSTRING, DOMLIT):
            if not do_word:
                comma = _group(tp, right, comma=True).next  # the inserted ','
                assert comma is not None
                right = comma
            do_word = False
        elif tp.type == ",":
            right = _group(tp, right, comma=False)
            do_word = True
        else:
            do_word = True
        tp = _left(tp)
    _group(head, right, comma=False)


def _route_addr(tp: Token, right: Token, head: Token) -> tuple[Token, Token]:
    """``phrase <route-addr>``: the tokens between < and > become the address; the phrase
    to their left is skipped, up to the previous > ; , or :."""
    right = _group(tp, right, comma=True)
    while tp is not head and tp.type != "<":
        if tp.type == COMMENT:
            prev = _move_comment(tp, right)
            right, tp = tp, prev
            continue
        tp = _left(tp)
    _group(tp, right, comma=False)
    while tp is not head and (len(tp.type) > 1 or tp.type not in ">;,:"):
        tp = _left(tp)
    return tp, tp


def _space_after(tp: Token) -> bool:
    """tok822_append_space(): a blank between two words at the top level, after a comma
    or a group start, and before '<'; never inside an address group."""
    nxt = tp.next
    if nxt is None or tp.grouped:
        return False
    if tp.type in (",", STARTGRP) or nxt.type == "<":
        return True
    return tp.type in WORDS and nxt.type in WORDS


def internalize(tokens: list[Token]) -> str:
    """tok822_internalize(): the unquoted text, as local(8) delivers to it."""
    out = []
    for tp in tokens:
        if tp.type == ADDR:
            out.append(internalize(tp.children))
        elif tp.type in (COMMENT, ATOM, QSTRING):
            out.append(tp.text)
        elif tp.type == DOMLIT:
            out.append(f"[{tp.text}]")
        elif tp.type == STARTGRP:
            out.append(":")
        else:
            out.append(tp.type)
        if _space_after(tp):
            out.append(" ")
    return "".join(out)


def _escaped(text: str, chars: str) -> str:
    return "".join("\\" + c if c in chars else c for c in text)


def externalize(tokens: list[Token]) -> str:
    """tok822_externalize(): quoted text that parses back to the same tokens; what
    postalias(1) stores as an alias value."""
    out = []
    for tp in tokens:
        if tp.type == ",":
            out.append(", ")
            continue
        if tp.type == ADDR:
            out.append(quote_local(internalize(tp.children)))
        elif tp.type in (ATOM, COMMENT):
            out.append(tp.text)
        elif tp.type == QSTRING:
            out.append('"' + _escaped(tp.text, '"\\\r\n') + '"')
        elif tp.type == DOMLIT:
            out.append("[" + _escaped(tp.text, "\\\r\n") + "]")
        elif tp.type == STARTGRP:
            out.append(":")
        else:
            out.append(tp.type)
        if _space_after(tp):
            out.append(" ")
    return "".join(out)


def quote_local(address: str) -> str:
    """quote_822_local(): quote the local part when it holds specials or blanks."""
    local, at, domain = address.rpartition("@")
    if not at:
        local, domain = address, ""
    if local and any(c in SPECIALS or c in SPACE or ord(c) < 32 for c in local) \
            and not (local.startswith('"') and local.endswith('"')):
        local = '"' + _escaped(local, '"\\') + '"'
    return local + (at + domain if at else "")


def addresses(text: str) -> list[str]:
    """The destinations in a line of an alias value or a .forward file, each in internal
    form (deliver_token_string(): only the address groups count)."""
    return [internalize(tp.children) for tp in parse(text) if tp.type == ADDR]
