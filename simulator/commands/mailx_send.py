"""Heirloom mailx sending a message (collect.c, sendout.c of mailx 12.5).

The body is read from the terminal: at a terminal (``interactive``) a line holding only
``.`` ends it when ``dot`` is set, and mailx then prints ``EOT``. The headers are
puthead()'s: Date:, [From: when -r or ``from`` is set], To:, Subject:, then Cc: and Bcc:
(after Subject: under ``bsdcompat``), User-Agent:, MIME-Version:, Content-Type:,
Content-Transfer-Encoding:. The recipients, sorted and without duplicates (names.c
elide()), are given to ``sendmail -i``.
"""

from __future__ import annotations

from email.header import Header
from email.utils import getaddresses

from . import CommandResult, Invocation, find

VERSION = "12.5 7/5/10"  # what RHEL/CentOS 7's mailx-12.5 reports


def send_mail(inv: Invocation, opts: dict[str, str], args: list[str],
              rc: dict[str, str]) -> CommandResult:
    lines = inv.stdin.splitlines()
    shown: list[str] = []  # what the terminal shows: prompts, echoed typing, messages
    subject = opts.get("s")
    if subject is None and ("ask" in rc or "asksub" in rc):
        typed = lines.pop(0) if lines else ""
        shown.append(f"Subject: {typed}")
        subject = typed
    body = _collect(lines, rc, shown)
    if not body:
        shown.append("Null message body; hope that's ok" if subject
                     and ("bsdcompat" in rc or "bsdmsgs" in rc) else
                     "No message, no subject; hope that's ok" if not subject else "")
        shown = [x for x in shown if x]
    to, cc, bcc = _names(args), _names([opts.get("c", "")]), _names([opts.get("b", "")])
    recipients = _elide(bcc + to + cc)
    text = _headers(inv, opts, rc, subject, to, cc, bcc, body) + "\n" + _octets(body)
    handler = find("sendmail")
    argv = ["send-mail", "-i", *(["-r", opts["r"]] if "r" in opts else []), *recipients]
    if handler is None:
        shown.append("/usr/sbin/sendmail: No such file or directory\n. . . message not sent.")
        return CommandResult("\n".join(shown) + "\n", 1)
    result = handler(Invocation(inv.host, inv.user, argv, text, inv.line, inv.msg))
    return CommandResult("\n".join(shown) + "\n" + result.output, 0)


def _collect(lines: list[str], rc: dict[str, str], shown: list[str]) -> str:
    """collect.c: body lines up to a lone "." (with ``dot``) or the end of input."""
    body: list[str] = []
    for line in lines:
        shown.append(line)  # the terminal echoes what the student types
        if (line == "." and ("dot" in rc or "ignoreeof" in rc)) or line == "~.":
            break  # "~." is the tilde escape that ends the message
        body.append(line)
    shown.append("EOT")  # mail1(): printed at a terminal once the body is collected
    return "".join(line + "\n" for line in body)


def _names(values: list[str]) -> list[str]:
    """extract(): addresses separated by commas or blanks."""
    out = []
    for value in values:
        for name, addr in getaddresses([value.replace(" ", ",")] if "<" not in value else [value]):
            if addr:
                out.append(addr if not name else f"{name} <{addr}>")
    return out


def _bare(name: str) -> str:
    return getaddresses([name])[0][1] or name


def _elide(names: list[str]) -> list[str]:
    """names.c elide(): sorted ignoring case, duplicates dropped."""
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(_bare(name).lower(), _bare(name))
    return [seen[k] for k in sorted(seen)]


def _headers(inv: Invocation, opts: dict[str, str], rc: dict[str, str], subject: str | None,
             to: list[str], cc: list[str], bcc: list[str], body: str) -> str:
    clock = inv.host.world.engine.clock
    out = [f"Date: {clock.at(inv.host.world.engine.now).strftime('%a, %d %b %Y %H:%M:%S %z')}"]
    sender = opts.get("r") or rc.get("from")
    if sender:
        out.append(_fmt("From:", [sender]))
    if to:
        out.append(_fmt("To:", to))
    bsd = "bsdcompat" in rc or "bsdorder" in rc
    copies = [_fmt(h, v) for h, v in (("Cc:", cc), ("Bcc:", bcc)) if v]
    if not bsd:
        out += copies
    if subject is not None:
        out.append(f"Subject: {_header_text(subject)}")
    if bsd:
        out += copies
    charset, encoding = _charset(body)
    out += [f"User-Agent: Heirloom mailx {VERSION}", "MIME-Version: 1.0",
            f"Content-Type: text/plain; charset={charset}",
            f"Content-Transfer-Encoding: {encoding}"]
    return "\n".join(out) + "\n"


def _fmt(label: str, names: list[str]) -> str:
    """sendout.c fmt(): comma-separated, a new line (one blank) past column 72."""
    text, col = label, len(label)
    for i, name in enumerate(names):
        comma = 1 if i < len(names) - 1 else 0
        col += 1
        if i and col + len(name) + comma > 72:
            text += "\n "
            col = 1
        else:
            text += " "
        text += name + ("," if comma else "")
        col += len(name) + comma
    return text


def _charset(body: str) -> tuple[str, str]:
    """us-ascii/7bit, or the first of ``sendcharsets`` that can carry the text/8bit."""
    if body.isascii():
        return "us-ascii", "7bit"
    try:
        body.encode("iso-8859-1")
        return "iso-8859-1", "8bit"
    except UnicodeEncodeError:
        return "utf-8", "8bit"


def _octets(body: str) -> str:
    """The body as the octets of the charset its Content-Type names, carried in a str as
    surrogate escapes (sendmail.read_message turns them back into those very bytes)."""
    charset = _charset(body)[0]
    if charset != "iso-8859-1":
        return body  # us-ascii and utf-8 are what the str already encodes to
    return body.encode("iso-8859-1").decode("utf-8", "surrogateescape")


def _header_text(text: str) -> str:
    """Non-ASCII header text as RFC 2047 encoded words (mime.c mime_write_tohdr())."""
    if text.isascii():
        return text
    charset = "iso-8859-1" if _charset(text)[0] == "iso-8859-1" else "utf-8"
    # SIMPLIFICATION: mailx chooses Q or B per word and folds at column 76; this encodes the
    # whole text in B words, which every reader decodes the same way.
    return Header(text, charset).encode()
