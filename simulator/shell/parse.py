"""What bash does to a line before the program runs: words, ``~``, redirections, heredocs.

The simulated programs (simulator/commands/) get an argv and a stdin, as execve(2) gives
them; the shell in between splits the words (shlex, POSIX rules), expands ``~`` and
``~user`` (bash(1) "Tilde Expansion"), and takes ``> FILE``, ``>> FILE``, ``< FILE`` and
``<<WORD`` / ``<<-WORD`` (bash(1) "REDIRECTION", "Here Documents") off the line.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

REDIRECTS = (">", ">>", "<", "<<", "<<-")
UNSUPPORTED = ("|", "||", "&", "&&", ";", ";;", "(", ")", ">&", "<&", "&>", ">|")


class ParseError(ValueError):
    """A line bash would refuse (``bash: syntax error ...``) or we do not model."""


@dataclass(slots=True)
class Parsed:
    words: list[str]
    line: str  # the command line as the program's trace shows it
    out: str | None = None  # > or >> target, as typed
    append: bool = False
    stdin_file: str | None = None  # < FILE
    heredoc: str | None = None  # the delimiter word of <<WORD
    strip_tabs: bool = False  # <<-WORD drops leading tabs of the body
    notes: list[str] = field(default_factory=list)


def split(line: str, homes: dict[str, str], me: str) -> Parsed:
    """Split ``line``; ``homes`` maps user names to home directories, ``me`` is the caller.

    SIMPLIFICATION: ``~`` is expanded also inside quotes, as shlex keeps no quoting."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        tokens = list(lexer)
    except ValueError as exc:
        raise ParseError(f"bash: syntax error: {exc}") from None
    parsed = Parsed([], line)
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok in UNSUPPORTED:
            raise ParseError(f"mailsim shell: '{tok}' (pipes, lists, background jobs) is not "
                             "modelled: type one command per line")
        if tok in REDIRECTS:
            if i + 1 >= len(tokens) or tokens[i + 1] in REDIRECTS + UNSUPPORTED:
                raise ParseError("bash: syntax error near unexpected token `newline'")
            _redirect(parsed, tok, tokens[i + 1], homes, me)
            i += 2
            continue
        parsed.words.append(tilde(tok, homes, me))
        i += 1
    if parsed.words != _plain_words(line):
        parsed.line = shlex.join(parsed.words)
    return parsed


def _plain_words(line: str) -> list[str]:
    try:
        return shlex.split(line)
    except ValueError:
        return []


def _redirect(parsed: Parsed, op: str, target: str, homes: dict[str, str], me: str) -> None:
    if op in (">", ">>"):
        parsed.out, parsed.append = tilde(target, homes, me), op == ">>"
    elif op == "<":
        parsed.stdin_file = tilde(target, homes, me)
    else:  # the lexer reads ``<<-EOF`` as ``<<`` and ``-EOF``
        dash = op == "<<-" or target.startswith("-")
        parsed.heredoc, parsed.strip_tabs = target[1:] if op == "<<" and dash else target, dash


def tilde(word: str, homes: dict[str, str], me: str) -> str:
    """``~`` is the caller's home, ``~bob`` bob's; an unknown ``~name`` stays as it is."""
    if not word.startswith("~"):
        return word
    name, _, rest = word[1:].partition("/")
    home = homes.get(name or me)
    if home is None:
        return word
    return home + ("/" + rest if rest or word.endswith("/") else "")
