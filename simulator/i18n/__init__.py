"""Explanations of trace events for learners, in English and Japanese.

Each hop's ``action`` is a key here; its ``args`` fill the template. A missing key or
argument is a bug caught by tests/unit/test_i18n.py, never a crash at run time.
"""

from __future__ import annotations

from . import en, ja

CATALOGUES: dict[str, dict[str, str]] = {"en": en.CATALOGUE, "ja": ja.CATALOGUE}
# the HTML report's headings, buttons and labels (render/html.py)
REPORT_TEXTS: dict[str, dict[str, str]] = {"en": en.REPORT, "ja": ja.REPORT}
LANGUAGES = tuple(CATALOGUES)


def explain(action: str, args: tuple[tuple[str, str], ...], lang: str = "en") -> str:
    catalogue = CATALOGUES.get(lang, en.CATALOGUE)
    template = catalogue.get(action) or en.CATALOGUE.get(action)
    if template is None:
        return ""
    try:
        return template.format(**dict(args))
    except (KeyError, IndexError):
        return template


def ui(key: str, lang: str = "en", **args: object) -> str:
    """A line of mailsim's own interface (quiz, glossary, outcome lines, errors ...) from
    the ui_en/ui_ja catalogues; a key missing in ja falls back to en (a test forbids it)."""
    from . import ui_en, ui_ja

    catalogue = ui_ja.UI if lang == "ja" else ui_en.UI
    template = catalogue.get(key) or ui_en.UI[key]
    return template.format(**args) if args else template


def phrases(text: str | None, lang: str = "en", kind: str = "detail") -> str:
    """A detail, check or outcome text put into ``lang``: in ja, the English phrases of the
    model's own wording (i18n/phrases_ja.py) are replaced, while what the servers print
    (replies, addresses, paths, parameter names, status texts) stays as it is."""
    if not text:
        return ""
    if lang != "ja":
        return text
    from .phrases_ja import translate

    return translate(text, kind)
