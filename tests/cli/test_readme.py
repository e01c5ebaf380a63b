"""README.md's commands are real: the quick start works and every mailsim line in it runs."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def fenced_blocks(text: str) -> list[tuple[str, str]]:
    """(language, body) of every fenced code block, in order."""
    blocks, lang, body, inside = [], "", [], False
    for line in text.splitlines():
        if line.startswith("```"):
            if inside:
                blocks.append((lang, "\n".join(body) + "\n"))
            inside, lang, body = not inside, line[3:].strip(), []
        elif inside:
            body.append(line)
    return blocks


BLOCKS = [body for lang, body in fenced_blocks(README) if lang == ""]


def quick_start() -> list[str]:
    return [line for block in BLOCKS for line in block.splitlines()
            if line.startswith("pip install")]


def test_the_two_newcomer_commands_share_the_install_step() -> None:
    commands = quick_start()
    assert commands == ["pip install -e '.[dev]' && mailsim run scenarios/01-basic-delivery.yaml",
                        "pip install -e '.[dev]' && pytest"]


def mailsim_lines() -> list[str]:
    """Every `mailsim run/check/validate ...` line of README's code blocks."""
    lines = [line.split("#")[0].strip() for block in BLOCKS for line in block.splitlines()]
    found = [line.split("&& ", 1)[-1] for line in lines if "mailsim " in line]
    return sorted({x for x in found if x.startswith("mailsim ") and "quiz" not in x})


@pytest.mark.parametrize("line", mailsim_lines())
def test_every_mailsim_command_in_the_readme_runs(line: str, tmp_path: Path) -> None:
    argv = shlex.split(line)[1:]
    if "FILE" in argv or any("NAME" in a for a in argv):
        pytest.skip("a template, not a command")
    written, stdin = None, ""  # a command that reads stdin gets it from `< FILE` (mailsim shell)
    if "<" in argv:
        at = argv.index("<")
        stdin = (ROOT / argv[at + 1]).read_text(encoding="utf-8")
        del argv[at:at + 2]
    if "--html" in argv:  # the report goes to a temporary folder, not into the checkout
        at = argv.index("--html") + 1
        written = argv[at] = str(tmp_path / Path(argv[at]).name)
    if "--export" in argv:  # exported mailboxes go to the temporary folder as well
        at = argv.index("--export") + 1
        argv[at] = str(tmp_path / Path(argv[at]).name)
    if "-o" in argv:  # mailsim generate's scenario goes to a temporary folder too
        at = argv.index("-o") + 1
        argv[at] = str(tmp_path / Path(argv[at]).name)
    done = subprocess.run([sys.executable, "-m", "simulator", *argv], cwd=ROOT, check=False,
                          capture_output=True, text=True, timeout=120, input=stdin)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    if written is not None:
        assert Path(written).read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_the_python_example_runs() -> None:
    block = next(b for lang, b in fenced_blocks(README)
                 if lang == "python" and "load_scenario" in b)
    done = subprocess.run([sys.executable, "-c", block], cwd=ROOT, check=False, capture_output=True,
                          text=True, timeout=120, env={"MPLBACKEND": "Agg", "PATH": ""})
    assert done.returncode == 0, done.stderr
    assert "From alice@example.net" in done.stdout  # the mbox at 09:05
