"""mailsim glossary, and the interface catalogues (i18n/ui_en.py, ui_ja.py)."""

from __future__ import annotations

import re
import string

from typer.testing import CliRunner

from simulator.cli import app
from simulator.glossary import TERMS
from simulator.i18n import ui_en, ui_ja

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def test_every_term_is_given_and_explained_in_both_languages() -> None:
    for t in TERMS:
        assert JAPANESE.search(t.ja) and JAPANESE.search(t.ja_text), t.en
        assert not JAPANESE.search(t.en + t.en_text), t.en


def test_the_two_meanings_of_tenso_and_the_yen_sign() -> None:
    out = CliRunner().invoke(app, ["glossary", "--lang", "ja"]).output
    assert "転送 (MTA 間の中継)" in out and "転送 (~/.forward による転送)" in out
    assert "¥ (円記号に見えるバックスラッシュ)" in out and "\\user" in out
    assert "メール転送エージェント (MTA)  —  MTA (Mail Transfer Agent)" in out
    en = CliRunner().invoke(app, ["glossary"]).output
    assert en.startswith("Glossary of mail terms")
    assert "MDA / LDA (Mail / Local Delivery Agent)  —  メール配送エージェント (MDA、LDA)" in en


def test_ui_catalogues_have_the_same_keys_and_placeholders() -> None:
    assert sorted(ui_en.UI) == sorted(ui_ja.UI)
    for key, text in ui_ja.UI.items():
        fields = {f for _, f, _, _ in string.Formatter().parse(text) if f}
        assert fields == {f for _, f, _, _ in string.Formatter().parse(ui_en.UI[key]) if f}, key
        assert JAPANESE.search(text), key
