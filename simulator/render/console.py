"""Terminal views with rich: the hop table, outcome lines, dialogues, and mail logs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..i18n import explain, phrases, ui
from ..trace_level import not_kept
from .records import ordered_hops, outcomes

if TYPE_CHECKING:
    from ..expect import Check
    from ..world import World

HEADINGS = {
    "en": ("Time", "From → To", "What happened", "Reply", "Explanation"),
    "ja": ("時刻", "送り手 → 受け手", "できごと", "応答", "解説"),
}
STATUS_STYLE = {"delivered": "green", "bounced": "red", "queued": "yellow", "rejected": "red",
                "deleted": "red"}
REPLY_WIDTH = 44  # the longest usual reply, "250 2.0.0 Ok: queued as 4A1B2C3D4E", is 34
TIMELINE_HEADINGS = {
    "en": ("Time", "+min", "MTA (queue ID)", "Target", "Result", "Next try"),
    "ja": ("時刻", "経過(分)", "MTA (キュー ID)", "相手", "結果", "次の再試行"),
}


def hop_table(world: World, lang: str = "en", msg: str | None = None) -> Table:
    table = Table(title=world.spec.title.get(lang), show_lines=False, expand=False)
    for i, heading in enumerate(HEADINGS.get(lang, HEADINGS["en"])):
        # a time or a reply line is one unit a learner reads: never break it, unless a
        # reply is longer than a third of the line (a greylisting text with its URL): then it
        # folds, so the other columns keep their room
        table.add_column(heading, overflow="fold", no_wrap=(i in (0, 3)), vertical="top",
                         ratio=(None, 2, 3, None, 4)[i],
                         max_width=REPLY_WIDTH if i == 3 else None)
    clock = world.engine.clock
    for hop in ordered_hops(world):
        if msg is not None and hop.msg != msg and not (hop.msg or "").startswith(msg + "."):
            continue
        proto = f"{hop.proto}/{hop.port}" if hop.port else (hop.proto or "")
        who = f"{hop.src_host} {hop.src_actor}\n→ {hop.dst_host} {hop.dst_actor}"
        who += f"\n{proto}" if proto else ""
        what = f"{hop.action}" + (f" [{hop.qid}]" if hop.qid else "")
        what += f"\n{phrases(hop.detail, lang)}" if hop.detail else ""
        reply = hop.reply or ""  # a long reply folds (no_wrap only while it fits)
        table.add_row(clock.short(hop.t), who, what,
                      Text(reply, no_wrap=len(reply) <= REPLY_WIDTH, overflow="fold"),
                      explain(hop.action, _args(hop.args, lang), lang))
    return table


def _args(args: tuple[tuple[str, str], ...], lang: str) -> tuple[tuple[str, str], ...]:
    """A hop's args with the model's own English phrases put into ``lang``."""
    return args if lang == "en" else tuple((k, phrases(v, lang)) for k, v in args)


def outcome_lines(world: World, lang: str = "en") -> list[Text]:
    from .summary import dropped_line

    dropped = dropped_line(world, lang)
    lines = [Text(dropped)] if dropped else []
    clock = world.engine.clock
    for o in outcomes(world):
        head = Text(f"{o.recipient} ({o.msg}" + (ui("out.for", lang, orig=o.orig) if o.orig
                                                  else "") + "): ")
        head.append(ui(f"status.{o.status}", lang), style=STATUS_STYLE.get(o.status, ""))
        where = phrases(o.where, lang)
        if o.status == "delivered":
            head.append(ui("out.delivered", lang, host=o.host, where=where, t=clock.short(o.t),
                           hops=o.hops))
        else:
            head.append(ui("out.other", lang, host=o.host, where=where, t=clock.short(o.t)))
        if o.status == "queued" and o.next_try is not None:
            head.append(ui("out.next_try", lang, t=clock.short(o.next_try)))
        lines.append(head)
    for f in world.trace.fetches:
        state = ui("fetch.ok", lang) if f.ok else ui("fetch.failed", lang, error=f.error)
        lines.append(Text(ui("fetch.line", lang, client=f.client_host, user=f.user,
                             n=f.retrieved, proto=f.proto, server=f.server_host,
                             t=clock.short(f.t), saved=f.saved_to, state=state)))
    return lines


def transcript_lines(world: World, lang: str = "en") -> list[Text]:
    notice = not_kept(world.trace.level, "transcript", lang)
    if notice is not None:  # --trace compact: the dialogues were not kept
        return [Text(notice)]
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


def log_lines(world: World, lang: str = "en") -> list[Text]:
    notice = None if world.trace.keeps_logs else not_kept(world.trace.level, "log", lang)
    if notice is not None:  # --trace compact: the maillog lines were not kept
        return [Text(notice)]
    out: list[Text] = []
    for host in world.hosts.values():
        log = host.maillog()
        if log:
            out.append(Text(f"── {host.name}:/var/log/maillog ──", style="bold"))
            out.extend(Text(line) for line in log.splitlines())
            out.append(Text(""))
    return out


def unchecked_lines(world: World, lang: str = "en") -> list[Text]:
    """One line when the lab expects replies or maillog lines the trace did not keep."""
    expect, summary = world.spec.expect, world.trace.summary
    notice = not_kept(world.trace.level, "checks_summary" if summary else "checks", lang)
    wanted = expect.replies or expect.log or (summary and expect.actions)
    return [Text(notice, style="yellow")] if notice is not None and wanted else []


def check_lines(checks: list[Check], lang: str = "en") -> list[Text]:
    """A line per expectation and the count met; nothing for a scenario that expects
    nothing (a generated day), rather than "0/0 met"."""
    if not checks:
        return []
    out = []
    for check in checks:
        mark = Text("✓ " if check.ok else "✗ ", style="green" if check.ok else "red")
        mark.append(phrases(check.text, lang, "check"))
        out.append(mark)
    met = sum(c.ok for c in checks)
    out.append(Text(ui("check.summary", lang, met=met, total=len(checks)),
                    style="green" if met == len(checks) else "red"))
    return out


def summary(world: World, out: Console, lang: str, compact: bool) -> None:
    """What every view of a run ends with: the outcomes, what is still queued, the checks."""
    from ..expect import check

    for line in outcome_lines(world, lang):
        out.print(line)
    for line in queue_lines(world, lang):  # what is still queued when the run ends
        # mailq's own layout, unwrapped; in the compact view a line too long for the
        # terminal folds at its edge, as the terminal itself would fold it
        out.print(line, soft_wrap=not compact, overflow="fold")
    for line in check_lines(check(world), lang) + unchecked_lines(world, lang):
        out.print(line)


def make_console(width: int | None = None) -> Console:
    return Console(width=width, highlight=False, soft_wrap=False)


def timeline_table(world: World, msg: str, lang: str = "en") -> Table:
    """One message's delivery attempts (render/timeline.py) as a table."""
    from .timeline import timeline

    table = Table(title=f"{msg}: {world.spec.title.get(lang)}", expand=False)
    for i, heading in enumerate(TIMELINE_HEADINGS.get(lang, TIMELINE_HEADINGS["en"])):
        table.add_column(heading, overflow="fold", no_wrap=(i in (0, 1, 5)), vertical="top",
                         justify="right" if i == 1 else "left")
    for row in timeline(world, msg):
        who = row["host"] + (f" [{row['queue_id']}]" if row["queue_id"] else "")
        if row["msg"] != msg:
            who += f"\n({row['msg']})"
        cells = (row["clock"], f"{row['minutes']:g}", who, phrases(row["target"], lang),
                 phrases(row["result"], lang),
                 row["next_try"] or "")
        table.add_row(*(Text(c) for c in cells))  # no rich markup: "[ID]" is text
    return table


def queue_lines(world: World, lang: str = "en") -> list[Text]:
    """``mailq`` on every host that still has mail queued, as the run ends."""
    from ..agents.mta import showq

    out: list[Text] = []
    for host in world.hosts.values():
        if host.mta is None:
            continue
        items = showq.entries(host.mta.qmgr)
        if not items:
            continue
        title = ui("queue.title", lang, host=host.name)
        out.append(Text(title, style="bold"))
        text = showq.mailq(items, world.engine.clock, host.mta.cf.flag("enable_long_queue_ids"))
        out.extend(Text(line) for line in text.splitlines())
        out.append(Text(""))
    return out
