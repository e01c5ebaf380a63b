"""The HTML report in a real headless chromium: what a student sees and clicks.

Loads the file by a file:// URL, checks the DOM (lanes, hops, the highlighted path), drives
the controls (step, back, play, a click on a hop, the message selector, the language
switch) and asserts the page asked the network for nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from simulator import load_scenario
from simulator.render.graph import path_edges
from simulator.render.html import write_report

ROOT = Path(__file__).resolve().parents[2]
KANA = re.compile(r"[\u3040-\u30ff]")


def report(tmp_path: Path, name: str) -> tuple[Path, Any]:
    world = load_scenario(ROOT / "scenarios" / name).build().run()
    return write_report(world, tmp_path / f"{Path(name).stem}.html"), world


class Page:
    """A chromium tab on one report, recording every request and script error."""

    def __init__(self, context: Any, path: Path) -> None:
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.page = context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.route(re.compile(r"^(?!file:).*"), self._block)
        self.url = path.resolve().as_uri()
        self.page.goto(self.url)

    def _block(self, route: Any) -> None:
        self.blocked.append(route.request.url)
        route.abort()

    def texts(self, selector: str) -> list[str]:
        return [str(t) for t in self.page.locator(selector).all_text_contents()]

    def visible_hops(self) -> int:
        return int(self.page.locator("#sequence .hop:not(.hidden)").count())


@pytest.fixture()
def basic(browser: Any, tmp_path: Path) -> Iterator[tuple[Page, Any]]:
    path, world = report(tmp_path, "01-basic-delivery.yaml")
    tab = Page(browser, path)
    yield tab, world
    assert tab.errors == []
    tab.page.close()


def test_lanes_hops_and_the_highlighted_path(basic: tuple[Page, Any]) -> None:
    tab, world = basic
    assert tab.page.title().startswith("mailsim report: One message, hop by hop")
    assert tab.texts("#sequence .role") == ["MUA", "MSA", "MTA", "DNS", "MDA", "MRA"]
    assert tab.texts("#sequence .lane-host") == [
        "alice-pc", "bob-pc", "mail.example.net", "mail.example.net", "mx.example.org", "dns",
        "mx.example.org", "mx.example.org"]
    assert tab.page.locator("#sequence .hop").count() == len(world.trace.path("lunch")) == 16
    assert tab.visible_hops() == 0
    assert tab.texts("#counter") == ["hop 0 of 16"]
    crossed = {"|".join(sorted(e)) for e in path_edges(world, "lunch")}
    highlighted = tab.page.locator("#network .edge.path")
    assert sorted(highlighted.evaluate_all("gs => gs.map(g => g.dataset.edge)")) == sorted(crossed)
    assert tab.page.locator("#network .edge:not(.path)").count() == \
        world.net.graph.number_of_edges() - len(crossed)
    assert tab.page.locator("#msg-choice").is_hidden()  # one message: no selector


def test_step_and_back_reveal_hops_one_by_one(basic: tuple[Page, Any]) -> None:
    tab, _ = basic
    for _ in range(3):
        tab.page.click("#step")
    assert tab.visible_hops() == 3
    assert tab.texts("#counter") == ["hop 3 of 16"]
    assert "submit" in tab.texts("#hop-table")[0]
    assert tab.page.locator("#network .edge.current").count() == 2  # alice-pc → isp → MSA
    assert tab.page.locator("#sequence .hop.selected").get_attribute("data-i") == "2"
    tab.page.click("#back")
    assert tab.visible_hops() == 2
    assert "tls_handshake" in tab.texts("#hop-table")[0]
    assert tab.page.locator("#network .edge.current").count() == 0  # no message carried yet


def test_play_reveals_hops_as_time_passes_and_pause_stops(basic: tuple[Page, Any]) -> None:
    tab, _ = basic
    tab.page.click("#play")
    assert tab.texts("#play") == ["Pause"]
    tab.page.wait_for_function(
        "document.querySelectorAll('#sequence .hop:not(.hidden)').length >= 3", timeout=5000)
    tab.page.click("#play")
    shown = tab.visible_hops()
    tab.page.wait_for_timeout(1200)
    assert tab.visible_hops() == shown
    assert tab.texts("#play") == ["Play"]


def test_a_click_on_a_hop_shows_its_transcript_and_headers(basic: tuple[Page, Any]) -> None:
    tab, _ = basic
    tab.page.click("#all")
    assert tab.visible_hops() == 16
    tab.page.locator("#sequence .hop", has_text="submit:").click()
    transcript = tab.texts("#transcript-text")[0]
    assert "S: 220 mail.example.net ESMTP Postfix" in transcript
    assert "C~: AUTH PLAIN" in transcript and "S~: 250 2.0.0 Ok: queued as" in transcript
    headers = tab.texts("#headers-text")[0]
    assert "Subject: Lunch on Friday?" in headers and "Received:" not in headers
    tab.page.locator("#sequence .hop", has_text="relay:").click()
    assert tab.texts("#headers-text")[0].startswith("Received: from [198.51.100.23]")
    tab.page.locator("#sequence .hop", has_text="queue_active").first.click()
    assert tab.texts("#transcript")[0].startswith("No network dialogue")


def test_the_language_switch_shows_japanese(basic: tuple[Page, Any]) -> None:
    tab, _ = basic
    tab.page.click("#step")
    tab.page.click("[data-lang=ja]")
    assert tab.page.evaluate("document.documentElement.lang") == "ja"
    assert tab.texts("#network-section h2") == ["ネットワーク"]
    assert tab.texts("#play") == ["再生"] and tab.texts("#step") == ["次へ"]
    assert tab.texts("#counter") == ["16 ホップ中 1 番目"]
    assert KANA.search(tab.texts("#hop-table .explain")[0])
    assert tab.texts("#outcomes .st-delivered") == ["配送済み"]
    tab.page.click("[data-lang=en]")
    assert tab.texts("#play") == ["Play"]


def test_no_network_request_is_attempted(basic: tuple[Page, Any]) -> None:
    tab, _ = basic
    for button in ("#step", "#play", "#play", "#all", "[data-lang=ja]", "#restart"):
        tab.page.click(button)
    assert tab.requests == [tab.url]
    assert tab.blocked == []


def test_the_message_selector_switches_the_diagram(browser: Any, tmp_path: Path) -> None:
    path, world = report(tmp_path, "11-pop3-vs-imap.yaml")
    tab = Page(browser, path)
    assert tab.page.locator("#msg-choice").is_visible()
    assert tab.texts("#msg option") == ["agenda", "minutes", "lunch"]
    tab.page.select_option("#msg", label="lunch")
    assert tab.page.locator("#sequence .hop").count() == len(world.trace.path("lunch"))
    assert tab.texts("#outcomes tr.mine td:nth-child(1)") == ["lunch", "lunch"]
    assert tab.errors == [] and tab.requests == [tab.url]


def test_a_screenshot_of_the_whole_page(basic: tuple[Page, Any], tmp_path: Path) -> None:
    """The page renders to a picture (look at it with an image viewer when changing it)."""
    tab, _ = basic
    tab.page.click("#all")
    tab.page.locator("#sequence .hop", has_text="submit:").click()
    shot = tmp_path / "report.png"
    tab.page.screenshot(path=str(shot), full_page=True)
    size = tab.page.evaluate("[document.body.scrollWidth, document.body.scrollHeight]")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert size[0] <= 1400 and size[1] > 1500  # no sideways scrolling at 1400 px
