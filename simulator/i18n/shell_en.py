"""English texts of ``mailsim shell`` (simulator/shell/); shell_ja.py has the same keys."""

SHELL: dict[str, str] = {
    "banner": "mailsim shell: {title}\nSimulated clock: {t}. Time moves only when you type step "
              "or run. Type help for the commands.",
    "help": (
        "Commands of the simulated host (as the real programs answer):\n"
        "  {programs}\n"
        "  COMMAND > FILE, >> FILE, < FILE, and here-documents: COMMAND <<EOF ... EOF\n"
        "Shell commands:\n"
        "  edit FILE        replace FILE: type its new content, then a line with a single '.'\n"
        "                   (not a screen editor: it reads lines, also from a script)\n"
        "  ssh [USER@]HOST  log in on another host of the lab; exit comes back\n"
        "  su [-] [USER]    become USER (root without one); exit comes back\n"
        "  exit, logout     leave the current login (the last one ends the shell)\n"
        "Simulation (the clock stands still until you move it):\n"
        "  step             run to the next hop and explain it\n"
        "  run 5m           let 5 minutes pass (units s, m, h, d, w); run alone: until nothing "
        "is left\n"
        "  run until 10:30  let time pass until the clock shows 10:30 (HH:MM[:SS])\n"
        "  status           where every message is: queue, mailbox, bounced\n"
        "  events           what is scheduled: messages, retries, hosts going down or up\n"
        "  clock            the simulated time now\n"
        "  help             this text"),
    "clock": "Simulated clock: {t}",
    "step.none": "Nothing more is scheduled: the clock stays at {t}.",
    "run.done": "Simulated clock: {t} ({n} new hop(s)).",
    "run.bad": "run: expected a duration like 5m, 2h, 1d, or until HH:MM (got {value!r})",
    "status.none": "No message has been sent yet.",
    "status.scheduled": "{msg}: not sent yet: {sender} → {to}, at {t}",
    "status.transit": "{msg}: on its way, no recipient has an outcome yet",
    "status.queue": "{host}: {n} message(s) queued ({queues}); mailq on {host} shows them",
    "events.none": "Nothing is scheduled.",
    "events.message": "{t}  message {msg}: {sender} → {to} (from {client})",
    "events.event": "{t}  {what} {args}",
    "events.command": "{t}  command on {host} as {user}: {line}",
    "events.fetch": "{t}  {client}: {account} fetches mail",
    "events.retry": "{t}  {host}: the deferred-queue scan retries {qid} ({why})",
    "edit.start": "edit {path}: type the new content, end with a line holding a single '.'",
    "edit.done": "edit: wrote {n} line(s) to {path}",
    "cd": "mailsim shell: cd: the shell stays in your home directory; give paths in full "
          "(~/.forward, /etc/aliases)",
    "bye": "The clock stopped at {t}.",
    "err.host": "--host {host}: no such host in this lab (hosts: {known})",
    "err.user": "--user {user}: no such user on {host} (users: {known})",
}
