"""What ``newaliases`` prints on each MTA family (the sendmail emulation layer).

- Postfix: nothing (postalias(1) rebuilds aliases.db silently).
- Sendmail 8.17.1.9 (alias.c readaliases(), announced for ``newaliases``/``sendmail -bi``):
  ``/etc/aliases: N aliases, longest L bytes, T bytes total``: N counts the entries it
  stored, L is the longest right-hand side and T the sum of the lengths of the names and
  right-hand sides. A right-hand side is the text after the colon without the white
  space that follows the colon, continuation lines (starting with a space or a TAB, or
  after a backslash at the end of a line) appended with their leading white space, the
  newline removed (contline()); "postmaster" is folded to lower case.
- Exim 4.98.2: ``exim -bi`` (newaliases) runs ``bi_command`` if set and otherwise exits 0
  silently (exim.c); Exim reads /etc/aliases itself at delivery time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..host import Host
    from . import CommandResult

SENDMAIL_ALIASES = "/etc/aliases"  # ALIAS_FILE in RHEL's sendmail.mc (Debian: /etc/mail/aliases)


def family_newaliases(host: Host) -> CommandResult | None:
    """``newaliases`` (= ``sendmail -bi``) on a Sendmail or Exim host; None on Postfix."""
    from . import CommandResult

    mta = host.mta
    if mta is None or mta.family == "postfix":
        return None
    if mta.family == "exim":
        return CommandResult("", 0)  # bi_command unset: exim exits 0 and says nothing
    data = host.fs.read(SENDMAIL_ALIASES)
    if data is None:  # alias.c rebuildaliases(): a message(), the exit status stays EX_OK
        return CommandResult(f"newaliases: cannot open {SENDMAIL_ALIASES}: "
                             f"No such file or directory\n", 0)
    return CommandResult(sendmail_newaliases(data.decode("utf-8", "replace")), 0)


def sendmail_newaliases(text: str, path: str = "/etc/aliases") -> str:
    """The statistics line readaliases() announces for an aliases file's text."""
    count = longest = total = 0
    for name, rhs in _entries(text):
        count += 1
        total += len(name) + len(rhs)
        longest = max(longest, len(rhs))
    return f"{path}: {count} aliases, longest {longest} bytes, {total} bytes total\n"


def _entries(text: str) -> list[tuple[str, str]]:
    """(name, right-hand side) of each entry with a colon and a non-empty value."""
    out = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        while True:  # contline(): a backslash-newline, or a next line starting with blanks
            if line.endswith("\\"):
                line = line[:-1] + (lines[i] if i < len(lines) else "")
                i += 1
            elif i < len(lines) and lines[i][:1] in (" ", "\t"):
                line += lines[i]
                i += 1
            else:
                break
        if not line or line[0] in "# \t" or ":" not in line:
            continue  # comments, blank lines; an entry without a colon is an error line
        name, _, rhs = line.partition(":")
        rhs = rhs.lstrip(" \t")
        if not rhs.strip():
            continue  # "missing value for alias": not stored
        name = name.strip()
        out.append((name.lower() if name.lower() == "postmaster" else name, rhs))
    return out
