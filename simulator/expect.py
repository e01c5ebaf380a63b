"""A scenario's ``expect:`` section, checked against a finished run.

Each expectation becomes one Check (met or not, with the reason in words), so a lab can
show what a learner should see and the test suite can prove the lab still teaches it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .agents.mda.mailbox import maildir_files, split_mbox, status_flags
from .model.message import from_bytes

if TYPE_CHECKING:
    from .scenario import ExpectAction, ExpectCommand, ExpectFetch, ExpectMailbox, ExpectRecipient
    from .world import World


@dataclass(frozen=True, slots=True)
class Check:
    ok: bool
    text: str


def check(world: World) -> list[Check]:
    spec = world.spec.expect
    checks = [_recipient(world, r) for r in spec.recipients]
    checks += [_mailbox(world, m) for m in spec.mailboxes]
    checks += [_fetched(world, f) for f in spec.fetched]
    checks += [_command(world, c) for c in spec.commands]
    if not world.trace.summary:  # --trace summary kept no hops to count steps in
        checks += [_action(world, a) for a in spec.actions]
    if world.trace.keeps_sessions:  # --trace compact kept no dialogue or maillog text
        checks += _text_checks(world)
    return checks


def _text_checks(world: World) -> list[Check]:
    """The expectations read from the dialogues' replies and the maillog lines."""
    spec, checks = world.spec.expect, list[Check]()
    now = world.engine.now
    lines = [line for s in world.trace.sessions for t, side, line in s.lines
             if side == "S" and t <= now]
    for reply in spec.replies:
        checks.append(Check(any(line.startswith(reply) for line in lines),
                            f"a server replied {reply!r}"))
    logs = [x.line for x in world.trace.logs if x.t <= now]
    for text in spec.log:
        checks.append(Check(any(text in line for line in logs), f"maillog has {text!r}"))
    return checks


def _recipient(world: World, exp: ExpectRecipient) -> Check:
    # by the final address, or by the address as the sender gave it (orig)
    found = [o for (msg, rcpt), o in world.trace.outcomes.items()
             if (rcpt == exp.rcpt or (exp.orig is None and o.orig == exp.rcpt))
             and (exp.msg is None or msg == exp.msg)]
    label = f"{exp.rcpt}" + (f" ({exp.msg})" if exp.msg else "") + (
        f" for {exp.orig}" if exp.orig else "")
    if not found:
        return Check(False, f"{label}: {exp.outcome} (got no outcome at all)")
    o = found[0]
    wrong = []
    if o.status != exp.outcome:
        wrong.append(f"status {o.status}: {o.where}")
    if exp.host is not None and o.host != exp.host:
        wrong.append(f"host {o.host}")
    if exp.mailbox is not None and o.where != exp.mailbox:
        wrong.append(f"mailbox {o.where}")
    if exp.dsn is not None and o.dsn != exp.dsn:
        wrong.append(f"dsn {o.dsn}")
    if exp.hops is not None and o.hops != exp.hops:
        wrong.append(f"{o.hops} hops")
    if exp.orig is not None and (o.orig or o.recipient) != exp.orig:
        wrong.append(f"original recipient {o.orig or o.recipient}")
    where = f" in {exp.host or o.host}:{exp.mailbox}" if exp.mailbox else ""
    text = f"{label}: {exp.outcome}{where}" + (f" (got {', '.join(wrong)})" if wrong else "")
    return Check(not wrong, text)


def mailbox_messages(world: World, host: str, path: str) -> list[bytes]:
    """The messages in a mailbox at the end of the run (mbox file or Maildir folder)."""
    h = world.hosts.get(host)
    if h is None:
        return []
    if path.endswith("/"):
        return [h.fs.read(p) or b"" for p in maildir_files(h.fs, path)]
    return split_mbox(h.fs.read(path) or b"")


def _unfolded(data: bytes) -> bytes:
    """Header continuation lines joined with one space, so a text can span a fold."""
    return data.replace(b"\r\n", b"\n").replace(b"\n\t", b" ").replace(b"\n ", b" ")


def _mailbox(world: World, exp: ExpectMailbox) -> Check:
    messages = mailbox_messages(world, exp.host, exp.path)
    wrong = [] if len(messages) == exp.messages else [f"{len(messages)} messages"]
    for i, data in enumerate(messages, start=1):
        msg = from_bytes(data)
        missing = [name for name in exp.headers if name not in msg]
        if missing:
            wrong.append(f"message {i} lacks {', '.join(missing)}")
        for name, value in exp.values.items():
            got = [str(v).strip() for v in msg.get_all(name) or []]
            if value not in got:
                wrong.append(f"message {i} has {name}: {', '.join(got) or 'none'}")
    text = f"{exp.host}:{exp.path} holds {exp.messages} message(s)"
    text += f" with {', '.join(exp.headers)}" if exp.headers else ""
    text += "".join(f", {k}: {v}" for k, v in exp.values.items())
    for shown in exp.contains:
        if not any(shown.encode() in _unfolded(data) for data in messages):
            wrong.append(f"no message has {shown!r}")
    text += f" showing {', '.join(repr(t) for t in exp.contains)}" if exp.contains else ""
    if exp.seen is not None:
        seen = _seen_count(world, exp.host, exp.path)
        text += f", {exp.seen} marked read"
        wrong += [] if seen == exp.seen else [f"{seen} marked read"]
    if exp.new is not None:
        h = world.hosts.get(exp.host)
        in_new = len(h.fs.under(exp.path.rstrip("/") + "/new")) if h else 0
        text += f", {exp.new} in new/"
        wrong += [] if in_new == exp.new else [f"{in_new} in new/"]
    return Check(not wrong, text + (f" (got {'; '.join(wrong)})" if wrong else ""))


def _seen_count(world: World, host: str, path: str) -> int:
    """Messages marked read: Maildir "S" after ":2,", mbox "R" in Status:."""
    h = world.hosts.get(host)
    if h is None:
        return 0
    if path.endswith("/"):
        return sum("S" in p.rpartition(":2,")[2] for p in maildir_files(h.fs, path)
                   if ":2," in p)
    return sum("R" in status_flags(m)[0] for m in split_mbox(h.fs.read(path) or b""))


def _fetched(world: World, exp: ExpectFetch) -> Check:
    mine = [x for x in world.trace.fetches
            if x.client_host == exp.client and x.user == exp.user and x.ok]
    got = sum(x.retrieved for x in mine)
    text = f"{exp.client}: {exp.user} fetched {exp.messages} message(s)"
    wrong = [] if got == exp.messages else [f"{got}"]
    if exp.seen is not None:
        seen = mine[-1].seen if mine else None
        text += f", then saw {exp.seen} marked \\Seen on the server"
        wrong += [] if seen == exp.seen else [f"{seen} \\Seen"]
    return Check(not wrong, text + (f" (got {', '.join(wrong)})" if wrong else ""))


def _command(world: World, exp: ExpectCommand) -> Check:
    """A command's output: each ``output`` text found in order, or exactly ``exact``."""
    runs = [r for r in world.trace.commands if r.line == exp.run
            and (exp.host is None or r.host == exp.host)
            and (exp.at is None or abs(r.t - exp.at) < 1e-9)]
    label = f"`{exp.run}`" + (f" on {exp.host}" if exp.host else "") + (
        f" at {world.engine.clock.short(exp.at)}" if exp.at is not None else "")
    if not runs:
        return Check(False, f"{label} printed what was expected (got: it never ran)")
    out, wrong = runs[0].output, []
    if exp.exact is not None and out != exp.exact:
        wrong.append(f"output {out!r}")
    at = 0
    for text in exp.output:
        found = out.find(text, at)
        if found < 0:
            wrong.append(f"no {text!r} (in order) in {out!r}")
            break
        at = found + len(text)
    if exp.status is not None and runs[0].status != exp.status:
        wrong.append(f"exit status {runs[0].status}")
    return Check(not wrong, f"{label} printed what was expected"
                 + (f" (got {'; '.join(wrong)})" if wrong else ""))


def _action(world: World, exp: ExpectAction) -> Check:
    now = world.engine.now
    got = sum(1 for h in world.trace.hops if h.action == exp.action and h.t <= now
              and (exp.host is None or exp.host in (h.src_host, h.dst_host))
              and (exp.msg is None or h.msg == exp.msg)
              and (exp.from_ is None or h.src_host == exp.from_)
              and (exp.to is None or h.dst_host == exp.to)
              and (exp.reply is None or (h.reply or "").startswith(exp.reply))
              and (exp.port is None or h.port == exp.port)
              and (exp.from_actor is None or h.src_actor == exp.from_actor)
              and (exp.to_actor is None or h.dst_actor == exp.to_actor))
    where = (f" on {exp.host}" if exp.host else "") + (f" for {exp.msg}" if exp.msg else "")
    where += "".join(f" {k} {v}" for k, v in (
        ("from", exp.from_), ("to", exp.to), ("replying", exp.reply), ("port", exp.port),
        ("by", exp.from_actor), ("to program", exp.to_actor)) if v)
    if exp.count is None:
        return Check(got > 0, f"a {exp.action} step{where}" + ("" if got else " (got none)"))
    return Check(got == exp.count, f"{exp.count} {exp.action} step(s){where}"
                 + ("" if got == exp.count else f" (got {got})"))
