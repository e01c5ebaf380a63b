"""sendmail(1), Postfix's Sendmail-compatible interface: submit a message, or act as
mailq (-bp), newaliases (-bi, -I), verify (-bv) or flush the queue (-q).

Submission reads the message from standard input (a line with a single "." ends it unless
-i/-oi), takes recipients from the command line or, with -t, from To:/Cc:/Bcc: (Bcc: is then
removed), and posts it through postdrop to pickup (agents/mta/pickup.py). Errors read as
Postfix's (sendmail.c), e.g. ``sendmail: fatal: alice(1000): Recipient addresses must be
specified on the command line or via the -t option``; exit status 64 (EX_USAGE).
"""

from __future__ import annotations

from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy

from ..agents.mta.pickup import Dropped
from ..agents.mta.queue import Dsn
from ..model import tok822
from ..model.message import to_bytes
from ..protocol.smtp_dsn import notify_mask
from . import CommandResult, Invocation, command, find

EX_USAGE = 64
_FLAG_WITH_VALUE = {"-f", "-F", "-o", "-r", "-N", "-R", "-V"}


@command("sendmail", "/usr/sbin/sendmail", "/usr/lib/sendmail")
def sendmail(inv: Invocation) -> CommandResult:
    args = inv.argv[1:]
    if inv.host.mta is not None and inv.host.mta.family == "qmail":
        from .qmail import qmail_sendmail  # qmail's own wrapper (its options differ)

        answer = qmail_sendmail(inv, args)
        if isinstance(answer, CommandResult):
            return answer
    mode = _mode(args)
    if mode is not None:
        return mode(inv, args)
    return enqueue(inv, args)


def _mode(args: list[str]):  # type: ignore[no-untyped-def]
    """The non-delivery modes, delegated to the programs that implement them."""
    if "-bp" in args:
        return lambda inv, _: _delegate(inv, ["mailq"])
    if "-bi" in args or "-I" in args:
        return lambda inv, _: _delegate(inv, ["newaliases"])
    if "-q" in args:
        return lambda inv, _: _delegate(inv, ["postqueue", "-f"])
    for arg in args:  # sendmail.c: -qRsite flushes a site, -qIqueueid one message
        if arg.startswith("-qR") and len(arg) > 3:
            return lambda inv, _, site=arg[3:]: _delegate(inv, ["postqueue", "-s", site])
        if arg.startswith("-qI") and len(arg) > 3:
            return lambda inv, _, qid=arg[3:]: _delegate(inv, ["postqueue", "-i", qid])
    if "-bv" in args:
        return lambda inv, a: _delegate(inv, ["sendmail-bv", *[x for x in a if x != "-bv"]])
    return None


def _delegate(inv: Invocation, argv: list[str]) -> CommandResult:
    handler = find(argv[0])
    if handler is None:
        return CommandResult(f"sendmail: fatal: {inv.user.name}({inv.user.uid}): "
                             f"{argv[0]} is not available on this host\n", 69)
    return handler(Invocation(inv.host, inv.user, argv, inv.stdin, inv.line, inv.msg))


def parse_options(args: list[str]) -> tuple[dict[str, str], list[str]]:
    """sendmail's options and the recipients after them (-oi counts as -i)."""
    opts: dict[str, str] = {}
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in _FLAG_WITH_VALUE and i + 1 < len(args):
            opts[arg] = args[i + 1]
            i += 2
            continue
        if arg.startswith(("-f", "-F", "-r", "-N", "-R", "-V")) and len(arg) > 2:
            opts[arg[:2]] = arg[2:]
        elif arg in ("-oi", "-i"):
            opts["-i"] = ""
        elif arg.startswith("-"):
            opts[arg] = ""
        else:
            rest.append(arg)
        i += 1
    return opts, rest


def read_message(stdin: str, ignore_dots: bool) -> EmailMessage:
    """The message on standard input; without -i a lone "." line ends it (sendmail(1))."""
    lines = stdin.splitlines()
    if not ignore_dots and "." in lines:
        lines = lines[: lines.index(".")]
    text = "\n".join(lines) + "\n"
    first = lines[0] if lines else ""
    if not first or ":" not in first.split(" ", 1)[0]:
        text = "\n" + text  # no header block: it is all body
    # sendmail(1) reads octets: 8-bit text passes through as it was typed (8BITMIME), so
    # the message is parsed from bytes (text that came as bytes in another charset was
    # carried here as surrogate escapes, see mailx_send._octets).
    msg = BytesParser(policy=default_policy).parsebytes(text.encode("utf-8", "surrogateescape"))
    assert isinstance(msg, EmailMessage)
    return msg


def enqueue(inv: Invocation, args: list[str]) -> CommandResult:
    opts, recipients = parse_options(args)
    who = f"{inv.user.name}({inv.user.uid})"
    mta = inv.host.mta
    if mta is None:
        return CommandResult(f"sendmail: fatal: {who}: no mail system on this host\n", 69)
    # qmail-inject never takes a lone "." as the end ("-i: what an absurd concept")
    content = read_message(inv.stdin, "-i" in opts or mta.family == "qmail")
    if "-t" in opts:
        recipients += _header_recipients(content)
        del content["Bcc"]  # cleanup removes Bcc: when recipients come from headers
    if not recipients:
        why = ("No recipient addresses found in message header" if "-t" in opts else
               "Recipient addresses must be specified on the command line or via the -t option")
        return CommandResult(f"sendmail: fatal: {who}: {why}\n", EX_USAGE)
    sender = opts.get("-f", opts.get("-r", inv.user.name))
    full_name = opts.get("-F", inv.user.full_name)
    key = inv.msg or inv.host.world.new_key("cmd")
    dsn, warnings = dsn_options(opts, len(recipients))
    mta.pickup.postdrop(Dropped(inv.user, sender, tuple(recipients), to_bytes(content), key,
                                full_name, dsn=dsn))
    for text in warnings:  # msg_warn() goes to stderr and to the mail log
        inv.host.log("postfix/sendmail", f"warning: {text}", fresh=True)
    return CommandResult("".join(f"sendmail: warning: {t}\n" for t in warnings), 0)


def dsn_options(opts: dict[str, str], count: int) -> tuple[Dsn, list[str]]:
    """-N never|success,delay,failure, -R full|hdrs and -V envid (sendmail.c): a bad value
    is warned about and ignored, never fatal."""
    warnings = []
    notify = notify_mask(opts["-N"]) if "-N" in opts else 0
    if "-N" in opts and not notify:
        warnings.append("bad -N option value -- ignored")
    ret = opts.get("-R", "").upper() or None
    if ret is not None and ret not in ("FULL", "HDRS"):
        warnings.append("bad -R option value -- ignored")
        ret = None
    envid = opts.get("-V")
    if envid is not None and len(envid) > 100:
        warnings.append("too long -V option value -- ignored")
        envid = None
    elif envid is not None and not all(32 <= ord(c) < 127 for c in envid):
        warnings.append("bad syntax in -V option value -- ignored")
        envid = None
    return Dsn(ret, envid, [notify] * count), warnings


def _header_recipients(content: EmailMessage) -> list[str]:
    """sendmail -t: the addresses of To:, Cc: and Bcc:, tokenized as cleanup(8) does
    (cleanup_message.c: tok822_parse() of the raw header value, address groups only)."""
    values = [value for name, value in content.raw_items()
              if name.lower() in ("to", "cc", "bcc")]
    return [addr for value in values for addr in tok822.addresses(str(value)) if addr]
