"""A message's path as a tree (rich.tree): where it forked and where each branch ended.

A path is flat hop records (model/trace.py); the tree is rebuilt from them. A node is a
queue file on a host (``mx.example.org queue 3A1B2C3D4E``), entered from the hop that
created it: a submission or relay over SMTP, a bounce, or local(8) re-queueing forwarded
mail. Under a queue file hang its recipients, and under each recipient the steps of
local(8)'s walk (aliases, .forward, :include:) down to where each copy ended: a mailbox,
a file, a command, a bounce, or another queue file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from rich.tree import Tree

from ..i18n import phrases, ui

if TYPE_CHECKING:
    from ..model.trace import Hop
    from ..world import World

# hops that create another queue file, and on which host it lies
SPAWNS = {"submit": "dst", "relay": "dst", "bounce": "src", "trace": "src", "forward": "src"}
DELIVERED = {"deliver_mbox", "deliver_maildir", "deliver_file", "deliver_command"}
FAILED = {"local_bounce", "too_many_hops", "connect_failed"}
SHOWN = {"resolve_local", "resolve_smtp", "pop3_fetch", "discard", "local_defer", "verify",
         "newaliases"} | DELIVERED | FAILED


def message_tree(world: World, msg: str, lang: str = "en") -> Tree:
    hops = sorted(world.trace.path(msg), key=lambda h: h.t)
    root = Tree(Text(f"{msg}", style="bold"))
    nodes: dict[str, Tree] = {}
    pending: dict[str, Tree] = {}  # queue node -> the hop branch that will create it
    for hop in hops:
        _place(world, hop, root, nodes, pending, lang)
    return root


def _place(world: World, hop: Hop, root: Tree, nodes: dict[str, Tree],
           pending: dict[str, Tree], lang: str = "en") -> None:
    args = dict(hop.args)
    own_queue = nodes.get(f"q:{hop.src_host}:{hop.qid}")
    if hop.action == "cleanup":
        key = f"q:{hop.dst_host}:{hop.qid}"
        parent = pending.pop(key, None) or root
        nodes[key] = parent.add(Text(ui("tree.queue", lang, host=hop.dst_host, qid=hop.qid),
                                     style="bold cyan")
                                + Text(f"  {_clock(world, hop)} {phrases(hop.detail, lang)}",
                                       style="dim"))
    elif hop.action in SPAWNS and "qid" in args:
        parent = nodes.get(args.get("parent", ""), own_queue or root) if hop.action == \
            "forward" else own_queue or root
        branch = parent.add(_label(world, hop, lang))
        host = hop.dst_host if SPAWNS[hop.action] == "dst" else hop.src_host
        pending[f"q:{host}:{args['qid']}"] = branch
    elif "node" in args and "parent" in args:
        if args["parent"] not in nodes:  # the first step of a recipient: the recipient
            nodes[args["parent"]] = (own_queue or root).add(
                Text(f"<{args.get('rcpt', '?')}>", style="bold"))
        nodes[args["node"]] = nodes[args["parent"]].add(_label(world, hop, lang))
    elif hop.action in SHOWN:
        (own_queue or root).add(_label(world, hop, lang))


def _clock(world: World, hop: Hop) -> str:
    return world.engine.clock.short(hop.t)


def _label(world: World, hop: Hop, lang: str = "en") -> Text:
    style = "green" if hop.action in DELIVERED else "red" if hop.action in FAILED else ""
    mark = "✓ " if hop.action in DELIVERED else "✗ " if hop.action in FAILED else ""
    text = Text(f"{mark}{hop.action}", style=style or "yellow")
    if hop.reply:
        text.append(f" [{hop.reply}]", style=style)
    text.append(f"  {_clock(world, hop)} {phrases(hop.detail, lang)}",
                style="dim" if not style else "")
    return text
