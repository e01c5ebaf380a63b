"""local(8)'s walk over one recipient (agents/mda/recipient.py), without a network.

Each test sets up /etc/aliases, ~/.forward or :include: files in a host's filesystem and
checks the leaves (where copies end) and the attributes they carry, as local/recipient.c,
alias.c, dotforward.c, include.c and token.c decide them.
"""

from __future__ import annotations

from collections.abc import Iterable

from simulator.agents.mda import aliases, recipient
from simulator.agents.mda.expansion import Expansion, Facts, Leaf, Step, Warning
from simulator.agents.mta.params import MainCf
from simulator.host import User
from simulator.model.fs import VirtualFS

USERS = ("alice", "bob", "carol", "sakura", "kaede")


def facts(alias_text: str = "", files: Iterable[tuple[str, str, str, int]] = (),
          delivered_to: Iterable[str] = (), trace_only: bool = False,
          **cf: str) -> Facts:
    fs = VirtualFS()
    fs.write("/etc/aliases", alias_text.encode())
    for path, text, owner, mode in files:
        fs.write(path, text.encode(), owner, mode)
    main = MainCf("mx.example.org", "192.0.2.25",
                  {"myorigin": "example.org", "mydestination": "example.org", **cf})
    name = aliases.MapName("hash", "/etc/aliases")
    aliases.build(fs, name, 0, "root", 0.0)
    users = {"root": User("root", 0, "/root", None)}
    users |= {n: User(n, 1000 + i, f"/home/{n}", None) for i, n in enumerate(USERS)}
    return Facts(main, users, fs, frozenset({"example.org"}), [aliases.open_db(fs, name)],
                 frozenset(delivered_to), trace_only,
                 lambda u: f"/var/spool/mail/{u.name}", lambda t: f"{t:g}")


def walk(f: Facts, address: str, orig: str | None = None, sender: str = "ken@example.net"
         ) -> Expansion:
    return recipient.expand(f, "q", address, orig or address, f"rfc822;{orig or address}",
                            sender)


def leaves(exp: Expansion) -> list[tuple[str, str, str]]:
    return [(e.kind, e.attr.address, e.status) for e in exp.effects if isinstance(e, Leaf)]


def steps(exp: Expansion) -> list[str]:
    return [e.action for e in exp.effects if isinstance(e, Step)]


def warnings(exp: Expansion) -> list[str]:
    return [e.text for e in exp.effects if isinstance(e, Warning)]


def test_plain_user() -> None:
    assert leaves(walk(facts(), "alice@example.org")) == [
        ("mailbox", "alice@example.org", "sent")]


def test_unknown_user_bounces_5_1_1() -> None:
    (leaf,) = [e for e in walk(facts(), "nobody@example.org").effects if isinstance(e, Leaf)]
    assert (leaf.kind, leaf.dsn, leaf.reason) == ("bounce", "5.1.1", 'unknown user: "nobody"')


def test_alias_chain_keeps_the_first_address_as_delivered_to() -> None:
    f = facts("mailer-daemon: postmaster\npostmaster: root\nroot: sakura\n")
    exp = walk(f, "MAILER-DAEMON@example.org")
    (leaf,) = [e for e in exp.effects if isinstance(e, Leaf)]
    assert (leaf.attr.address, leaf.attr.delivered, leaf.attr.orig) == (
        "sakura@example.org", "MAILER-DAEMON@example.org", "MAILER-DAEMON@example.org")
    assert steps(exp) == ["alias", "alias", "alias"]


def test_frozen_delivered_to_no_follows_the_aliases() -> None:
    f = facts("postmaster: root\nroot: sakura\n", frozen_delivered_to="no")
    (leaf,) = [e for e in walk(f, "postmaster@example.org").effects if isinstance(e, Leaf)]
    assert leaf.attr.delivered == "sakura@example.org"


def test_an_alias_that_names_itself_delivers_to_the_user() -> None:
    exp = walk(facts("alice: alice, bob\n"), "alice@example.org")
    assert leaves(exp) == [("mailbox", "alice@example.org", "sent"),
                           ("mailbox", "bob@example.org", "sent")]
    assert "alias_self" in steps(exp)


def test_duplicates_inside_one_expansion_are_dropped() -> None:
    exp = walk(facts("team: bob, bob, sub\nsub: bob, carol\n"), "team@example.org")
    assert leaves(exp) == [("mailbox", "bob@example.org", "sent"),
                           ("mailbox", "carol@example.org", "sent")]
    assert steps(exp).count("duplicate") == 2  # same level, then the same mailbox


def test_alias_loop_ends_past_level_100() -> None:
    exp = walk(facts("a: b\nb: a\n"), "a@example.org")
    (leaf,) = [e for e in exp.effects if isinstance(e, Leaf)]
    assert (leaf.dsn, leaf.reason, leaf.attr.address) == (
        "5.4.6", "alias database loop for b", "b@example.org")
    assert warnings(exp) == ["alias database loop for b"]
    assert steps(exp).count("alias") == 25


def test_delivered_to_loop() -> None:
    exp = walk(facts(delivered_to={"alice@example.org"}), "Alice@example.org")
    (leaf,) = [e for e in exp.effects if isinstance(e, Leaf)]
    assert (leaf.kind, leaf.dsn, leaf.reason) == (
        "bounce", "5.4.6", "mail forwarding loop for Alice@example.org")


def test_remote_address_in_an_alias_is_requeued() -> None:
    exp = walk(facts("ext: someone@example.net\n"), "ext@example.org")
    assert leaves(exp) == [("forward", "someone@example.net", "pending")]


def test_owner_alias_changes_the_sender_and_requeues_members() -> None:
    exp = walk(facts("list: alice, bob\nowner-list: carol\n"), "list@example.org")
    fwd = [e for e in exp.effects if isinstance(e, Leaf)]
    assert [(e.kind, e.attr.address) for e in fwd] == [
        ("forward", "alice@example.org"), ("forward", "bob@example.org")]
    assert {(e.attr.sender, e.attr.orig, e.attr.dsn_orcpt) for e in fwd} == {
        ("owner-list@example.org", "", "")}


def test_expand_owner_alias_uses_the_owner_address() -> None:
    f = facts("list: alice\nowner-list: carol\n", expand_owner_alias="yes")
    (leaf,) = [e for e in walk(f, "list@example.org").effects if isinstance(e, Leaf)]
    assert leaf.attr.sender == "carol@example.org"


def test_dotforward_keep_a_copy() -> None:
    f = facts(files=[("/home/sakura/.forward", "\\sakura, kaede\n", "sakura", 0o644)])
    exp = walk(f, "sakura@example.org")
    assert leaves(exp) == [("mailbox", "sakura@example.org", "sent"),
                           ("forward", "kaede@example.org", "pending")]
    assert steps(exp)[:2] == ["dotforward", "alias_self"]


def test_dotforward_to_other_user_only() -> None:
    f = facts(files=[("/home/bob/.forward", "# away\ncarol\n", "bob", 0o600)])
    assert leaves(walk(f, "bob@example.org")) == [("forward", "carol@example.org", "pending")]


def test_empty_dotforward_means_mailbox() -> None:
    f = facts(files=[("/home/bob/.forward", "# nothing\n\n", "bob", 0o644)])
    exp = walk(f, "bob@example.org")
    assert leaves(exp) == [("mailbox", "bob@example.org", "sent")]
    assert "forward_empty" in steps(exp)


def test_untrusted_dotforward_files_are_ignored_with_warnings() -> None:
    cases = {("alice", 0o644): "file /home/bob/.forward has bad owner uid 1000",
             ("bob", 0o646): "file /home/bob/.forward is world writable",
             ("root", 0o600): "cannot open file /home/bob/.forward: Permission denied",
             ("bob", 0o200): "cannot open file /home/bob/.forward: Permission denied"}
    for (owner, mode), warning in cases.items():
        f = facts(files=[("/home/bob/.forward", "carol\n", owner, mode)])
        exp = walk(f, "bob@example.org")
        assert leaves(exp) == [("mailbox", "bob@example.org", "sent")], warning
        assert warnings(exp) == [warning]


def test_group_writable_and_root_owned_dotforward_are_used() -> None:
    for owner, mode in (("bob", 0o664), ("root", 0o644)):
        f = facts(files=[("/home/bob/.forward", "carol\n", owner, mode)])
        assert leaves(walk(f, "bob@example.org")) == [
            ("forward", "carol@example.org", "pending")]


def test_include_members_are_always_requeued() -> None:
    f = facts("staff: :include:/etc/staff\n",
              files=[("/etc/staff", "alice\nbob@example.net\n", "root", 0o644)])
    exp = walk(f, "staff@example.org")
    assert leaves(exp) == [("forward", "alice@example.org", "pending"),
                           ("forward", "bob@example.net", "pending")]


def test_include_problems_bounce_5_3_5() -> None:
    cases = {"/etc/missing": "unable to lookup :include: file /etc/missing: No such file or "
                             "directory",
             "/etc/open": ":include: file /etc/open is world writable",
             "etc/relative": ":include:etc/relative uses a relative path"}
    for path, warning in cases.items():
        f = facts(f"staff: :include:{path}\n", files=[("/etc/open", "alice\n", "root", 0o666)])
        exp = walk(f, "staff@example.org")
        (leaf,) = [e for e in exp.effects if isinstance(e, Leaf)]
        assert (leaf.kind, leaf.dsn, leaf.reason) == (
            "bounce", "5.3.5", "mail system configuration error")
        assert warnings(exp) == [warning]


def test_commands_and_files_in_includes_are_restricted() -> None:
    f = facts("staff: :include:/etc/staff\n",
              files=[("/etc/staff", '"|/bin/cat"\n/var/log/all\n', "root", 0o644)])
    reasons = [e.reason for e in walk(f, "staff@example.org").effects if isinstance(e, Leaf)]
    assert reasons == ["mail to command is restricted", "mail to file is restricted"]
    f = facts("staff: :include:/etc/staff\n", allow_mail_to_commands="alias, include",
              files=[("/etc/staff", '"|/bin/cat"\n', "root", 0o644)])
    assert leaves(walk(f, "staff@example.org")) == [("command", "staff@example.org", "sent")]


def test_commands_and_files_run_with_default_privs_for_root_aliases() -> None:
    f = facts('archive: /var/log/all, "|/usr/bin/tee -a /tmp/x"\n')
    found = [(e.kind, e.target, e.rights.name) for e in walk(f, "archive@example.org").effects
             if isinstance(e, Leaf)]
    assert found == [("file", "/var/log/all", "nobody"),
                     ("command", "/usr/bin/tee -a /tmp/x", "nobody")]


def test_commands_in_a_dotforward_run_as_the_user() -> None:
    f = facts(files=[("/home/bob/.forward", '"|/usr/bin/procmail"\n', "bob", 0o644)])
    (leaf,) = [e for e in walk(f, "bob@example.org").effects if isinstance(e, Leaf)]
    assert (leaf.kind, leaf.target, leaf.rights.name) == ("command", "/usr/bin/procmail", "bob")


def test_an_executable_file_is_refused() -> None:
    f = facts("x: /usr/local/bin/tool\n", files=[("/usr/local/bin/tool", "", "root", 0o755)])
    (leaf,) = [e for e in walk(f, "x@example.org").effects if isinstance(e, Leaf)]
    assert (leaf.dsn, leaf.reason) == ("5.7.1", "file is executable")


def test_restricted_file_failure_goes_to_an_owner_alias() -> None:
    f = facts("x: /var/log/x\nowner-x: carol\n", allow_mail_to_files="forward")
    (leaf,) = [e for e in walk(f, "x@example.org").effects if isinstance(e, Leaf)]
    assert (leaf.reason, leaf.notify) == ("mail to file is restricted", "owner-x@example.org")


def test_required_aliases_missing_are_discarded() -> None:
    exp = walk(facts(), "postmaster@example.org")
    assert leaves(exp) == [("discard", "postmaster@example.org", "sent")]
    assert warnings(exp) == ["required alias not found: postmaster"]


def test_missing_database_defers() -> None:
    f = facts("root: alice\n")
    f.fs.remove("/etc/aliases.db")
    f.dbs = [aliases.open_db(f.fs, aliases.MapName("hash", "/etc/aliases"))]
    (leaf,) = [e for e in walk(f, "alice@example.org").effects if isinstance(e, Leaf)]
    assert (leaf.kind, leaf.dsn, leaf.reason) == ("defer", "4.3.0", "alias database unavailable")


def test_verify_probe_reports_instead_of_delivering() -> None:
    f = facts("team: alice, ext@example.net, nobody\n", trace_only=True)
    found = [(e.kind, e.status, e.reason) for e in walk(f, "team@example.org").effects
             if isinstance(e, Leaf)]
    assert found == [("mailbox", "deliverable", "delivers to mailbox"),
                     ("forward", "deliverable", "forwards to ext@example.net"),
                     ("bounce", "undeliverable", 'unknown user: "nobody"')]


def test_recipient_delimiter() -> None:
    f = facts("sales: carol\n", recipient_delimiter="+")
    assert leaves(walk(f, "sales+jp@example.org")) == [("mailbox", "carol@example.org", "sent")]
    assert leaves(walk(f, "bob+news@example.org")) == [
        ("mailbox", "bob+news@example.org", "sent")]
