"""mb2md (mb2md.pl 3.20): mbox split into Maildir files, flags, names and its messages."""

from __future__ import annotations

from pathlib import Path

from simulator.commands import run_command
from simulator.commands.mb2md import maildir_name, split_mbox
from simulator.scenario import load_scenario

LAB = Path(__file__).resolve().parents[2] / "scenarios" / "48-mbox-to-maildir.yaml"


def test_from_lines_start_messages_only_after_an_empty_line() -> None:
    text = ("From a@x  Wed Apr  1 09:00:00 2026\nSubject: one\nStatus: RO\nX-Status: A\n\n"
            "body\nFrom here on, not a new message\n>From quoted\n\n"
            "From b@x  Wed Apr  1 10:00:00 2026\nSubject: two\n\nsecond\n")
    (when1, one, flags1), (_, two, flags2) = split_mbox(text)
    assert one == ("Subject: one\n\nbody\nFrom here on, not a new message\nFrom quoted\n\n")
    assert flags1 == "ROA" and flags2 == ""
    assert two == "Subject: two\n\nsecond\n"
    assert when1 is not None


def test_names_follow_the_status_letters() -> None:
    assert maildir_name(100, 0, "RO") == "cur/100.000000.mbox:2,S"
    assert maildir_name(100, 1, "") == "new/100.000001.mbox:2,"
    assert maildir_name(100, 2, "OFARD") == "cur/100.000002.mbox:2,FRST"


def _host():  # type: ignore[no-untyped-def]
    world = load_scenario(LAB).build()
    host = world.hosts["mx.example.org"]
    return host, host.users["yuki"]


def test_s_and_d_options_and_size_tags() -> None:
    host, yuki = _host()
    result = run_command(host, yuki, "mb2md -S -s /var/spool/mail/yuki -d Old")
    assert result.status == 0
    assert "Target Maildir is /home/yuki/Old \n2 messages.\n\n" in result.output
    names = host.fs.under("/home/yuki/Old")
    assert any(n.endswith(",S=94:2,S") and "/cur/" in n for n in names), names
    assert host.fs.read("/var/spool/mail/yuki")  # the mbox stays


def test_errors_answer_as_mb2md_does() -> None:
    host, yuki = _host()
    host.fs.remove("/var/spool/mail/yuki")
    missing = run_command(host, yuki, "mb2md -m")
    assert missing.status == 2 and missing.output.startswith(
        "I searched $MAIL, /var/spool/mail/yuki and /var/mail/yuki")
    assert run_command(host, yuki, "mb2md -s nothing").output == (
        "Fatal: Source is not an mbox file or a directory!\n")
    assert run_command(host, yuki, "mb2md -x").status == 255
    host.fs.write("/home/yuki/notes", b"shopping list\n", "yuki")
    assert run_command(host, yuki, "mb2md -s notes").output == (
        "Skipping /home/yuki/notes: not a mbox file\n")


def test_the_exported_maildir_opens_with_pythons_mailbox(tmp_path: Path) -> None:
    import mailbox

    from typer.testing import CliRunner

    from simulator.cli import app

    result = CliRunner().invoke(app, ["run", str(LAB), "--export", str(tmp_path)])
    assert result.exit_code == 0, result.output
    box = mailbox.Maildir(tmp_path / "mx.example.org" / "home" / "yuki" / "Maildir",
                          create=False)
    by_subject = {m["Subject"]: m for m in box}
    assert by_subject["Train times"].get_subdir() == "cur"
    assert by_subject["Train times"].get_flags() == "S"
    assert by_subject["Directions"].get_subdir() == "new"
    assert "From the station" in by_subject["Directions"].get_payload()
    mbox = mailbox.mbox(tmp_path / "mx.example.org" / "var" / "spool" / "mail" / "yuki")
    assert len(mbox) == 2  # the spool file is left as it was
