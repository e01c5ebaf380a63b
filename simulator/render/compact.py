"""The compact hop view: one glance per hop, readable in an 80-column terminal.

The hop table (console.hop_table) needs about 120 columns; below that its five columns fold
into word fragments. Here each hop is one head line -- time, from → to, protocol, what
[queue ID], reply -- folded only between fields, with the hop's detail (dim) and its
explanation wrapped beneath it, indented. Widths are counted in terminal cells
(rich.cells.cell_len), never len(): Japanese characters take two cells each.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from ..i18n import explain, phrases
from .records import ordered_hops

if TYPE_CHECKING:
    from ..model.trace import Hop
    from ..world import World

INDENT = "    "  # continuation lines, the detail and the explanation
TABLE_FROM = 120  # from this width up the full hop table is readable (cli.py picks)


def compact_lines(world: World, lang: str = "en", msg: str | None = None,
                  width: int = 80) -> list[Text]:
    """Every hop (of ``msg`` and its bounces, if given) as lines no wider than ``width``."""
    console = measurer(width)
    out = title_lines(world, lang, width, console)
    for hop in ordered_hops(world):
        if shows(hop, msg):
            out.extend(hop_lines(world, hop, lang, width, console))
    return out


def measurer(width: int) -> Console:
    """A console that only measures (wrapping), never prints."""
    return Console(width=width, no_color=True, highlight=False)


def shows(hop: Hop, msg: str | None) -> bool:
    """``--msg m1`` shows m1's hops and those of its bounces and copies (m1.1 ...)."""
    return msg is None or hop.msg == msg or (hop.msg or "").startswith(msg + ".")


def title_lines(world: World, lang: str, width: int, console: Console) -> list[Text]:
    """The lab's title, wrapped, and a blank line; nothing for a lab without a title."""
    title = world.spec.title.get(lang)
    if not title:
        return []
    return [*_wrap(Text(title, style="bold"), width, "", console), Text("")]


def hop_lines(world: World, hop: Hop, lang: str, width: int, console: Console,
              explained: bool = True) -> list[Text]:
    """One hop: its head line(s); explained, also its detail, explanation and a blank line."""
    proto = f"{hop.proto}/{hop.port}" if hop.port else (hop.proto or "")
    fields = [Text(world.engine.clock.short(hop.t), style="bold"),
              Text(f"{hop.src_host} {hop.src_actor} → {hop.dst_host} {hop.dst_actor}",
                   style="cyan"),
              Text(proto),
              Text(hop.action + (f" [{hop.qid}]" if hop.qid else ""), style="bold"),
              Text(hop.reply or "", style=_reply_style(hop.reply or ""))]
    out = _fold_fields([f for f in fields if f.plain], width, console)
    if not explained:
        return out
    if hop.detail:
        out.extend(_wrap(Text(phrases(hop.detail, lang), style="dim"), width, INDENT, console))
    args = hop.args if lang == "en" else tuple((k, phrases(v, lang)) for k, v in hop.args)
    out.extend(_wrap(Text(explain(hop.action, args, lang)), width, INDENT, console))
    out.append(Text(""))
    return out


def _reply_style(reply: str) -> str:
    """An SMTP-like reply coloured by its class (RFC 5321 section 4.2.1): 2yz, 4yz, 5yz."""
    return {"2": "green", "4": "yellow", "5": "red"}.get(reply[:1], "")


def _fold_fields(fields: list[Text], width: int, console: Console) -> list[Text]:
    """Fields joined by two spaces; a field that does not fit starts an indented new line."""
    lines: list[Text] = []
    line = Text("")
    for field in fields:
        sep = "  " if line.plain.strip() else ""
        if line.plain.strip() and cell_len(line.plain + sep + field.plain) > width:
            lines.append(line)
            line, sep = Text(INDENT), ""
        if cell_len(line.plain + sep + field.plain) > width:  # too long even alone: fold it
            pieces = _wrap(field, width, INDENT, console)
            if line.plain.strip():
                lines.append(line)
            lines.extend(pieces[:-1])
            line = pieces[-1]
            continue
        line.append(sep)
        line.append_text(field)
    if line.plain.strip():
        lines.append(line)
    return lines


def _wrap(text: Text, width: int, indent: str, console: Console) -> list[Text]:
    """``text`` word-wrapped (folding a word longer than the room) after ``indent``."""
    room = max(width - cell_len(indent), 10)
    out = []
    for piece in text.wrap(console, room, overflow="fold"):
        piece.rstrip()
        line = Text(indent)
        line.append_text(piece)
        out.append(line)
    return out
