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
    from .scenario import ExpectCommand, ExpectMailbox, ExpectRecipient
    from .world import World


@dataclass(frozen=True, slots=True)
class Check:
    ok: bool
    text: str


def check(world: "World") -> list[Check]:
    spec = world.spec.expect
    checks = [_recipient(world, r) for r in spec.recipients]
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
    checks += [_command(world, c) for c in spec.commands]
    return checks


def _command(world: "World", exp: "ExpectCommand") -> Check:
    """A command's output: ``exact`` text, or each ``output`` line found in order."""
    runs = [r for r in world.trace.commands if r.line == exp.run
            and (exp.host is None or r.host == exp.host)
            and (exp.at is None or abs(r.t - exp.at) < 1e-6)]
    where = f" on {exp.host}" if exp.host else ""
    when = f" at {world.engine.clock.short(exp.at)}" if exp.at is not None else ""
    label = f"`{exp.run}`{where}{when}"
    if not runs:
        return Check(False, f"{label} printed what was expected (got: it never ran)")
    run = runs[0]
    wrong = []
    if exp.exact is not None and run.output != exp.exact:
        wrong.append("output differs:\n" + _diff(exp.exact, run.output))
    missing = _missing_in_order(exp.output, run.output.splitlines())
    if missing is not None:
        wrong.append(f"no line with {missing!r} (in order) in:\n{run.output}")
    if exp.status is not None and run.status != exp.status:
        wrong.append(f"exit status {run.status}, not {exp.status}")
    return Check(not wrong, f"{label} printed what was expected"
                 + (f" (got {'; '.join(wrong)})" if wrong else ""))


def _missing_in_order(wanted: list[str], lines: list[str]) -> str | None:
    i = 0
    for text in wanted:
        while i < len(lines) and text not in lines[i]:
            i += 1
        if i == len(lines):
            return text
        i += 1
    return None


def _diff(expected: str, got: str) -> str:
    import difflib

    return "".join(difflib.unified_diff(expected.splitlines(True), got.splitlines(True),
                                        "expected", "got"))


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


def _mailbox(world: "World", exp: "ExpectMailbox") -> Check:
    messages = mailbox_messages(world, exp.host, exp.path)
    wrong = [] if len(messages) == exp.messages else [f"{len(messages)} messages"]
    for i, data in enumerate(messages, start=1):
        msg = from_bytes(data)
        missing = [name for name in exp.headers if name not in msg]
        if missing:
            wrong.append(f"message {i} lacks {', '.join(missing)}")
    headers = f" with {', '.join(exp.headers)}" if exp.headers else ""
    text = f"{exp.host}:{exp.path} holds {exp.messages} message(s){headers}"
    return Check(not wrong, text + (f" (got {'; '.join(wrong)})" if wrong else ""))
