"""Bad scenario files: each one is scenario 01 with ONE mistake (tests/data/bad/).

tests/data/base-01.yaml is the copy of scenarios/01-basic-delivery.yaml they were made
from, frozen so that editing the lab does not silently change what these files test.

The project rule under test: bad input gets one clear message naming the file, the line
(and column for YAML syntax), the field path and what was expected; exit code 1; never a
Python traceback; never silent acceptance. Each case is checked three ways: through the
library (``load_scenario`` raises ``ScenarioError``), through the CLI in-process
(``CliRunner``), and once through a real ``mailsim`` subprocess.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from simulator.cli import app
from simulator.scenario import load_scenario
from simulator.yamlsource import ScenarioError

ROOT = Path(__file__).resolve().parents[2]
BAD = ROOT / "tests" / "data" / "bad"
GOOD = ROOT / "tests" / "data" / "base-01.yaml"


@dataclass(frozen=True)
class Bad:
    """What the one message about a bad file must say."""

    file: str
    line: int | None
    field: str
    words: tuple[str, ...]  # what was expected / found, in the message's own words
    column: int | None = None

    @property
    def path(self) -> Path:
        return BAD / self.file

    def where(self, shown: str) -> str:
        """``file:line[:column]: field: `` as the message must begin."""
        text = shown
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return f"{text}: {self.field}: " if self.field else f"{text}: "


CASES = [
    Bad("wrong-type-port.yaml", 21, "hosts.alice-pc.accounts.alice.smtp.port",
        ("expected an integer", "(got 'abc')")),
    Bad("unknown-mta-param.yaml", 43, 'hosts["mx.example.org"].mta.mydestinaton',
        ("unknown main.cf parameter 'mydestinaton'", "did you mean 'mydestination'?")),
    Bad("unknown-top-level-field.yaml", 78, "mesages",
        ("unknown field", "expected one of: name, title,", "did you mean 'messages'?")),
    Bad("missing-to.yaml", 79, "messages[0].to", ("required field is missing",)),
    Bad("bad-ip.yaml", 39, 'hosts["mx.example.org"].ip',
        ("expected an IPv4 address like 192.0.2.10", "(got '192.0.2.256')")),
    Bad("bad-latency.yaml", 62, "links[3].latency",
        ("expected a duration like 300s, 5m, 2h", "(got 'fast')")),
    Bad("link-unknown-host.yaml", 62, "links[3].between[1]",
        ("unknown host 'mx.example.com'", "expected one of:", "mx.example.org")),
    Bad("from-without-account.yaml", 82, "messages[0].from",
        ("alice-pc has no account for carol@example.net", "accounts: alice@example.net")),
    # line 72 of the YAML file is line 7 of the zone text that starts on line 66
    Bad("bad-zone-line.yaml", 72, "dns",
        ("zone line 7", "expected 'A <IPv4 address>'", "192.0.2.256")),
    Bad("duplicate-key.yaml", 40, 'hosts["mx.example.org"].ip',
        ("duplicate key 'ip'", "first defined on line 39")),
    Bad("yaml-syntax-error.yaml", 60, "",
        ("YAML syntax error", "expected ',' or '}'", "line 59, column 5"), column=5),
    Bad("bad-timezone.yaml", 10, "timezone",
        ("expected an IANA time zone like Asia/Tokyo or UTC", "(got 'Asia/Tokio')")),
    Bad("bad-outcome.yaml", 99, "expect.recipients[0].outcome",
        ("expected one of 'delivered', 'bounced', 'queued', 'rejected'", "(got 'arrived')")),
    Bad("bad-address.yaml", 83, "messages[0].to[0]",
        ("expected an address like user@example.com", "(got 'bob')")),
    # The next five were accepted silently when these tests were first written (a run went
    # ahead with a meaningless value); STYLE.md convention 6 uses the first as its example.
    Bad("mta-bad-duration-value.yaml", 44, 'hosts["mx.example.org"].mta.maximal_backoff_time',
        ("expected a duration like 300s, 5m, 2h", "(got 'abc')")),
    Bad("mta-bad-integer-value.yaml", 44, 'hosts["mx.example.org"].mta.hopcount_limit',
        ("expected a whole number", "(got 'many')")),
    Bad("port-out-of-range.yaml", 21, "hosts.alice-pc.accounts.alice.smtp.port",
        ("expected a port number from 1 to 65535", "(got 99999)")),
    Bad("answer-out-of-range.yaml", 125, "questions[0].answer",
        ("expected a choice index from 0 to 3", "(got 7)")),
    Bad("expect-unknown-message.yaml", 97, "expect.recipients[0].msg",
        ("unknown message 'dinner'", "expected one of: lunch")),
    # submission and relay control (issue 6)
    Bad("op25b-bad-cidr.yaml", 23, "hosts.isp-router.op25b.dynamic",
        ("expected a CIDR block like 198.51.100.0/24", "(got '198.51.100.0/33')")),
    Bad("op25b-on-server.yaml", 30, 'hosts["mail.example.net"].op25b',
        ("OP25B is a rule of an ISP's edge router", "role: router")),
    Bad("drac-without-pop3.yaml", 31, 'hosts["mail.example.net"].drac',
        ("dracauth() is called by the POP3 server", "add pop3 to services")),
    Bad("master-unknown-service.yaml", 41, 'hosts["mx.example.org"].master.submission',
        ("mx.example.org runs no submission service", "smtp, pop3")),
    Bad("restriction-without-table.yaml", 34,
        'hosts["mail.example.net"].mta.smtpd_relay_restrictions',
        ("check_client_access needs a lookup table",)),
    Bad("bad-tls-level.yaml", 34, 'hosts["mail.example.net"].mta.smtpd_tls_security_level',
        ("expected one of: none, may, encrypt", "(got 'required')")),
]


def _ids(cases: list[Bad]) -> list[str]:
    return [case.file.removesuffix(".yaml") for case in cases]


def _rel(path: Path) -> str:
    return os.path.relpath(path, ROOT)


def test_every_bad_file_has_a_case() -> None:
    on_disk = sorted(p.name for p in BAD.glob("*.yaml"))
    assert on_disk == sorted(case.file for case in CASES)
    assert len(CASES) >= 10


def _one_mistake(path: Path) -> list[str]:
    """The lines of ``path`` that differ from the base (a line diff)."""
    import difflib

    good = GOOD.read_text(encoding="utf-8").splitlines()
    bad = path.read_text(encoding="utf-8").splitlines()
    return [d for d in difflib.unified_diff(good, bad, lineterm="", n=0)
            if d[:1] in "+-" and not d.startswith(("+++", "---"))]


def test_base_is_valid() -> None:
    load_scenario(GOOD)


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_bad_file_is_one_small_change_of_the_base(case: Bad) -> None:
    changed = _one_mistake(case.path)
    assert 1 <= len(changed) <= 2, changed  # one line replaced, added or removed


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_load_scenario_names_file_line_field_and_expectation(case: Bad) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(case.path)
    error = info.value
    assert error.file == str(case.path)
    assert len(error.problems) == 1, str(error)
    problem = error.problems[0]
    assert (problem.line, problem.field) == (case.line, case.field), str(error)
    assert problem.column == case.column, str(error)
    text = str(error)
    assert text.startswith(case.where(str(case.path))), text
    for words in case.words:
        assert words in text, f"{words!r} not in {text!r}"
    assert "\n" not in text  # one problem, one line


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def _cli(runner: CliRunner, *args: str):  # type: ignore[no-untyped-def]
    # a fixed width so nothing depends on the terminal of whoever runs the tests
    return runner.invoke(app, list(args), env={"COLUMNS": "120", "NO_COLOR": "1"})


@pytest.mark.parametrize("command", ["run", "validate", "check"])
@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_cli_reports_bad_file_on_stderr_with_exit_1(runner: CliRunner, case: Bad, command: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    shown = _rel(case.path)
    monkeypatch.chdir(ROOT)  # so the message shows the path as typed, relative
    result = _cli(runner, command, shown)
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)  # not a crash
    assert result.stdout == ""
    err = result.stderr
    assert err.startswith(case.where(shown)), err
    for words in case.words:
        assert words in err, f"{words!r} not in {err!r}"
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["run", "validate", "check"])
def test_cli_missing_file(runner: CliRunner, tmp_path: Path, command: str) -> None:
    missing = tmp_path / "no-such-lab.yaml"
    result = _cli(runner, command, str(missing))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{missing}: file not found"
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["run", "validate", "check"])
def test_cli_directory(runner: CliRunner, command: str) -> None:
    result = _cli(runner, command, str(BAD))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{BAD}: this is a directory, expected a YAML file"
    assert "Traceback" not in result.output


def test_load_scenario_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-lab.yaml"
    with pytest.raises(ScenarioError) as info:
        load_scenario(missing)
    assert str(info.value) == f"{missing}: file not found"


def test_load_scenario_directory() -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(BAD)
    assert str(info.value) == f"{BAD}: this is a directory, expected a YAML file"


def test_validate_reports_good_files_then_the_bad_one(runner: CliRunner,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = _cli(runner, "validate", _rel(GOOD), "tests/data/bad/bad-ip.yaml")
    assert result.exit_code == 1
    assert f"{_rel(GOOD)}: ok" in result.stdout
    assert result.stderr.startswith("tests/data/bad/bad-ip.yaml:39: ")


def _mailsim() -> list[str]:
    exe = shutil.which("mailsim")
    return [exe] if exe else [sys.executable, "-m", "simulator"]


IN_A_REAL_PROCESS = [c for c in CASES if c.file in ("wrong-type-port.yaml", "bad-zone-line.yaml")]


@pytest.mark.parametrize("case", IN_A_REAL_PROCESS, ids=_ids(IN_A_REAL_PROCESS))
def test_real_process_exit_1_message_on_stderr_no_traceback(case: Bad) -> None:
    shown = _rel(case.path)
    done = subprocess.run([*_mailsim(), "run", shown], check=False, cwd=ROOT,
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "COLUMNS": "120"})
    assert done.returncode == 1, done
    assert done.stdout == ""
    assert done.stderr.startswith(case.where(shown)), done.stderr
    for words in case.words:
        assert words in done.stderr
    assert "Traceback" not in done.stdout + done.stderr


# The zone text can be written in several YAML styles; the reported line must always be
# the line of the YAML file where the bad record is (for a one-line quoted string, that
# one line).
_ZONE_BAD = "A   192.0.2.256"
_ZONE_STYLES = {
    "literal": lambda z: z,
    "literal-strip": lambda z: z.replace("dns: |\n", "dns: |-\n"),
    "literal-indent-indicator": lambda z: z.replace("dns: |\n", "dns: |2\n"),
    "literal-leading-blank-line": lambda z: z.replace("dns: |\n", "dns: |\n\n"),
    "literal-comment-after-indicator": lambda z: z.replace("dns: |\n", "dns: |   # zones\n"),
    "literal-with-zone-comment": lambda z: z.replace(
        "  $ORIGIN example.org.\n", "  ; bob's provider\n  $ORIGIN example.org.\n"),
    "literal-indicator-on-next-line": lambda z: z.replace("dns: |\n", "dns:\n  |\n"),
    "double-quoted-one-line": lambda z: (
        z[:z.index("dns: |\n")]
        + 'dns: "$ORIGIN example.org.\\n@ MX 10 mx.example.org.\\nmx A 192.0.2.256\\n"\n'
        + z[z.index("\nmessages:") + 1:]),
}


@pytest.mark.parametrize("style", list(_ZONE_STYLES))
def test_bad_zone_line_reports_the_real_yaml_line(style: str, tmp_path: Path) -> None:
    text = _ZONE_STYLES[style](GOOD.read_text(encoding="utf-8").replace(
        "A   192.0.2.25\n", _ZONE_BAD + "\n"))
    real = next(n for n, line in enumerate(text.splitlines(), 1) if "192.0.2.256" in line)
    path = tmp_path / "zone.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    problem = info.value.problems[0]
    assert (problem.line, problem.field) == (real, "dns"), str(info.value)
    assert "expected 'A <IPv4 address>'" in problem.message
