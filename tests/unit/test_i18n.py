"""Unit tests for simulator.i18n: every trace event has an explanation in every language.

The hop actions are collected two ways: statically, by reading the source of simulator/
(every ``Hop(...)``, ``Caller(...)`` and helper call that passes an ``action``), and by
running scenarios. Each collected action needs an entry in the en and ja catalogues, and
each template must format with the args the code really passes: ``explain()`` hides a
missing argument by returning the raw template, so the tests call ``str.format`` directly.
"""

from __future__ import annotations

import ast
import dataclasses
import string
from collections.abc import Iterator
from pathlib import Path
from typing import get_args, get_type_hints

import pytest
import yaml

import simulator
from simulator import load_scenario
from simulator.agents.session import Caller
from simulator.i18n import CATALOGUES, LANGUAGES, explain
from simulator.model.status import DeliveryResult
from simulator.model.trace import Hop

PACKAGE = Path(simulator.__file__).parent
ROOT = PACKAGE.parent
SCENARIO_01 = ROOT / "scenarios" / "01-basic-delivery.yaml"


# --- static collection ----------------------------------------------------------------------
def modules() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if "i18n" not in path.relative_to(PACKAGE).parts:
            yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def constants_in_calls(module: str, callee: str, position: int) -> set[str]:
    """String constants passed at ``position`` to calls of ``callee`` in one module."""
    tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node.func) == callee \
                and len(node.args) > position:
            arg = node.args[position]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.add(arg.value)
    return found


def mx_walk_qtypes() -> set[str]:
    """The record types the smtp(8) MX walk asks for: queries made in net/dns.py functions
    that return an MXResult (the relay turns each into a ``dns_<qtype>`` hop)."""
    tree = ast.parse((PACKAGE / "net/dns.py").read_text(encoding="utf-8"))
    found = set()
    for func in ast.walk(tree):
        if isinstance(func, ast.FunctionDef) and "MXResult" in ast.unparse(func.returns or
                                                                              ast.Constant("")):
            for node in ast.walk(func):
                if isinstance(node, ast.Call) and _name(node.func) == "query" \
                        and len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                    found.add(str(node.args[1].value))
    return found


# f-string actions and where their variable part comes from (lower-cased as the code does)
DYNAMIC = {
    "dns_{}": lambda: {q.lower() for q in mx_walk_qtypes()},
    "resolve_{}": lambda: constants_in_calls("agents/mta/resolve.py", "Route", 0),
    # qmgr: one hop per failed recipient, named after DeliveryResult.status
    "status_{}": lambda: set(get_args(get_type_hints(DeliveryResult)["status"])) - {"sent"},
}


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    if len(call.args) > position and not any(isinstance(a, ast.Starred) for a in call.args):
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


def _action_params(trees: list[tuple[Path, ast.Module]]) -> dict[str, int]:
    """Functions with an ``action`` parameter: name -> its position for a caller."""
    found = {}
    for _, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                names = [a.arg for a in node.args.args]
                # a constructor (Hop.__init__) is reached by its class's name: "Hop" above
                if "action" in names and not node.name.startswith("__"):
                    shift = 1 if names and names[0] in ("self", "cls") else 0
                    found[node.name] = names.index("action") - shift
    return found


def _resolve(expr: ast.expr, scope: ast.AST, where: str) -> tuple[set[str], list[str]]:
    """The strings an action expression can take, and what could not be resolved."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return {expr.value}, []
    if isinstance(expr, ast.IfExp):
        a, pa = _resolve(expr.body, scope, where)
        b, pb = _resolve(expr.orelse, scope, where)
        return a | b, pa + pb
    if isinstance(expr, ast.JoinedStr):
        template = "".join(str(v.value) if isinstance(v, ast.Constant) else "{}"
                           for v in expr.values)
        if template not in DYNAMIC:
            return set(), [f"{where}: f-string action {template!r} has no entry in DYNAMIC"]
        return {template.format(v) for v in DYNAMIC[template]()}, []
    if isinstance(expr, ast.Attribute) and expr.attr == "action":
        return set(), []  # caller.action: its values are collected at the Caller(...) calls
    if isinstance(expr, ast.Name):
        params = [a.arg for a in getattr(getattr(scope, "args", None), "args", [])]
        if expr.id == "action" and "action" in params:
            return set(), []  # a pass-through parameter: collected at its call sites
        values: set[str] = set()
        problems: list[str] = []
        for node in ast.walk(scope):
            if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == expr.id for t in node.targets):
                v, p = _resolve(node.value, scope, where)
                values |= v
                problems += p
        if values or problems:
            return values, problems
    return set(), [f"{where}: cannot tell the action of {ast.unparse(expr)!r}"]


def collect_actions() -> tuple[set[str], list[str]]:
    trees = list(modules())
    positions = {"Hop": (Hop._fields.index("action"), "action"),
                 "Caller": ([f.name for f in dataclasses.fields(Caller)].index("action"),
                            "action")}
    positions |= {name: (pos, "action") for name, pos in _action_params(trees).items()}
    actions: set[str] = set()
    problems: list[str] = []
    for path, tree in trees:
        scopes = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.Module))]
        seen: set[int] = set()
        for scope in reversed(scopes):  # innermost functions first, the module last
            for node in ast.walk(scope):
                if not isinstance(node, ast.Call) or id(node) in seen:
                    continue
                seen.add(id(node))
                callee = _name(node.func)
                if callee not in positions:
                    continue
                expr = _argument(node, *positions[callee])
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                if expr is None:
                    problems.append(f"{where}: {callee}(...) without an action argument")
                    continue
                values, trouble = _resolve(expr, scope, where)
                actions |= values
                problems += trouble
    return actions, problems


STATIC, PROBLEMS = collect_actions()


def test_the_scan_resolves_every_action_expression() -> None:
    assert PROBLEMS == []


def test_the_scan_finds_the_actions() -> None:
    # The literal, the f-string, the if/else and the pass-through forms are all found.
    assert {"submit", "relay", "cleanup", "queue_active", "queue_removed", "dns_a", "dns_mx",
            "resolve_smtp", "resolve_local", "deliver_mbox", "deliver_maildir",
            "pop3_fetch", "connect_failed", "bounce"} <= STATIC


# --- the catalogues -------------------------------------------------------------------------
def test_languages() -> None:
    assert LANGUAGES == ("en", "ja")


def test_en_and_ja_have_the_same_keys() -> None:
    en, ja = CATALOGUES["en"], CATALOGUES["ja"]
    assert sorted(set(en) - set(ja)) == [] and sorted(set(ja) - set(en)) == []


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_action_in_the_source_has_an_entry(lang: str) -> None:
    assert sorted(STATIC - set(CATALOGUES[lang])) == []


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_entries_use_the_same_placeholders_in_both_languages(lang: str) -> None:
    for action, template in CATALOGUES[lang].items():
        assert placeholders(template) == placeholders(CATALOGUES["en"][action]), action


def test_ja_entries_are_japanese() -> None:
    for action, template in CATALOGUES["ja"].items():
        assert any(ord(c) > 0x3000 for c in template), action
        assert template != CATALOGUES["en"][action], action


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


# --- templates against the args the code passes ---------------------------------------------
def variant_of_01(tmp: Path) -> Path:
    """Scenario 01 plus the paths it does not take: Maildir delivery on mx.example.org, a
    message to an unknown user (550 at RCPT, then a bounce), one to a domain whose MX
    host listens on no port 25 (connection refused), a scenario event and a command."""
    spec = yaml.safe_load(SCENARIO_01.read_text(encoding="utf-8"))
    spec["expect"], spec["questions"] = {}, []
    spec["hosts"]["mx.example.org"]["mta"]["home_mailbox"] = "Maildir/"
    spec["dns"] += ("$ORIGIN example.com.\n"
                    "@   MX 10 mx.example.com.\n"
                    "mx  A  198.51.100.77\n")  # bob-pc: no MTA there
    spec["messages"] += [
        {"id": "typo", "at": "1s", "client": "alice-pc", "from": "alice@example.net",
         "to": ["nobody@example.org"], "subject": "typo", "body": "Hello?\n"},
        {"id": "down", "at": "2s", "client": "alice-pc", "from": "alice@example.net",
         "to": ["carol@example.com"], "subject": "down", "body": "Hello?\n"},
    ]
    spec["events"] = [{"at": "3s", "do": "write_file", "host": "mx.example.org",
                       "path": "/etc/motd", "content": "Welcome\n"}]
    spec["commands"] = [{"at": "4s", "host": "mail.example.net", "user": "alice",
                         "run": "sendmail bob@example.org", "stdin": "Subject: cli\n\nhi\n",
                         "id": "cli"}]
    path = tmp / "01-variant.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# the local delivery labs (aliases, .forward, :include:, sendmail -bv, loops) and the
# local(8)/cleanup(8) paths none of them takes
LOCAL_RUNS = sorted((ROOT / "scenarios").glob("2?-*.yaml")) + [
    ROOT / "tests" / "data" / "local-edge.yaml"]


def lock_given_up(tmp: Path) -> Path:
    """Lab 12 with deliver_lock_attempts = 1: the second delivery gives up (mbox_lock_failed)."""
    spec = yaml.safe_load((ROOT / "scenarios" / "12-mbox-locking.yaml").read_text("utf-8"))
    spec["expect"], spec["questions"] = {}, []
    spec["hosts"]["spool.example.org"]["mta"]["deliver_lock_attempts"] = 1
    path = tmp / "12-variant.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def hops(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Hop]]:
    runs = {}
    tmp = tmp_path_factory.mktemp("i18n")
    mailboxes = [(p.stem, p) for p in sorted((ROOT / "scenarios").glob("1[0-3]-*.yaml"))]
    for name, path in (("01", SCENARIO_01), ("variant", variant_of_01(tmp)),
                       ("lock-given-up", lock_given_up(tmp)), *mailboxes,
                       *((p.stem, p) for p in LOCAL_RUNS)):
        world = load_scenario(path).build()
        world.run(until="2h")
        runs[name] = list(world.trace.hops)
    # every lab in scenarios/ (the queue labs 30-39 take the retry, hold, expiry and restart
    # paths; 40-45 OP25B, DRAC ...), each run to the end
    runs["labs"] = [hop for path in sorted((ROOT / "scenarios").glob("*.yaml"))
                    for hop in load_scenario(path).build().run().trace.hops]
    return runs


def test_scenario_01_actions_are_found_by_the_scan(hops: dict[str, list[Hop]]) -> None:
    run_actions = {h.action for h in hops["01"]}
    assert {"submit", "relay", "deliver_mbox", "pop3_fetch"} <= run_actions
    assert sorted(run_actions - STATIC) == []


def test_the_runs_exercise_every_action_in_the_source(hops: dict[str, list[Hop]]) -> None:
    # So that the formatting test below checks each template against real args.
    exercised = {h.action for run in hops.values() for h in run}
    assert sorted(STATIC - exercised) == []


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("run", ["01", "variant", "lock-given-up", "labs", "local-edge"])
def test_every_hop_explains_without_falling_back(hops: dict[str, list[Hop]], run: str,
                                                 lang: str) -> None:
    problems = sorted({p for hop in hops[run] for p in explanation_problems(hop, lang)})
    assert problems == []


def explanation_problems(hop: Hop, lang: str) -> list[str]:
    template = CATALOGUES[lang].get(hop.action)
    if template is None:
        return [f"{hop.action}: no {lang} entry"]
    args = dict(hop.args)
    missing = placeholders(template) - set(args)
    if missing:
        return [f"{hop.action}: the {lang} template needs {sorted(missing)}, got {sorted(args)}"]
    text = template.format(**args)
    problems = []
    if explain(hop.action, hop.args, lang) != text:
        problems.append(f"{hop.action}: explain() differs from the formatted {lang} template")
    if "{" in text or "}" in text or (placeholders(template) and text == template):
        problems.append(f"{hop.action}: {lang} text still holds a placeholder: {text!r}")
    problems += [f"{hop.action}: {lang} text lacks the value of {p!r}"
                 for p in placeholders(template) if args[p] not in text]
    return problems


def test_explain_falls_back_quietly() -> None:
    # The documented run-time behaviour that makes the test above necessary.
    assert explain("no_such_action", ()) == ""
    assert explain("relay", (), "en") == CATALOGUES["en"]["relay"]
    assert explain("relay", (("server", "mx"), ("qid", "Q")), "xx") == explain(
        "relay", (("server", "mx"), ("qid", "Q")), "en")
