"""Under --lang ja every view of every lab reads Japanese.

Every lab is run and drawn in each view a student reads in ja (the hop table, the tree, the
timeline, the outcome, fetch, queue and check lines); the text is then scanned for English
prose: three English words in a row. Allowed, because that is what the servers and files
say: SMTP replies (``550 5.1.1 <x>: Recipient address rejected ...``), Postfix's own status
texts, quoted strings (scenario texts, commands, log lines), addresses, paths, parameters and
program names. The transcript and maillog views are the servers' words and are not scanned.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.table import Table
from rich.tree import Tree

from simulator.expect import check
from simulator.labs import lab_paths
from simulator.render import console as render
from simulator.render.timeline import messages
from simulator.render.tree import message_tree
from simulator.scenario import load_scenario

# what servers print: SMTP replies up to the end of their clause, and Postfix's status texts
REPLY = re.compile(r"\b[2-5]\d\d[ -](?:[2-5]\.\d{1,3}\.\d{1,3} )?[^;│\n]*")
POSTFIX_TEXTS = ("Host or domain name not found", "Name service error for name",
                 "Host not found, try again", "Host not found", "does not accept mail",
                 "mail forwarding loop for", "alias database loop for",
                 "mail system configuration error", "mail to command is restricted",
                 "mail to file is restricted", "unknown user", "Connection refused",
                 "Connection timed out", "in reply to", "command", "Relay access denied",
                 "Must issue a STARTTLS command first", "authentication failed",
                 "Recipient address rejected", "User unknown in local recipient table",
                 "too many hops", "said", "Permission denied", "No such file or directory",
                 "with cipher", "key-exchange", "server-signature", "server-digest",
                 "bits", "round trip", "implicit TLS", "STARTTLS",
                 # qmail-local.c's own texts
                 "Uh-oh: .qmail file is writable.", "Sorry, no mailbox here by that name.",
                 "Uh-oh: first line of .qmail file is blank.", "delivery but has x bit set.")
# a header as a message carries it ("Subject: Undelivered Mail Returned to Sender")
HEADER = re.compile(r"\b(?:Subject|From|To|Cc|X-[\w-]+|Delivered-To|Return-Path|Message-I[dD]|"
                    r"Date|Received|Auto-Submitted): [^,]*")
COMMENT = re.compile(r"#[^|]*")  # a comment line of a file (.forward, aliases)
QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|`[^`]*`")
WORD = re.compile(r"^[A-Za-z][a-z]+[,.;:]?$")
NAMES = {"smtpd", "smtp", "local", "pop3d", "imapd", "dovecot", "qmgr", "cleanup", "pickup",
         "resolver", "mailbox", "bounce", "postfix", "sendmail", "exim", "mailq", "postqueue",
         "postsuper", "newaliases", "mail", "root", "nobody", "router", "client", "dns",
         "Postfix", "Sendmail", "Exim", "DNS", "Maildir"}


def english_runs(text: str) -> list[str]:
    """Runs of three or more English words in ``text`` (one line of a view)."""
    text = COMMENT.sub(" ", QUOTED.sub(" ", HEADER.sub(" ", REPLY.sub(" ", text))))
    for phrase in POSTFIX_TEXTS:
        text = text.replace(phrase, " ")
    runs, run = [], []
    for token in re.split(r"[\s│┃┆╎|]+", text):
        # a word of a comma-separated list is a name ("team: bob, carol, dave"), not prose
        if WORD.match(token) and not token.endswith(",") and token.strip(".;:") not in NAMES:
            run.append(token)
            continue
        if len(run) >= 3:
            runs.append(" ".join(run))
        run = []
    return runs + ([" ".join(run)] if len(run) >= 3 else [])


def test_the_scanner_finds_prose_and_passes_protocol_text() -> None:
    assert english_runs("bob@example.org: the message was delivered") == [
        "the message was delivered"]
    assert english_runs("550 5.1.1 <x@y>: Recipient address rejected: User unknown") == []
    assert english_runs("配送済み mx.example.org:/var/spool/mail/bob 'status=sent (ok now)'") == []


def views(path: Path) -> list[str]:
    """Every text a student reads in ja: each cell of the hop and timeline tables, each node
    of the trees, each outcome, queue and check line (cells before wrapping, so that a
    server's text split over two lines is still recognised)."""
    world = load_scenario(path).build().run()
    texts = _cells(render.hop_table(world, "ja"), hop_table=True)
    for key in messages(world):
        texts += _nodes(message_tree(world, key, "ja"))
        texts += _cells(render.timeline_table(world, key, "ja"))
    texts += [t.plain for t in render.outcome_lines(world, "ja")]
    texts += [t.plain for t in render.check_lines(check(world), "ja")]
    texts += [render.queue_lines(world, "ja")[0].plain] if render.queue_lines(world, "ja") else []
    return [line for text in texts for line in text.splitlines()]


def _cells(table: Table, hop_table: bool = False) -> list[str]:
    rows = list(zip(*(column._cells for column in table.columns)))
    # in the hop table the Reply column is what the server or program answered, and a
    # command hop is the command line and what the program printed
    return [str(getattr(cell, "plain", cell)) for row in rows for i, cell in enumerate(row)
            if not (hop_table and (i == 3 or str(row[2]).startswith("command")))]


def _nodes(tree: Tree) -> list[str]:
    label = str(getattr(tree.label, "plain", tree.label))
    if label.split()[:1] == ["command"]:
        label = ""
    return [label] + [text for child in tree.children for text in _nodes(child)]


@pytest.mark.parametrize("path", lab_paths(), ids=[p.stem for p in lab_paths()])
def test_every_view_of_every_lab_reads_japanese(path: Path) -> None:
    found = sorted({run for line in views(path) for run in english_runs(line)})
    assert found == []
