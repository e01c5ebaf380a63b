"""The interactive ``mailsim shell`` on a real terminal: prompt_toolkit's line editing,
history (this session's, in memory: nothing is written to the real disk) and completion of
program names, shell commands, hosts, users and the files of the current host."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .texts import say

if TYPE_CHECKING:
    from .session import Shell


def interactive(shell: Shell, write: Callable[[str], None]) -> int:
    from prompt_toolkit import PromptSession  # lazily: ~100 ms, and only on a terminal
    from prompt_toolkit.history import InMemoryHistory

    session: PromptSession[str] = PromptSession(history=InMemoryHistory(),
                                                completer=_completer(shell),
                                                complete_while_typing=False)
    write(say("banner", shell.lang, title=shell.world.spec.title.get(shell.lang),
              t=shell.clock.stamp()) + "\n")

    def more(prompt: str) -> str | None:
        try:
            return session.prompt(prompt)
        except (EOFError, KeyboardInterrupt):
            return None

    while not shell.done:
        try:
            line = session.prompt(shell.prompt())
        except KeyboardInterrupt:  # ^C drops the line, as bash does
            continue
        except EOFError:  # ^D logs out
            line = "exit"
        write(shell.handle(line, more)[0])
    return int(shell.status)


def _completer(shell: Shell):  # type: ignore[no-untyped-def]
    from prompt_toolkit.completion import Completer, Completion

    from ..commands import names
    from .session import BUILTINS

    class Words(Completer):  # type: ignore[misc]
        def get_completions(self, document, event):  # type: ignore[no-untyped-def]
            word = document.get_word_before_cursor(WORD=True)
            first = not document.text_before_cursor.strip() or " " not in \
                document.text_before_cursor.lstrip()
            host = shell.host
            pool = sorted({*names(), *BUILTINS}) if first else sorted(
                {*shell.world.hosts, *host.users, *host.fs.files,
                 *(f"{u.home}/.forward" for u in host.users.values())})
            for candidate in pool:
                if candidate.startswith(word):
                    yield Completion(candidate, start_position=-len(word))

    return Words()
