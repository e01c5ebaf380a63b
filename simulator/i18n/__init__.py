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
