"""``telnet HOST PORT`` and ``nc HOST PORT``: talking SMTP to a server by hand.

A thin wrapper around agents/typed_smtp.py. What the user types comes from the scenario's
``session:`` (typed line by line, each after the previous reply, with pauses), or from
standard input: telnet reads stdin as typed lines (the shell feeds it what the student
types); nc's stdin is a pipe (``printf 'EHLO x\\n...' | nc HOST 25``), sent all at once.
"""

from __future__ import annotations

from ..agents.typed_smtp import talk_smtp
from . import CommandResult, Invocation, command

TELNET_USAGE = "Usage: telnet [-4] [-6] [-8] [-E] [-L] [-a] [-d] [-e char] [-l user]\n" \
               "\t[-n tracefile] [ -b addr ] [-r] [host-name [port]]\n"
NC_USAGE = "usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]\n" \
           "\t  [-m minttl] [-O length] [-P proxy_username] [-p source_port]\n" \
           "\t  [-q seconds] [-s sourceaddr] [-T keyword] [-V rtable] [-W recvlimit]\n" \
           "\t  [-w timeout] [-X proxy_protocol] [-x proxy_address] [destination] [port]\n"
SERVICES = {"smtp": 25, "submission": 587, "submissions": 465, "pop3": 110, "imap2": 143,
            "imap": 143}


def _port(text: str) -> int | None:
    if text.isdigit() and 0 < int(text) < 65536:
        return int(text)
    return SERVICES.get(text)


def _typed(inv: Invocation) -> list[object]:
    if inv.typed is not None:
        return list(inv.typed)
    return [line.rstrip("\r") for line in inv.stdin.splitlines()]


@command("telnet", "/usr/bin/telnet")
def telnet(inv: Invocation) -> CommandResult:
    args = inv.argv[1:]
    if len(args) != 2 or args[0].startswith("-"):
        # SIMPLIFICATION: telnet without a host (its own command mode) and options are not
        # modelled; it prints its usage instead
        return CommandResult(TELNET_USAGE, 1)
    port = _port(args[1])
    if port is None:
        return CommandResult(f"telnet: could not resolve {args[0]}/{args[1]}: "
                             "Servname not supported for ai_socktype\n", 1)
    done = talk_smtp(inv.host, args[0], port, _typed(inv), "telnet",  # type: ignore[arg-type]
                     piped=False, msg=inv.msg)
    return CommandResult(done.text, done.status)


@command("nc", "/usr/bin/nc", "netcat", "/bin/nc")
def nc(inv: Invocation) -> CommandResult:
    args = [a for a in inv.argv[1:] if a != "-C"]
    if len(args) != 2 or args[0].startswith("-"):
        return CommandResult(NC_USAGE, 1)
    port = _port(args[1])
    if port is None:
        return CommandResult(f"nc: port number invalid: {args[1]}\n", 1)
    piped = inv.typed is None
    done = talk_smtp(inv.host, args[0], port, _typed(inv), "nc",  # type: ignore[arg-type]
                     piped=piped, msg=inv.msg)
    return CommandResult(done.text, done.status)
