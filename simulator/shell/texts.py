"""The shell's own sentences, in en and ja (simulator/i18n/shell_en.py, shell_ja.py)."""

from __future__ import annotations


def say(key: str, lang: str = "en", **args: object) -> str:
    from ..i18n import shell_en, shell_ja

    catalogue = shell_ja.SHELL if lang == "ja" else shell_en.SHELL
    template = catalogue.get(key) or shell_en.SHELL[key]
    return template.format(**args) if args else template
