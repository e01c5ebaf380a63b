"""A scenario's ``expect:`` section, checked against a finished run.

Each expectation becomes one Check (met or not, with the reason in words), so a lab can
show what a learner should see and the test suite can prove the lab still teaches it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .agents.mda.mailbox import maildir_files, split_mbox
from .model.message import from_bytes

if TYPE_CHECKING:
    from .scenario import ExpectHop, ExpectMailbox, ExpectRecipient
    from .world import World


@dataclass(frozen=True, slots=True)
class Check:
    ok: bool
    text: str


def check(world: "World") -> list[Check]:
    spec = world.spec.expect
    checks = [_recipient(world, r) for r in spec.recipients]
    checks += [_hop_seen(world, h) for h in spec.hops]
    checks += [_mailbox(world, m) for m in spec.mailboxes]
    for f in spec.fetched:
        got = sum(x.retrieved for x in world.trace.fetches
                  if x.client_host == f.client and x.user == f.user and x.ok)
        checks.append(Check(got == f.messages,
                            f"{f.client}: {f.user} fetched {f.messages} message(s) (got {got})"))
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


def _recipient(world: "World", exp: "ExpectRecipient") -> Check:
    found = [o for (msg, rcpt), o in world.trace.outcomes.items()
             if rcpt == exp.rcpt and (exp.msg is None or msg == exp.msg)]
    label = f"{exp.rcpt}" + (f" ({exp.msg})" if exp.msg else "")
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
    where = f" in {exp.host or o.host}:{exp.mailbox}" if exp.mailbox else ""
    text = f"{label}: {exp.outcome}{where}" + (f" (got {', '.join(wrong)})" if wrong else "")
    return Check(not wrong, text)


def mailbox_messages(world: "World", host: str, path: str) -> list[bytes]:
    """The messages in a mailbox at the end of the run (mbox file or Maildir folder)."""
    h = world.hosts.get(host)
    if h is None:
        return []
    if path.endswith("/"):
        return [h.fs.read(p) or b"" for p in maildir_files(h.fs, path)]
    return split_mbox(h.fs.read(path) or b"")


def _hop_seen(world: "World", exp: "ExpectHop") -> Check:
    now = world.engine.now
    found = [h for h in world.trace.hops if h.t <= now and h.action == exp.action
             and (exp.msg is None or h.msg == exp.msg)
             and (exp.from_ is None or h.src_host == exp.from_)
             and (exp.to is None or h.dst_host == exp.to)
             and (exp.reply is None or (h.reply or "").startswith(exp.reply))]
    parts = [f"a {exp.action} hop"] + [f"{k} {v}" for k, v in (
        ("of", exp.msg), ("from", exp.from_), ("to", exp.to), ("replying", exp.reply)) if v]
    return Check(bool(found), " ".join(parts))


def _unfolded(data: bytes) -> bytes:
    """Header continuation lines joined with one space, so a text can span a fold."""
    return data.replace(b"\r\n", b"\n").replace(b"\n\t", b" ").replace(b"\n ", b" ")


def _mailbox(world: "World", exp: "ExpectMailbox") -> Check:
    messages = mailbox_messages(world, exp.host, exp.path)
    wrong = [] if len(messages) == exp.messages else [f"{len(messages)} messages"]
    for i, data in enumerate(messages, start=1):
        msg = from_bytes(data)
        missing = [name for name in exp.headers if name not in msg]
        if missing:
            wrong.append(f"message {i} lacks {', '.join(missing)}")
    for text in exp.contains:
        if not any(text.encode() in _unfolded(data) for data in messages):
            wrong.append(f"no message has {text!r}")
    headers = f" with {', '.join(exp.headers)}" if exp.headers else ""
    has = f" showing {', '.join(repr(t) for t in exp.contains)}" if exp.contains else ""
    text = f"{exp.host}:{exp.path} holds {exp.messages} message(s){headers}{has}"
    return Check(not wrong, text + (f" (got {'; '.join(wrong)})" if wrong else ""))
