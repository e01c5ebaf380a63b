"""One student at a simulated terminal: who is logged in where, and what each line does.

A line is either a shell builtin (``edit``, ``ssh``, ``su``, ``exit``, ``cd``) or a
simulation command (``step``, ``run``, ``status``, ``events``, ``clock``, ``help``), or
else a program run through the command registry (simulator/commands/), exactly as the
scenario's ``commands:`` run them: ``run_command(host, user, line, stdin)``. Its output is
shown as the registry gives it; redirections write only into the host's virtual
filesystem. A name the registry does not know is ``bash: NAME: command not found`` (127).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .clock import SimClock
from .parse import Parsed, ParseError, split

if TYPE_CHECKING:
    from ..host import Host, User
    from ..world import World

More = Callable[[str], "str | None"]  # reads one more line after a prompt ("> ")
Reply = tuple[str, int]  # what the terminal shows, and the exit status ($?)
PS2 = "> "  # bash's secondary prompt, for here-documents and edit


@dataclass(slots=True)
class Login:
    host: Host
    user: User
    how: str  # "login" (the first), "ssh" or "su"


class Shell:
    """The state of one shell session; ``handle`` runs one line typed at the prompt."""

    def __init__(self, world: World, host: Host, user: User, lang: str = "en") -> None:
        self.world, self.lang = world, lang
        self.logins = [Login(host, user, "login")]
        self.clock = SimClock(world, lang)
        self.status = 0
        self.done = False

    @property
    def host(self) -> Host:
        return self.logins[-1].host

    @property
    def user(self) -> User:
        return self.logins[-1].user

    def prompt(self) -> str:
        """bash's ``\\u@\\h:\\w\\$ ``: ``#`` for root. The shell stays in the home, ``~``."""
        mark = "#" if self.user.uid == 0 else "$"
        return f"{self.user.name}@{self.host.short_name}:~{mark} "

    def handle(self, line: str, more: More) -> Reply:
        line = line.strip()
        if not line or line.startswith("#"):
            return "", self.status
        homes = {u.name: u.home for u in self.host.users.values()}
        try:
            parsed = split(line, homes, self.user.name)
            stdin = self._stdin(parsed, more)
        except ParseError as exc:
            return self._done(str(exc) + "\n", 2 if "syntax" in str(exc) else 1)
        builtin = BUILTINS.get(parsed.words[0]) if parsed.words else None
        if builtin is None:
            return self._done(*self._program(parsed, stdin))
        out, status = builtin(self, parsed.words[1:], more)
        if parsed.out is not None:  # "status > ~/now.txt" works as in bash
            denied = self.write(parsed.out, out, parsed.append)
            out, status = (denied, 1) if denied else ("", status)
        return self._done(out, status)

    def _done(self, out: str, status: int) -> Reply:
        self.status = status
        return (out if not out or out.endswith("\n") else out + "\n"), status

    # --- what a program reads and writes -------------------------------------------------------
    def _stdin(self, parsed: Parsed, more: More) -> str:
        if parsed.heredoc is not None:
            return self._heredoc(parsed.heredoc, parsed.strip_tabs, more)
        if parsed.stdin_file is not None:
            from ..model.fs import resolve

            data = self.host.fs.read(resolve(self.user.home, parsed.stdin_file))
            if data is None:
                raise ParseError(f"bash: {parsed.stdin_file}: No such file or directory")
            return data.decode("utf-8", "replace")
        return ""

    @staticmethod
    def _heredoc(word: str, strip_tabs: bool, more: More) -> str:
        body = []
        while True:
            line = more(PS2)
            if line is None:  # bash warns and takes what it has
                body.append("")
                break
            line = line.lstrip("\t") if strip_tabs else line
            if line == word:
                break
            body.append(line + "\n")
        return "".join(body)

    def _program(self, parsed: Parsed, stdin: str) -> Reply:
        from ..commands import run_command

        since = len(self.world.trace.hops)
        result = run_command(self.host, self.user, parsed.line, stdin)
        self.clock.hide_own(since)
        if parsed.out is None:
            return result.output, result.status
        denied = self.write(parsed.out, result.output, parsed.append)
        return (denied, 1) if denied else ("", result.status)

    def write(self, typed: str, text: str, append: bool = False) -> str:
        """Write into the host's virtual filesystem as the user; an error text, or ""."""
        from ..model.fs import resolve

        fs, user = self.host.fs, self.user
        path = resolve(user.home, typed)
        old = fs.stat(path)
        if fs.is_dir(path) and old is None:
            return f"bash: {typed}: Is a directory\n"
        if not _may_write(self.host, user, path):
            return f"bash: {typed}: Permission denied\n"
        data = (bytes(old.data) if old is not None and append else b"") + text.encode()
        # a new file is the user's, mode 0644 (umask 022); an old one keeps owner and mode
        owner, mode = (old.owner, old.mode) if old is not None else (user.name, 0o644)
        fs.write(path, data, owner, mode, self.world.engine.now)
        return ""


def _may_write(host: Host, user: User, path: str) -> bool:
    """root writes anywhere; a user writes a file of their own, or a new one in their home.

    SIMPLIFICATION: no groups and no directory modes beyond "the home is the user's"."""
    if user.uid == 0:
        return True
    found = host.fs.stat(path)
    if found is not None:
        return found.owner == user.name and bool(found.mode & 0o200)
    return path.startswith(user.home.rstrip("/") + "/")


BUILTINS: dict[str, Callable[[Shell, list[str], More], Reply]] = {}


def builtin(*names: str) -> Callable[[Callable[[Shell, list[str], More], Reply]],
                                     Callable[[Shell, list[str], More], Reply]]:
    def register(fn: Callable[[Shell, list[str], More], Reply]
                 ) -> Callable[[Shell, list[str], More], Reply]:
        for name in names:
            BUILTINS[name] = fn
        return fn

    return register


from . import builtins as _builtins  # noqa: F401  (registers the builtins)
