"""``mailsim run FILE --view tree``: each message's path as a tree, forks included."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from simulator.cli import app

ROOT = Path(__file__).resolve().parents[2]


def tree(lab: str, *args: str) -> str:
    result = CliRunner().invoke(app, ["run", str(ROOT / "scenarios" / lab), "--view", "tree",
                                      "--width", "200", *args], env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.output


def test_a_forward_forks_into_two_queue_files() -> None:
    out = tree("24-forward-keep-copy.yaml", "--msg", "s")
    lines = out.splitlines()
    queues = [line for line in lines if " queue " in line]
    assert len(queues) == 3  # the MSA's, the MX's, and the re-queued copy for kaede
    assert lines[0] == "s"
    assert any("dotforward" in line and "/home/sakura/.forward" in line for line in lines)
    assert any("✓ deliver_mbox" in line and "/var/spool/mail/sakura" in line for line in lines)
    assert any("forward [forwarded as" in line for line in lines)
    # the copy for kaede hangs below the forward step, deeper than sakura's own copy
    depth = {name: next(len(line) - len(line.lstrip("│├└─ ")) for line in lines
                        if f"/var/spool/mail/{name}" in line and "deliver_mbox" in line)
             for name in ("sakura", "kaede")}
    assert depth["kaede"] > depth["sakura"]


def test_an_alias_fork_lists_every_member() -> None:
    out = tree("20-aliases.yaml", "--msg", "several")
    for user in ("bob", "carol", "dave"):
        assert f"<{user}@example.org> -> /var/spool/mail/{user}" in out
    assert "alias" in out and "team: bob, carol, dave" in out


def test_every_message_gets_its_tree() -> None:
    out = tree("20-aliases.yaml")
    roots = [line for line in out.splitlines() if line in ("one", "several", "twice", "both")]
    assert roots == ["one", "several", "twice", "both"]
