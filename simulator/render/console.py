"""Terminal views with rich: the hop table, outcome lines, dialogues, and mail logs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..i18n import explain
from .records import ordered_hops, outcomes

if TYPE_CHECKING:
    from ..expect import Check
    from ..world import World

HEADINGS = {
    "en": ("Time", "From → To", "What happened", "Reply", "Explanation"),
    "ja": ("時刻", "送り手 → 受け手", "できごと", "応答", "解説"),
}
STATUS_STYLE = {"delivered": "green", "bounced": "red", "queued": "yellow", "rejected": "red"}


def hop_table(world: "World", lang: str = "en", msg: str | None = None) -> Table:
    table = Table(title=world.spec.title.get(lang), show_lines=False, expand=False)
    for i, heading in enumerate(HEADINGS.get(lang, HEADINGS["en"])):
        # a time or a reply line is one unit a learner reads: never break it
        table.add_column(heading, overflow="fold", no_wrap=(i in (0, 3)), vertical="top",
                         ratio=(None, 2, 3, None, 4)[i])
    clock = world.engine.clock
    for hop in ordered_hops(world):
        if msg is not None and hop.msg != msg and not (hop.msg or "").startswith(msg + "."):
            continue
        proto = f"{hop.proto}/{hop.port}" if hop.port else (hop.proto or "")
        who = f"{hop.src_host} {hop.src_actor}\n→ {hop.dst_host} {hop.dst_actor}"
        who += f"\n{proto}" if proto else ""
        what = f"{hop.action}" + (f" [{hop.qid}]" if hop.qid else "")
        what += f"\n{hop.detail}" if hop.detail else ""
        table.add_row(clock.short(hop.t), who, what, hop.reply or "",
                      explain(hop.action, hop.args, lang))
    return table


def outcome_lines(world: "World", lang: str = "en") -> list[Text]:
    lines = []
    clock = world.engine.clock
    for o in outcomes(world):
        head = Text(f"{o.recipient} ({o.msg}): ")
        head.append(o.status, style=STATUS_STYLE.get(o.status, ""))
        if o.status == "delivered":
            head.append(f" to {o.host}:{o.where} at {clock.short(o.t)} after {o.hops} hops")
        else:
            head.append(f" at {clock.short(o.t)} on {o.host}: {o.where}")
        lines.append(head)
    for f in world.trace.fetches:
        state = "ok" if f.ok else f"failed: {f.error}"
        lines.append(Text(f"{f.client_host}: {f.user} fetched {f.retrieved} message(s) by "
                          f"{f.proto} from {f.server_host} at {clock.short(f.t)} "
                          f"into {f.saved_to} ({state})"))
    return lines


def transcript_lines(world: "World") -> list[Text]:
    out: list[Text] = []
    clock = world.engine.clock
    now = world.engine.now
    for s in world.trace.sessions:
        out.append(Text(f"── {s.proto} {s.client_host} → {s.server_host}:{s.port} "
                        f"(connected {clock.short(s.start)}) ──", style="bold"))
        for i, (t, side, line) in enumerate(s.lines):
            if t > now:  # computed ahead, not yet said when the clock stopped
                break
            style = {"C": "cyan", "S": "magenta"}.get(side, "yellow")
            # after the handshake the line travelled encrypted: "C~"/"S~", as swaks marks it
            mark = "~" if s.encrypted_from is not None and i >= s.encrypted_from else ""
            out.append(Text(f"{clock.short(t)} {side}{mark}: {line}", style=style))
        out.append(Text(""))
    return out


def log_lines(world: "World") -> list[Text]:
    out: list[Text] = []
    for host in world.hosts.values():
        log = host.maillog()
        if log:
            out.append(Text(f"── {host.name}:/var/log/maillog ──", style="bold"))
            out.extend(Text(line) for line in log.splitlines())
            out.append(Text(""))
    return out


def check_lines(checks: list["Check"]) -> list[Text]:
    out = []
    for check in checks:
        mark = Text("✓ " if check.ok else "✗ ", style="green" if check.ok else "red")
        mark.append(check.text)
        out.append(mark)
    met = sum(c.ok for c in checks)
    out.append(Text(f"expectations: {met}/{len(checks)} met",
                    style="green" if met == len(checks) else "red"))
    return out


def make_console(width: int | None = None) -> Console:
    return Console(width=width, highlight=False, soft_wrap=False)
