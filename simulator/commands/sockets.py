"""``ss -ltnp`` (iproute2) and ``netstat -antp`` (net-tools): which ports a host listens on.

The sockets come from net/listen.py (Postfix's master for 25/587/465, as inet_interfaces
and inet_protocols say; Dovecot for 110/143; nothing for a stopped service). The layouts
are the programs' own:
- ss (misc/ss.c render()): columns sized to their widest entry, ``Local Address:`` and
  ``Peer Address:`` right-aligned, ``%-6d`` queues; a listening TCP socket shows its
  backlog as Send-Q (master listens with a backlog of default_process_limit, 100). The
  ``Process`` header is always printed, so the header ends ``Peer Address:PortProcess``.
- netstat (netstat.c tcp_do_one()): ``%-4s  %6ld %6ld %-23s %-23s %-11s`` and
  `` %-20s`` for PID/Program name; the queues of a listening socket read 0 there.

SIMPLIFICATION: ss prints as it does into a pipe (no terminal width to spread the columns
over); only TCP listeners exist (sessions last an instant, so ``-a`` adds no ESTAB lines);
UDP (-u) lists nothing.
"""

from __future__ import annotations

from ..net.listen import Listener, listeners
from . import CommandResult, Invocation, command

SERVICE_NAMES = {25: "smtp", 587: "submission", 465: "submissions", 110: "pop3", 143: "imap2"}
SS_FLAGS = set("ltnpau46H")
NETSTAT_FLAGS = set("ltnpauW")
SS_USAGE = "Usage: ss [ OPTIONS ]\n       ss [ OPTIONS ] [ FILTER ]\n"
NETSTAT_USAGE = "usage: netstat [-vWeenNcCF] [<Af>] -r         netstat {-V|--version|-h|--help}\n"
NOT_ROOT = ("(Not all processes could be identified, non-owned process info\n"
            " will not be shown, you would have to be root to see it all.)\n")


def _flags(argv: list[str], known: set[str]) -> tuple[set[str], str | None]:
    """Short options, bundled or not (``-ltnp``, ``-l -t``); the first unknown one."""
    found: set[str] = set()
    for arg in argv:
        if not arg.startswith("-") or arg == "-":
            return found, arg
        for ch in arg[1:]:
            if ch not in known:
                return found, ch
            found.add(ch)
    return found, None


def _port(port: int, numeric: bool) -> str:
    return str(port) if numeric else SERVICE_NAMES.get(port, str(port))


# --- ss ------------------------------------------------------------------------------------
# (header, right-aligned, left delimiter) per column, as misc/ss.c columns[]
SS_COLUMNS = (("State", False, ""), ("Recv-Q", False, " "), ("Send-Q", False, " "),
              ("Local Address:", True, " "), ("Port", False, ""),
              ("Peer Address:", True, " "), ("Port", False, ""), ("Process", False, ""))


def _ss_row(lst: Listener, numeric: bool, users: bool) -> list[str]:
    addr = f"[{lst.address}]:" if lst.v6 else f"{lst.address}:"
    peer = "[::]:" if lst.v6 else "0.0.0.0:"
    proc = f' users:(("{lst.program}",pid={lst.pid},fd={lst.fd}))' if users else ""
    return ["LISTEN", f"{0:<6d}", f"{100:<6d}", addr, _port(lst.port, numeric), peer, "*", proc]


def _ss_render(rows: list[list[str]]) -> str:
    """render_calc_width() in compact mode, then render(): the last row's Process entry is
    not measured (its token is never flushed)."""
    widths = []
    for i, (_, _, delim) in enumerate(SS_COLUMNS):
        cells = [r[i] for r in rows[:-1]] + ([rows[-1][i]] if i < 7 or len(rows) == 1 else [])
        longest = max((len(c) for c in cells), default=0)
        widths.append(longest + (len(delim) if i and longest else 0))
    out = []
    for row in rows:
        line = ""
        for i, (cell, (_, right, delim)) in enumerate(zip(row, SS_COLUMNS)):
            text = (delim if i else "")
            if right:
                text += " " * (widths[i] - len(cell) - len(text))
            text += cell
            line += text + ("" if right else " " * (widths[i] - len(text)))
        out.append(line)
    return "".join(x + "\n" for x in out)


@command("ss", "/usr/bin/ss", "/usr/sbin/ss", "/bin/ss")
def ss(inv: Invocation) -> CommandResult:
    flags, bad = _flags(inv.argv[1:], SS_FLAGS)
    if bad is not None:
        if len(bad) == 1:
            return CommandResult(f"ss: invalid option -- '{bad}'\n" + SS_USAGE, 255)
        return CommandResult(f"ss: filters are not modelled ({bad!r})\n", 255)
    tcp = "t" in flags or "u" not in flags
    shown = [x for x in listeners(inv.host) if tcp and ("l" in flags or "a" in flags)
             and not ("4" in flags and x.v6) and not ("6" in flags and not x.v6)]
    users = "p" in flags and inv.user.uid == 0
    rows = [[h for h, _, _ in SS_COLUMNS]] if "H" not in flags else []
    rows += [_ss_row(x, "n" in flags, users) for x in shown]
    return CommandResult(_ss_render(rows) if rows else "", 0)


# --- netstat ---------------------------------------------------------------------------------
def _netstat_addr(lst: Listener, numeric: bool) -> tuple[str, str]:
    """(local, foreign) as addr_do_one() prints them."""
    names = {"127.0.0.1": "localhost", "::1": "ip6-localhost", "::": "[::]"}
    host = lst.address if numeric else names.get(lst.address, lst.address)
    any_ = ("::" if numeric else "[::]") if lst.v6 else "0.0.0.0"
    return f"{host}:{_port(lst.port, numeric)}", f"{any_}:*"


@command("netstat", "/usr/bin/netstat", "/bin/netstat")
def netstat(inv: Invocation) -> CommandResult:
    flags, bad = _flags(inv.argv[1:], NETSTAT_FLAGS)
    if bad is not None:
        return CommandResult(f"netstat: invalid option -- '{bad}'\n" + NETSTAT_USAGE, 1)
    which = "(servers and established)" if "a" in flags else (
        "(only servers)" if "l" in flags else "(w/o servers)")
    prg = "p" in flags
    head = ("Active Internet connections " + which + "\n"
            "Proto Recv-Q Send-Q Local Address           Foreign Address         State      "
            + (f" {'PID/Program name':<20s}" if prg else "") + "\n")
    tcp = "t" in flags or "u" not in flags
    shown = listeners(inv.host) if tcp and ("a" in flags or "l" in flags) else []
    lines = []
    for lst in shown:
        local, foreign = _netstat_addr(lst, "n" in flags)
        proto = "tcp6" if lst.v6 else "tcp"
        line = f"{proto:<4s}  {0:6d} {0:6d} {local:<23s} {foreign:<23s} {'LISTEN':<11s}"
        if prg:
            who = f"{lst.pid}/{lst.program}" if inv.user.uid == 0 else "-"
            line += f" {who:<20s}"
        lines.append(line + "\n")
    warn = NOT_ROOT if prg and inv.user.uid != 0 else ""
    return CommandResult(warn + head + "".join(lines), 0)
