"""Models an IMAP4rev1 session (RFC 3501) as Dovecot 2.3 answers it: the server side.

`ImapServer` is one connection as a pure state machine: a command line in, the response
lines out (untagged ``*`` lines, then the tagged ``OK``/``NO``/``BAD``), no I/O and no
simulated time. As with POP3, Dovecot runs two programs: imap-login before LOGIN (its own
small command table, so a FETCH there is just an invalid command) and imap after it
(every tagged reply carries the command's timing, ``(0.001 + 0.000 secs)``).

Modelled: CAPABILITY, NOOP, LOGOUT, LOGIN, STARTTLS (refused: no TLS), LIST, SELECT,
EXAMINE, FETCH, STORE, EXPUNGE, CLOSE and their UID forms (RFC 3501 §6). Texts are
Dovecot 2.3.21.1's (github.com/dovecot/core, tag 2.3.21.1):
  configure.ac                         the CAPABILITY lists
  src/imap-login/imap-login-client.c   greeting, invalid commands, pre-login replies
  src/imap-login/client-authenticate.c LOGIN and its failure reply
  src/imap/main.c                      "OK [CAPABILITY ...] Logged in"
  src/imap/imap-client.c               "BAD Error in IMAP command X: ...", the timing
  src/imap/cmd-*.c                     each command's replies
The fetch items and responses are in imap_fetch.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from .imap_syntax import Arg, Quoted, SyntaxProblem, is_atom, is_tag, parse_args

NOT_AUTHENTICATED = "NOT AUTHENTICATED"  # RFC 3501 §3
AUTHENTICATED = "AUTHENTICATED"
SELECTED = "SELECTED"
LOGOUT = "LOGOUT"

BANNER_CAPABILITY = "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE"
# SIMPLIFICATION: no TLS, disable_plaintext_auth = no (see pop3.py): no STARTTLS or
# LOGINDISABLED is advertised, and AUTH=PLAIN is (auth_mechanisms = plain).
LOGIN_CAPABILITY = f"{BANNER_CAPABILITY} LITERAL+ AUTH=PLAIN"
CAPABILITY = (f"{BANNER_CAPABILITY} SORT SORT=DISPLAY THREAD=REFERENCES THREAD=REFS "
              "THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN "
              "NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT "
              "SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE SNIPPET=FUZZY "
              "PREVIEW=FUZZY PREVIEW STATUS=SIZE SAVEDATE LITERAL+")
GREETING = f"* OK [CAPABILITY {LOGIN_CAPABILITY}] Dovecot ready."

# imap-login
BAD_INVALID_LOGIN = "BAD Error in IMAP command received by server."
BYE_TOO_MANY = "* BYE Too many invalid IMAP commands."
OK_PRELOGIN_CAPABILITY = "OK Pre-login capabilities listed, post-login capabilities have more."
NO_AUTH_FAILED = "NO [AUTHENTICATIONFAILED] Authentication failed."
BAD_NO_TLS = "BAD TLS support isn't enabled."
BAD_LOGIN_AS_TAG = ("BAD First parameter in line is IMAP's command tag, not the command name. "
                    "Add that before the command, like: a login user pass")
BYE_LOGGING_OUT = "* BYE Logging out"
MAX_BAD_LOGIN = 3  # imap-login-client.c CLIENT_MAX_BAD_COMMANDS
MAX_BAD = 20  # imap/imap-common.h CLIENT_MAX_BAD_COMMANDS
# SIMPLIFICATION: Dovecot answers a command with the time it took; the simulation's server
# takes no time of its own (README), so every command reports Dovecot's usual minimum.
TIMING = " (0.001 + 0.000 secs)."

# Commands Dovecot's imap process knows that the simulation does not model: answered with
# a plain statement of that, never with Dovecot's "Unknown command."
NOT_MODELLED = {"APPEND", "CHECK", "COPY", "CREATE", "DELETE", "ENABLE", "GETMETADATA", "ID",
                "IDLE", "LSUB", "MOVE", "NAMESPACE", "NOTIFY", "RENAME", "SEARCH",
                "SETMETADATA", "SORT", "STATUS", "SUBSCRIBE", "THREAD", "UNSELECT",
                "UNSUBSCRIBE", "XLIST", "GENURLAUTH", "RESETKEY", "URLFETCH", "CANCELUPDATE"}


class Message(Protocol):
    uid: int
    data: bytes
    flags: set[str]
    recent: bool


class Mailbox(Protocol):
    """The storage behind a selected mailbox (agents/mra/mailstore.py provides one)."""

    index: Any  # has uidvalidity and next_uid
    messages: list[Any]

    def set_flags(self, message: Any, flags: set[str]) -> None: ...
    def expunge(self, uids: set[int]) -> list[Any]: ...
    def close(self) -> bool: ...


Opener = Callable[[str, bool], Mailbox | None]  # (mailbox name, read-only) -> mailbox


class ImapServer:
    """One IMAP connection on the server side (RFC 3501 §3 states)."""

    def __init__(self, hostname: str, authenticate: Callable[[str, str], bool],
                 open_mailbox: Callable[[str, str, bool], Mailbox | None],
                 internal_date: Callable[[Any], str] | None = None) -> None:
        if not hostname:
            raise ValueError("hostname: expected a host name, got an empty string")
        self.hostname = hostname
        self._authenticate, self._open = authenticate, open_mailbox
        self.internal_date = internal_date or (lambda m: "01-Jan-1970 00:00:00 +0000")
        self.state = NOT_AUTHENTICATED
        self.user: str | None = None
        self.mailbox: Mailbox | None = None
        self.readonly = False
        self.closed_mailboxes: list[Mailbox] = []  # what the MRA writes back afterwards
        self._bad = 0
        self._capability_asked = False  # Dovecot then sends the capabilities untagged

    def greeting(self) -> str:
        return GREETING

    def handle(self, line: str) -> list[str]:
        """One command line in (CRLF optional), the response lines out; [] once closed."""
        line = line.removesuffix("\n").removesuffix("\r")
        if self.state == LOGOUT:
            return []
        if self.state == NOT_AUTHENTICATED:
            return self._login_process(line)
        return self._imap_process(line)

    # --- imap-login ---------------------------------------------------------------------
    def _login_process(self, line: str) -> list[str]:
        tag, _, rest = line.partition(" ")
        name, _, text = rest.partition(" ")
        handler = getattr(self, "login_" + name.lower(), None) if name.isalpha() else None
        if not is_tag(tag) or handler is None:
            if tag.upper() == "LOGIN" and is_tag(tag):
                return [f"{tag} {BAD_LOGIN_AS_TAG}"]
            return self._invalid_login(tag if is_tag(tag) else "*")
        try:
            args = parse_args(text)
        except SyntaxProblem:
            return self._invalid_login(tag)
        out = handler(tag, args)
        return out if out is not None else self._invalid_login(tag)

    def _invalid_login(self, tag: str) -> list[str]:
        self._bad += 1
        if self._bad >= MAX_BAD_LOGIN:
            self.state = LOGOUT
            return [BYE_TOO_MANY]
        return [f"{tag} {BAD_INVALID_LOGIN}"]

    def login_capability(self, tag: str, args: list[Arg]) -> list[str]:
        self._capability_asked = True
        return [f"* CAPABILITY {LOGIN_CAPABILITY}", f"{tag} {OK_PRELOGIN_CAPABILITY}"]

    def login_noop(self, tag: str, args: list[Arg]) -> list[str]:
        return [f"{tag} OK NOOP completed."]

    def login_logout(self, tag: str, args: list[Arg]) -> list[str]:
        self.state = LOGOUT
        return [BYE_LOGGING_OUT, f"{tag} OK Logout completed."]

    def login_starttls(self, tag: str, args: list[Arg]) -> list[str]:
        return [f"{tag} {BAD_NO_TLS}"]

    def login_login(self, tag: str, args: list[Arg]) -> list[str] | None:
        if len(args) != 2 or not all(isinstance(a, str) for a in args):
            return None  # cmd_login() returns -1: an invalid command
        user, password = str(args[0]), str(args[1])
        if not self._authenticate(user, password):
            # SIMPLIFICATION: Dovecot delays a failed login by auth_failure_delay (2s)
            return [f"{tag} {NO_AUTH_FAILED}"]
        self.user, self.state, self._bad = user, AUTHENTICATED, 0
        if self._capability_asked:
            return [f"* CAPABILITY {CAPABILITY}", f"{tag} OK Logged in"]
        return [f"{tag} OK [CAPABILITY {CAPABILITY}] Logged in"]

    # --- imap ---------------------------------------------------------------------------
    def _imap_process(self, line: str) -> list[str]:
        tag, _, rest = line.partition(" ")
        if not is_tag(tag):
            return self._command_error("*", None, "Invalid tag.")
        name, _, text = rest.partition(" ")
        if not is_atom(name):
            return self._command_error(tag, None, "Invalid command name.")
        name = name.upper()
        if name == "UID":
            sub, _, text = text.partition(" ")
            name = f"UID {sub.upper()}"
        from . import imap_commands

        handler = imap_commands.COMMANDS.get(name)
        if handler is None:
            if name in NOT_MODELLED or name.removeprefix("UID ") in NOT_MODELLED:
                return [(f"{tag} NO [CANNOT] {name} is not modelled by mailsim "
                        f"(Dovecot supports it){TIMING}")]
            return self._command_error(tag, name, "Unknown command.")
        try:
            args = parse_args(text)
        except SyntaxProblem as problem:
            return self._command_error(tag, name, str(problem))
        try:
            return handler(self, tag, name, args)
        except imap_commands.Refused as refused:
            return refused.lines

    def _command_error(self, tag: str, name: str | None, error: str) -> list[str]:
        """client_send_command_error(): BAD, counted; 20 in a row end the connection."""
        where = f"IMAP command {name}: " if name else (
            "IMAP tag: " if tag == "*" else "IMAP command: ")
        reply = [f"{tag} BAD Error in {where}{error.removesuffix('.')}{TIMING}"]
        self._bad += 1
        if self._bad >= MAX_BAD:
            self.state = LOGOUT
            reply.append(BYE_TOO_MANY)
        return reply

    def tagged(self, tag: str, text: str) -> str:
        """A tagged reply of the imap process, with the timing Dovecot appends."""
        self._bad = 0
        return f"{tag} {text.removesuffix('.')}{TIMING}"

    def connection_lost(self) -> None:
        """The client vanished: Dovecot closes the mailbox without expunging."""
        self._close_mailbox()
        self.state = LOGOUT

    def _close_mailbox(self) -> None:
        if self.mailbox is not None:
            self.closed_mailboxes.append(self.mailbox)
        self.mailbox, self.readonly = None, False


def flags_of(args: list[Arg]) -> list[str] | None:
    """STORE's flag arguments: one list, or flags given one by one."""
    if len(args) == 1 and isinstance(args[0], list):
        args = args[0]
    if any(isinstance(a, (list, Quoted)) for a in args):
        return None
    return [str(a) for a in args]
