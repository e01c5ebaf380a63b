"""The browser view: one self-contained HTML file of a run (``mailsim run ... --html FILE``).

Everything the page needs is inside the file: the network as inline SVG computed here from
the scenario's topology (the layered layout of render/graph.py), the run as JSON (hops,
lanes, dialogues, headers, outcomes, the en and ja texts of i18n/), and plain JavaScript
and CSS from render/html_assets.py. No script, style sheet or font is fetched, so the file
opens offline and on a classroom projector. The same scenario and seed give the same bytes.

The sequence diagram has one lane per role (MUA, MSA, MTA, DNS, MDA, MRA) and, inside a
role, one lane per host playing it, labelled with the programs seen there.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..i18n import LANGUAGES, REPORT_TEXTS, explain, ui
from .graph import ROLE_COLOURS, hop_links, layered_layout
from .html_assets import SCRIPT, STYLE, TEMPLATE
from .html_headers import HeaderBook, header_book
from .records import outcomes
from .summary import summary_data, summary_section
from .timeline import messages

if TYPE_CHECKING:
    from ..model.trace import Hop
    from ..world import World

ROLES = ("MUA", "MSA", "MTA", "DNS", "MDA", "MRA")
SUBMISSION_PORTS = (587, 465)  # RFC 6409 submission, RFC 8314 submissions
MUA_PROGRAMS = {"MUA", "mail", "mailx"}
MDA_PROGRAMS = {"local", "mailbox", "file", "command"}  # local(8) and where it writes
MRA_PROGRAMS = {"pop3d", "imapd", "dovecot", "rpc.dracd"}
FAMILY_NAMES = {"postfix": "Postfix", "sendmail": "Sendmail", "exim": "Exim"}
X_STEP, Y_STEP, MARGIN = 170, 95, 70


# --- lanes ---------------------------------------------------------------------------------
def role_of(world: World, host: str, actor: str, port: int | None) -> str:
    """The role a program plays: what the exam calls MUA, MSA, MTA, DNS, MDA or MRA."""
    if host == "dns" or actor == "resolver":
        return "DNS"
    if actor in MUA_PROGRAMS:
        return "MUA"
    if actor in MRA_PROGRAMS:
        return "MRA"
    if actor in MDA_PROGRAMS:
        return "MDA"
    if actor == "smtpd" and port in SUBMISSION_PORTS:
        return "MSA"  # smtpd on the submission port is the MSA (RFC 6409 §3.1)
    known = world.hosts.get(host)
    if known is not None and actor in known.users:
        return "MUA"  # a user typing a command on the host
    # SIMPLIFICATION: the ISP's OP25B firewall sits in the MTA lane, where the blocked
    # connection was going.
    return "MTA"


class Lanes:
    """The lanes of one message's diagram: (role, host) in role order, then first seen."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.seen: dict[tuple[str, str], list[str]] = {}
        self._smtpd_port: dict[str, int | None] = {}  # host -> port its smtpd was reached on

    def endpoints(self, hop: Hop) -> tuple[tuple[str, str], tuple[str, str]]:
        if hop.dst_actor == "smtpd":
            self._smtpd_port[hop.dst_host] = hop.port
        src_port = self._smtpd_port.get(hop.src_host) if hop.src_actor == "smtpd" else hop.port
        src = (role_of(self.world, hop.src_host, hop.src_actor, src_port), hop.src_host)
        dst = (role_of(self.world, hop.dst_host, hop.dst_actor, hop.port), hop.dst_host)
        for lane, actor in ((src, hop.src_actor), (dst, hop.dst_actor)):
            programs = self.seen.setdefault(lane, [])
            if actor not in programs:
                programs.append(actor)
        return src, dst

    def ordered(self) -> list[tuple[str, str | None]]:
        """Every role has at least one lane; a role nobody played gets an empty one."""
        out: list[tuple[str, str | None]] = []
        for role in ROLES:
            hosts = [h for (r, h) in self.seen if r == role]
            out += [(role, h) for h in hosts] or [(role, None)]
        return out

    def label(self, role: str, host: str | None) -> dict[str, Any]:
        programs = self.seen.get((role, host), []) if host is not None else []
        return {"role": role, "host": host, "programs": programs,
                "software": self._software(role, host)}

    def _software(self, role: str, host: str | None) -> str | None:
        known = self.world.hosts.get(host or "")
        if known is None:
            return None
        if role in ("MSA", "MTA") and known.mta is not None:
            return FAMILY_NAMES.get(known.mta.family, known.mta.family)
        if role == "MUA":
            agents = sorted({m.account.user_agent for m in known.accounts.values()
                             if m.account.user_agent})
            return ", ".join(agents) or None
        return "Dovecot" if role == "MRA" else None


# --- the data ------------------------------------------------------------------------------
def _hop_record(world: World, hop: Hop, lanes: dict[Any, int], ends: Any,
                headers: tuple[int | None, bool]) -> dict[str, Any]:
    proto = f"{hop.proto}/{hop.port}" if hop.port else (hop.proto or "")
    return {
        "clock": world.engine.clock.short(hop.t), "msg": hop.msg,
        "from": lanes[ends[0]], "to": lanes[ends[1]],
        "src": f"{hop.src_host} {hop.src_actor}", "dst": f"{hop.dst_host} {hop.dst_actor}",
        "proto": proto, "action": hop.action, "qid": hop.qid, "reply": hop.reply,
        "detail": hop.detail, "session": hop.session, "headers": headers[0],
        "headers_later": headers[1],
        "explain": {lang: explain(hop.action, hop.args, lang) for lang in LANGUAGES},
        "edges": [_edge_id(a, b) for a, b in hop_links(world, hop)],
    }


def _message(world: World, key: str, book: HeaderBook, used: set[int]) -> dict[str, Any]:
    hops = sorted(world.trace.path(key), key=lambda h: h.t)
    book.prepare(world, hops)
    lanes = Lanes(world)
    ends = [lanes.endpoints(hop) for hop in hops]
    order = lanes.ordered()
    index = {lane: i for i, lane in enumerate(order)}
    records = []
    for hop, pair in zip(hops, ends, strict=True):
        headers = book.for_hop(world, hop)
        if hop.session is not None:
            used.add(hop.session)
        records.append(_hop_record(world, hop, index, pair, headers))
    return {"key": key, "lanes": [lanes.label(r, h) for r, h in order], "hops": records}


def _session(world: World, sid: int) -> dict[str, Any]:
    s = world.trace.sessions[sid]
    clock, now = world.engine.clock, world.engine.now
    lines = []
    for i, (t, side, line) in enumerate(s.lines):
        if t > now:  # computed ahead, not yet said when the clock stopped
            break
        mark = "~" if s.encrypted_from is not None and i >= s.encrypted_from else ""
        lines.append([clock.short(t), side + mark, line])
    return {"proto": s.proto, "port": s.port, "client": s.client_host,
            "server": s.server_host, "clock": clock.short(s.start), "lines": lines}


def report_data(world: World) -> dict[str, Any]:
    """Everything the page shows, as plain JSON-ready data (tests read it too)."""
    book = header_book(world)
    used: set[int] = set()
    keys = messages(world) or [m for m in world.trace.messages()]
    msgs = [_message(world, key, book, used) for key in keys]
    clock = world.engine.clock
    return {
        "title": {lang: world.spec.title.get(lang) for lang in LANGUAGES},
        "name": world.spec.name, "seed": world.engine.seed,
        "until": clock.short(world.engine.now), "roles": list(ROLES),
        "texts": report_texts(world), "messages": msgs,
        "sessions": {str(sid): _session(world, sid) for sid in sorted(used)},
        "headers": [{"source": c.source, "args": c.args, "text": c.text} for c in book.copies],
        "outcomes": [{"msg": o.msg, "recipient": o.recipient, "status": o.status,
                      "clock": clock.short(o.t), "host": o.host, "where": o.where,
                      "dsn": o.dsn} for o in outcomes(world)],
        "summary": summary_data(world),
    }


def report_texts(world: World) -> dict[str, dict[str, str]]:
    """The page's texts; the note on dropped outcomes only when some were (so a page of
    a run that kept everything is as it was)."""
    if not world.trace.retention.dropped:
        return REPORT_TEXTS
    return {lang: {**texts, "html_dropped": ui("html.dropped", lang)}
            for lang, texts in REPORT_TEXTS.items()}


# --- the network as SVG --------------------------------------------------------------------
def _edge_id(a: str, b: str) -> str:
    return "|".join(sorted((a, b)))


def network_svg(world: World) -> str:
    """The topology drawn left to right from the clients, as an inline SVG element."""
    graph = world.net.graph
    roots = [n for n, h in world.hosts.items() if h.role == "client"]
    pos = layered_layout(graph, roots)
    top = max((y for _, y in pos.values()), default=0.0)
    xy = {n: (MARGIN + x * X_STEP, MARGIN - 20 + (top - y) * Y_STEP) for n, (x, y) in pos.items()}
    width = MARGIN * 2 + max((x for x, _ in pos.values()), default=0.0) * X_STEP
    height = MARGIN * 2 + (top - min((y for _, y in pos.values()), default=0.0)) * Y_STEP
    parts = [(f'<svg id="network" xmlns="http://www.w3.org/2000/svg" role="img" '
              f'viewBox="0 0 {width:g} {height:g}" width="{width:g}" height="{height:g}">')]
    for a, b, data in graph.edges(data=True):
        (x1, y1), (x2, y2) = xy[a], xy[b]
        parts.append(f'<g class="edge" data-edge="{escape(_edge_id(a, b))}">'
                     f'<line x1="{x1:g}" y1="{y1:g}" x2="{x2:g}" y2="{y2:g}"/>'
                     f'<text x="{(x1 + x2) / 2:g}" y="{(y1 + y2) / 2 - 6:g}">'
                     f'{data["latency"] * 1000:g} ms</text></g>')
    for node in graph.nodes:
        parts.append(_node_svg(world, node, *xy[node]))
    parts.append("</svg>")
    return "".join(parts)


def _node_svg(world: World, node: str, x: float, y: float) -> str:
    host = world.hosts.get(node)
    role = host.role if host is not None else "router"
    ip = f'<text class="ip" x="{x:g}" y="{y + 44:g}">{escape(host.ip)}</text>' \
        if host is not None and host.ip else ""
    return (f'<g class="node {role}" data-node="{escape(node)}">'
            f'<circle cx="{x:g}" cy="{y:g}" r="18" fill="{ROLE_COLOURS.get(role, "#ffffff")}"/>'
            f'<text x="{x:g}" y="{y + 32:g}">{escape(node)}</text>{ip}</g>')


# --- the page ------------------------------------------------------------------------------
def report_html(world: World, lang: str = "en") -> str:
    """The whole page as text; ``lang`` is the language it opens in."""
    report = report_data(world)
    data = json.dumps(report, ensure_ascii=False, separators=(",", ":"))
    data = data.replace("</", "<\\/")  # a "</script>" in a transcript must not end the block
    title = f"{REPORT_TEXTS[lang]['report']}: {world.spec.title.get(lang)}"
    return TEMPLATE.format(lang=lang, title=escape(title), style=STYLE, script=SCRIPT,
                           network=network_svg(world), data=data,
                           summary=summary_section(world, report["summary"]))


def write_report(world: World, path: str | Path, lang: str = "en") -> Path:
    """Write the report to ``path`` (and nowhere else); returns the path written."""
    target = Path(path)
    target.write_text(report_html(world, lang), encoding="utf-8")
    return target
