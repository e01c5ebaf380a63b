"""The HTML report (render/html.py) without a browser: its data, its self-containedness,
its determinism, and ``mailsim run --html``. tests/browser/ opens it in chromium."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from simulator import load_scenario
from simulator.cli import app
from simulator.i18n import REPORT_TEXTS
from simulator.render.html import ROLES, report_data, report_html, role_of, write_report
from simulator.render.html_assets import SCRIPT, TEMPLATE
from simulator.world import World

ROOT = Path(__file__).resolve().parents[2]
LABS = sorted((ROOT / "scenarios").glob("*.yaml"))


def lab(name: str, until: str | None = None, seed: int | None = None) -> World:
    return load_scenario(ROOT / "scenarios" / name).build(seed=seed).run(until)


@pytest.fixture(scope="module")
def basic() -> World:
    return lab("01-basic-delivery.yaml")


@pytest.fixture(scope="module")
def data(basic: World) -> dict[str, Any]:
    return report_data(basic)


def embedded(page: str) -> dict[str, Any]:
    block = re.search(r'<script type="application/json" id="data">(.*?)</script>', page, re.DOTALL)
    assert block is not None
    return json.loads(block.group(1))  # type: ignore[no-any-return]


# --- the lanes -----------------------------------------------------------------------------
def test_lanes_are_the_six_roles_in_order_each_host_its_own(data: dict[str, Any]) -> None:
    lanes = [(lane["role"], lane["host"]) for lane in data["messages"][0]["lanes"]]
    assert lanes == [("MUA", "alice-pc"), ("MUA", "bob-pc"), ("MSA", "mail.example.net"),
                     ("MTA", "mail.example.net"), ("MTA", "mx.example.org"), ("DNS", "dns"),
                     ("MDA", "mx.example.org"), ("MRA", "mx.example.org")]
    by_lane = {(lane["role"], lane["host"]): lane for lane in data["messages"][0]["lanes"]}
    assert by_lane["MSA", "mail.example.net"]["programs"] == ["smtpd"]
    assert by_lane["MSA", "mail.example.net"]["software"] == "Postfix"
    assert by_lane["MUA", "alice-pc"]["software"] == "Mozilla Thunderbird"
    assert by_lane["MRA", "mx.example.org"]["programs"] == ["pop3d"]
    assert by_lane["MDA", "mx.example.org"]["programs"] == ["local", "mailbox"]


def test_a_role_nobody_plays_keeps_an_empty_lane() -> None:
    lanes = report_data(lab("13-mail-command.yaml"))["messages"][0]["lanes"]
    assert [lane["role"] for lane in lanes] == list(ROLES)
    assert [lane["host"] for lane in lanes if lane["role"] in ("MUA", "MSA", "DNS", "MRA")] \
        == [None] * 4


@pytest.mark.parametrize(("host", "actor", "port", "role"), [
    ("mail.example.net", "smtpd", 587, "MSA"), ("mail.example.net", "smtpd", 465, "MSA"),
    ("mx.example.org", "smtpd", 25, "MTA"), ("dns", "resolver", 53, "DNS"),
    ("mx.example.org", "local", None, "MDA"), ("mx.example.org", "pop3d", 110, "MRA"),
    ("mx.example.org", "dovecot", None, "MRA"), ("alice-pc", "MUA", None, "MUA"),
    ("mx.example.org", "qmgr", None, "MTA")])
def test_role_of(basic: World, host: str, actor: str, port: int | None, role: str) -> None:
    assert role_of(basic, host, actor, port) == role


# --- the hops ------------------------------------------------------------------------------
def test_every_hop_of_the_path_is_a_row_between_its_lanes(basic: World,
                                                           data: dict[str, Any]) -> None:
    msg = data["messages"][0]
    assert msg["key"] == "lunch"
    assert len(msg["hops"]) == len(basic.trace.path("lunch")) == 16
    role = [lane["role"] for lane in msg["lanes"]]
    submit = next(h for h in msg["hops"] if h["action"] == "submit")
    assert (role[submit["from"]], role[submit["to"]]) == ("MUA", "MSA")
    relay = next(h for h in msg["hops"] if h["action"] == "relay")
    assert msg["lanes"][relay["to"]]["host"] == "mx.example.org"
    assert role[relay["from"]] == role[relay["to"]] == "MTA"
    cleanup = [h for h in msg["hops"] if h["action"] == "cleanup"]
    assert [(role[h["from"]], role[h["to"]]) for h in cleanup] == [("MSA", "MTA"),
                                                                   ("MTA", "MTA")]
    assert submit["explain"]["ja"] != submit["explain"]["en"]
    assert submit["edges"] == ["alice-pc|isp-router", "isp-router|mail.example.net"]


def test_a_hop_with_a_dialogue_links_its_transcript(data: dict[str, Any]) -> None:
    submit = next(h for h in data["messages"][0]["hops"] if h["action"] == "submit")
    session = data["sessions"][str(submit["session"])]
    assert (session["proto"], session["port"], session["client"]) == ("SMTP", 587, "alice-pc")
    lines = [f"{side}: {text}" for _, side, text in session["lines"]]
    assert "S: 220 mail.example.net ESMTP Postfix" in lines
    assert "C~: AUTH PLAIN AGFsaWNlAGFsaWNlLXNlY3JldA==" in lines  # after STARTTLS


def test_headers_follow_the_message(data: dict[str, Any]) -> None:
    hops = {h["action"]: h for h in data["messages"][0]["hops"]}
    copy = data["headers"][hops["submit"]["headers"]]
    assert copy["source"] == "headers_data"
    assert copy["text"].startswith("From: Alice Sato <alice@example.net>\n")
    assert "Received:" not in copy["text"]  # the client sends none
    relayed = data["headers"][hops["relay"]["headers"]]["text"]
    assert relayed.startswith("Received: from [198.51.100.23]")  # the MSA's cleanup added it
    fetched = data["headers"][hops["pop3_fetch"]["headers"]]
    assert fetched["source"] == "headers_retrieved"
    assert fetched["text"].startswith("Return-Path: <alice@example.net>\nX-Original-To:")


def test_a_delivery_shows_the_copy_in_the_mailbox_while_it_is_there() -> None:
    data = report_data(lab("01-basic-delivery.yaml", until="5m"))  # not fetched yet
    deliver = next(h for h in data["messages"][0]["hops"] if h["action"] == "deliver_mbox")
    copy = data["headers"][deliver["headers"]]
    assert copy["source"] == "headers_mailbox"
    assert copy["args"] == {"host": "mx.example.org", "path": "/var/spool/mail/bob"}
    assert "Delivered-To: bob@example.org" in copy["text"]


def test_a_message_without_message_id_still_has_its_headers() -> None:
    data = report_data(lab("02-missing-headers.yaml"))
    bare = next(m for m in data["messages"] if m["key"] == "bare")
    submit = next(h for h in bare["hops"] if h["action"] == "submit")
    assert "Message-ID" not in data["headers"][submit["headers"]]["text"]


def test_mail_posted_on_the_host_shows_the_first_copy_seen_later() -> None:
    data = report_data(lab("13-mail-command.yaml"))
    first = data["messages"][0]["hops"][0]
    assert first["action"] == "cleanup" and first["headers_later"] is True
    assert data["headers"][first["headers"]]["source"] == "headers_mailbox"


def test_outcomes_are_listed(data: dict[str, Any]) -> None:
    assert data["outcomes"] == [{"msg": "lunch", "recipient": "bob@example.org",
                                 "status": "delivered", "clock": "09:00:00.369",
                                 "host": "mx.example.org", "where": "/var/spool/mail/bob",
                                 "dsn": "2.0.0"}]


# --- the page ------------------------------------------------------------------------------
def test_the_page_needs_nothing_from_the_network(basic: World) -> None:
    page = report_html(basic)
    # the network, the sequence, and the summary's queue plot (render/summary.py)
    assert re.findall(r"https?://[^\s\"'<]*", page) == ["http://www.w3.org/2000/svg"] * 4
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=|@import|url\((?!#)", page)
    assert "fetch(" not in SCRIPT and "XMLHttpRequest" not in SCRIPT


def test_the_page_embeds_the_data_and_both_languages(basic: World) -> None:
    page = report_html(basic, lang="ja")
    assert page.startswith('<!DOCTYPE html>\n<html lang="ja">')
    data = embedded(page)
    assert data == json.loads(json.dumps(report_data(basic)))
    assert set(data["texts"]) == {"en", "ja"}
    assert data["texts"]["ja"]["play"] == "再生"


def test_the_svg_draws_every_host_and_link(basic: World) -> None:
    page = report_html(basic)
    nodes = re.findall(r'<g class="node (\w+)" data-node="([^"]+)"', page)
    assert sorted(n for _, n in nodes) == sorted(basic.net.graph.nodes)
    assert ("router", "internet") in nodes and ("client", "alice-pc") in nodes
    edges = re.findall(r'<g class="edge" data-edge="([^"]+)"', page)
    assert len(edges) == basic.net.graph.number_of_edges()
    assert "8 ms</text>" in page


def test_a_closing_script_tag_in_the_data_cannot_end_the_block(basic: World,
                                                               monkeypatch: Any) -> None:
    from simulator.render import html

    real = html.report_data
    monkeypatch.setattr(html, "report_data",
                        lambda w: {**real(w), "name": "</script><b>x</b>"})
    page = html.report_html(basic)
    assert page.count("</script>") == 2
    assert embedded(page)["name"] == "</script><b>x</b>"


def test_same_scenario_and_seed_give_the_same_bytes(tmp_path: Path) -> None:
    first = write_report(lab("31-all-mx-down-2h.yaml"), tmp_path / "a.html").read_bytes()
    second = write_report(lab("31-all-mx-down-2h.yaml"), tmp_path / "b.html").read_bytes()
    other = write_report(lab("31-all-mx-down-2h.yaml", seed=2), tmp_path / "c.html").read_bytes()
    assert first == second
    assert first != other


def test_every_text_key_the_script_asks_for_exists_in_both_languages() -> None:
    wanted = set(re.findall(r'\bt\("(\w+)"', SCRIPT)) | set(re.findall(r'data-t="(\w+)"', TEMPLATE))
    wanted -= {"role_", "status_"}  # prefixes the script completes: listed below
    wanted |= {f"role_{r}" for r in ROLES} | {"headers_data", "headers_mailbox",
                                               "headers_retrieved"}
    wanted |= {f"status_{s}" for s in ("delivered", "bounced", "queued", "rejected", "deleted")}
    for lang in ("en", "ja"):
        assert sorted(wanted - set(REPORT_TEXTS[lang])) == [], lang
    assert set(REPORT_TEXTS["en"]) == set(REPORT_TEXTS["ja"])
    for key, text in REPORT_TEXTS["en"].items():
        assert set(re.findall(r"\{(\w+)\}", text)) == \
            set(re.findall(r"\{(\w+)\}", REPORT_TEXTS["ja"][key])), key


@pytest.mark.parametrize("path", LABS, ids=lambda p: p.stem)
def test_every_lab_makes_a_report(path: Path) -> None:
    world = load_scenario(path).build().run()
    data = embedded(report_html(world))
    assert data["messages"], path.name
    for msg in data["messages"]:
        assert len(msg["hops"]) == len(world.trace.path(msg["key"]))
        assert [lane["role"] for lane in msg["lanes"]][:1] == ["MUA"]
        for hop in msg["hops"]:
            assert 0 <= hop["from"] < len(msg["lanes"]) and 0 <= hop["to"] < len(msg["lanes"])
            assert hop["session"] is None or str(hop["session"]) in data["sessions"]


# --- mailsim run --html ----------------------------------------------------------------------
def test_cli_writes_the_report_only_where_asked(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "out" / "report.html"
    target.parent.mkdir()
    lab01 = str(ROOT / "scenarios" / "01-basic-delivery.yaml")
    result = CliRunner().invoke(app, ["run", lab01, "--html", str(target), "--lang", "ja"])
    assert result.exit_code == 0, result.output
    assert "bob@example.org (lunch): 配送済み" in result.output  # the usual view as well
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == [
        Path("out"), Path("out/report.html")]
    assert target.read_text(encoding="utf-8").startswith('<!DOCTYPE html>\n<html lang="ja">')


def test_cli_unwritable_path_is_one_clear_error(tmp_path: Path) -> None:
    lab01 = str(ROOT / "scenarios" / "01-basic-delivery.yaml")
    bad = tmp_path / "missing-dir" / "r.html"
    result = CliRunner().invoke(app, ["run", lab01, "--html", str(bad)])
    assert result.exit_code == 1
    assert f"--html {bad}: cannot write there: No such file or directory" in result.output
    assert "Traceback" not in result.output
