"""Models a POP3 session (RFC 1939) as Dovecot 2.3 answers it, and a MUA that drives one.

`Pop3Server` is one connection on the server side as a pure state machine: a command line
in, the response lines out, no I/O and no simulated time.  Before login it behaves like
Dovecot's pop3-login process, after login like its pop3 process: the two are separate
programs with separate command tables, which is why the same mistake is worded differently
before and after PASS.  `run_pop3_session` plays a typical MUA (Thunderbird) against it.

Response texts are Dovecot 2.3.21.1's (github.com/dovecot/core, tag 2.3.21.1):
  src/pop3-login/client.c                greeting, QUIT, unknown command, bad-command limit
  src/pop3-login/client-authenticate.c   CAPA, USER, PASS, APOP
  src/login-common/login-common.h        AUTH_FAILED_MSG "Authentication failed."
  src/login-common/login-settings.c      login_greeting = "Dovecot ready."
  src/pop3/main.c                        "+OK Logged in."
  src/pop3/pop3-client.c                 unknown command, bad-command limit after login
  src/pop3/pop3-commands.c               every TRANSACTION command and its errors
  src/pop3/pop3-capability.h             the CAPA list
  src/lib/strnum.c                       how message numbers overflow
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass, field

# --- states (RFC 1939 §3) ---------------------------------------------------------------
AUTHORIZATION = "AUTHORIZATION"
TRANSACTION = "TRANSACTION"
UPDATE = "UPDATE"
CLOSED = "CLOSED"

# --- replies before login: pop3-login -----------------------------------------------------
GREETING = "+OK Dovecot ready."  # "+OK " + login_greeting (login-settings.c)
OK = "+OK"
OK_LOGGING_OUT_UNAUTHENTICATED = "+OK Logging out"  # pop3-login cmd_quit: no full stop
ERR_UNKNOWN_COMMAND_LOGIN = "-ERR Unknown command."
ERR_TOO_MANY_BAD_COMMANDS_LOGIN = "-ERR Too many invalid bad commands."
ERR_NO_USERNAME = "-ERR No username given."
ERR_AUTH_FAILED = "-ERR [AUTH] Authentication failed."  # RFC 3206 response code
ERR_APOP_NOT_ENABLED = "-ERR APOP not enabled."
ERR_APOP_INVALID_PARAMETERS = "-ERR Invalid parameters."
ERR_APOP_INVALID_MD5 = "-ERR Invalid characters in MD5 response."
OK_LOGGED_IN = "+OK Logged in."  # sent by the pop3 process once it has the user

# --- replies after login: pop3 --------------------------------------------------------------
ERR_UNKNOWN_COMMAND = "-ERR Unknown command: {verb}"
ERR_TOO_MANY_BAD_COMMANDS = "-ERR Too many bad commands."
ERR_INVALID_MSGNUM = "-ERR Invalid message number: {args}"
ERR_MSGNUM_TOO_LARGE = "-ERR Message number too large: {args}"
ERR_NOISE_AFTER_MSGNUM = "-ERR Noise after message number: {args}"
ERR_NO_SUCH_MESSAGE = "-ERR There's no message {num}."
ERR_MESSAGE_DELETED = "-ERR Message is deleted."
ERR_INVALID_SIZE = "-ERR Invalid size: {args}"
ERR_SIZE_TOO_LARGE = "-ERR Size too large: {args}"
ERR_NOISE_AFTER_SIZE = "-ERR Noise after size: {args}"
ERR_LAST_NOT_ENABLED = "-ERR LAST command not enabled"  # pop3_enable_last = no (default)
OK_MARKED_DELETED = "+OK Marked to be deleted."
OK_LOGGING_OUT = "+OK Logging out."
OK_LOGGING_OUT_DELETED = "+OK Logging out, messages deleted."

# RFC 2449 CAPA, as pop3-capability.h lists it.  pop3-login adds STLS (when TLS is set up),
# USER (when plaintext login is allowed) and "SASL PLAIN" (RFC 5034 AUTH).
# SIMPLIFICATION: no TLS; disable_plaintext_auth = no (Dovecot's default, yes, would refuse
# USER/PASS on an unencrypted connection from anywhere but localhost); and no AUTH command,
# so the "SASL PLAIN" line is left out and AUTH is an unknown command.
CAPABILITIES = ("CAPA", "TOP", "UIDL", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE")
CAPABILITIES_LOGIN = (*CAPABILITIES, "USER")

MAX_BAD_COMMANDS_LOGIN = 3  # pop3-login/client.c: disconnect when ++bad >= 3
MAX_BAD_COMMANDS = 20  # pop3/pop3-client.c: disconnect when ++bad > 20
_UINT_MAX = 2**32 - 1  # message numbers are unsigned int
_UINTMAX_MAX = 2**64 - 1  # str_parse_uintmax() overflows past this
_DIGITS = re.compile(r"[0-9]+")
_MSGNUM_ERRORS = (ERR_INVALID_MSGNUM, ERR_MSGNUM_TOO_LARGE, ERR_NOISE_AFTER_MSGNUM)
_SIZE_ERRORS = (ERR_INVALID_SIZE, ERR_SIZE_TOO_LARGE, ERR_NOISE_AFTER_SIZE)
_TIMESTAMP = re.compile(r"<[^<>]*>")


def _wire_bytes(data: bytes) -> bytes:
    """The message as it crosses the wire: CRLF line ends, a final CRLF (RFC 1939 §3)."""
    wire = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if wire and not wire.endswith(b"\r\n"):
        wire += b"\r\n"  # Dovecot's fetch_callback() too adds the missing CRLF
    return wire


def _wire_lines(data: bytes) -> list[str]:
    # surrogateescape keeps any non-UTF-8 octet, so the client can rebuild the exact bytes
    text = _wire_bytes(data).decode("utf-8", "surrogateescape")
    return text[:-2].split("\r\n") if text else []


def _dot_stuff(lines: list[str]) -> list[str]:
    """RFC 1939 §3: a line starting with "." gets one more, so "." alone still ends it."""
    return ["." + line if line.startswith(".") else line for line in lines]


def _top_lines(lines: list[str], body_lines: int) -> list[str]:
    """RFC 1939 §7 TOP: the headers, the blank line, then `body_lines` lines of the body."""
    if "" not in lines:
        return lines
    return lines[: lines.index("") + 1 + body_lines]


@dataclass(frozen=True, slots=True)
class MaildropMessage:
    """One message in a maildrop, as the MRA found it in the mailbox."""

    uid: str  # the UIDL unique-id (RFC 1939 §7): stable across sessions
    data: bytes  # as stored: lines end in "\r\n" or "\n"

    def __post_init__(self) -> None:
        # RFC 1939 §7: "1 to 70 characters ... in the range 0x21 to 0x7E"
        if not 1 <= len(self.uid) <= 70 or not all("!" <= c <= "~" for c in self.uid):
            raise ValueError(f"uid: expected 1-70 printable ASCII characters, got {self.uid!r}")

    @property
    def size(self) -> int:
        """Octets as sent (CRLF line ends, before dot-stuffing): RFC 1939 §11's note."""
        return len(_wire_bytes(self.data))


class Pop3Server:
    """One POP3 session on the server side (RFC 1939 §3-§6), worded as Dovecot 2.3 words it."""

    def __init__(
        self,
        hostname: str,
        authenticate: Callable[[str, str], bool],
        open_maildrop: Callable[[str], list[MaildropMessage]],
        apop_secret: Callable[[str], str | None] | None = None,
        timestamp: str = "<1896.697170952@dbc.mtview.ca.us>",
    ) -> None:
        if not hostname:
            raise ValueError("hostname: expected a host name, got an empty string")
        if _TIMESTAMP.fullmatch(timestamp) is None:
            raise ValueError(
                f"timestamp: expected a msg-id like <pid.clock@host>, got {timestamp!r}"
            )
        self.hostname = hostname
        self._authenticate = authenticate
        self._open_maildrop = open_maildrop
        self._apop_secret = apop_secret
        self._timestamp = timestamp
        self.state: str = AUTHORIZATION
        self.user: str | None = None
        self.deleted_uids: frozenset[str] = frozenset()
        self.retrieved_uids: set[str] = set()  # RETR marks \Seen at QUIT (pop3-commands.c)
        self._pending_user: str | None = None  # USER given, PASS awaited
        self._maildrop: list[MaildropMessage] = []
        self._sizes: list[int] = []
        self._marked: set[int] = set()  # 0-based indexes marked by DELE (RFC 1939 §5)
        self._bad_count = 0  # consecutive bad commands (Dovecot's bad_counter)

    # --- the connection ----------------------------------------------------------------
    def greeting(self) -> str:
        """RFC 1939 §4; with APOP on, Dovecot appends its timestamp (RFC 1939 §7)."""
        if self._apop_secret is None:
            return GREETING
        return f"{GREETING} {self._timestamp}"

    def handle(self, line: str) -> list[str]:
        """One command line in (CRLF optional), the response lines out; [] once closed."""
        line = line.removesuffix("\n").removesuffix("\r")
        if self.state in (UPDATE, CLOSED):
            return []
        if self.state == AUTHORIZATION:
            return self._dispatch_login(line)
        return self._dispatch_transaction(line)

    def connection_lost(self) -> None:
        """The client vanished without QUIT: no UPDATE state, nothing deleted (RFC 1939 §6)."""
        if self.state != UPDATE:
            self.state = CLOSED

    def _dispatch_login(self, line: str) -> list[str]:
        # pop3-login: the verb ends at the first space, the rest is passed on verbatim
        verb, _, args = line.partition(" ")
        handler = self._handler("login_", verb)
        if handler is not None:
            self._bad_count = 0
            return handler(args)
        self._bad_count += 1
        if self._bad_count >= MAX_BAD_COMMANDS_LOGIN:
            self.state = CLOSED
            return [ERR_UNKNOWN_COMMAND_LOGIN, ERR_TOO_MANY_BAD_COMMANDS_LOGIN]
        return [ERR_UNKNOWN_COMMAND_LOGIN]

    def _dispatch_transaction(self, line: str) -> list[str]:
        # pop3: the verb ends at the first space; leading spaces of the arguments are skipped
        verb, _, args = line.partition(" ")
        handler = self._handler("txn_", verb)
        try:
            if handler is None:
                raise _BadCommand(ERR_UNKNOWN_COMMAND.format(verb=verb))
            reply = handler(args.lstrip(" "))
        except _BadCommand as bad:  # the C function returned -1: a bad command
            self._bad_count += 1
            if self._bad_count <= MAX_BAD_COMMANDS:
                return [bad.reply]
            self.state = CLOSED  # client_disconnect(): no QUIT, so nothing is expunged
            return [bad.reply, ERR_TOO_MANY_BAD_COMMANDS]
        self._bad_count = 0
        return reply

    def _handler(self, prefix: str, verb: str) -> Callable[[str], list[str]] | None:
        # RFC 1939 §3: keywords are case-insensitive
        if not (verb.isascii() and verb.isalpha()):
            return None
        handler: Callable[[str], list[str]] | None = getattr(self, prefix + verb.lower(), None)
        return handler

    # --- AUTHORIZATION state (RFC 1939 §4, §7), pop3-login ---------------------------------
    def login_capa(self, args: str) -> list[str]:
        return [OK, *CAPABILITIES_LOGIN, "."]

    def login_quit(self, args: str) -> list[str]:
        self.state = CLOSED  # RFC 1939 §6: QUIT in AUTHORIZATION does not enter UPDATE
        return [OK_LOGGING_OUT_UNAUTHENTICATED]

    def login_user(self, args: str) -> list[str]:
        self._pending_user = args
        return [OK]  # Dovecot says nothing of whether the user exists

    def login_pass(self, args: str) -> list[str]:
        if self._pending_user is None:
            return [ERR_NO_USERNAME]
        user, self._pending_user = self._pending_user, None  # one PASS per USER
        return self._login(user, self._authenticate(user, args))

    def login_apop(self, args: str) -> list[str]:
        if self._apop_secret is None:
            return [ERR_APOP_NOT_ENABLED]
        user, space, digest = args.partition(" ")
        if not space or len(digest) != 32:
            return [ERR_APOP_INVALID_PARAMETERS]
        try:
            given = bytes.fromhex(digest)
        except ValueError:
            return [ERR_APOP_INVALID_MD5]
        secret = self._apop_secret(user)
        if secret is None:
            return [ERR_AUTH_FAILED]
        # RFC 1939 §7: MD5 of the greeting's timestamp followed by the shared secret
        expected = hashlib.md5((self._timestamp + secret).encode()).digest()
        return self._login(user, hmac.compare_digest(given, expected))

    def _login(self, user: str, accepted: bool) -> list[str]:
        if not accepted:
            return [ERR_AUTH_FAILED]
        # SIMPLIFICATION: the maildrop lock (RFC 1939 §4) is modelled by the MRA, not here.
        self._maildrop = list(self._open_maildrop(user))
        self._sizes = [message.size for message in self._maildrop]
        self.user = user
        self.state = TRANSACTION
        return [OK_LOGGED_IN]

    # --- TRANSACTION state (RFC 1939 §5, §7), pop3 -----------------------------------------
    # Dovecot ignores arguments given to STAT, NOOP, RSET, QUIT and CAPA.
    def txn_capa(self, args: str) -> list[str]:
        return [OK, *CAPABILITIES, "."]

    def txn_stat(self, args: str) -> list[str]:
        live = self._live()
        return [f"+OK {len(live)} {sum(self._sizes[i] for i in live)}"]

    def txn_list(self, args: str) -> list[str]:
        if not args:
            live = self._live()
            return [f"+OK {len(live)} messages:", *(f"{i + 1} {self._sizes[i]}" for i in live), "."]
        index = self._msgnum(args)[0]
        return [f"+OK {index + 1} {self._sizes[index]}"]

    def txn_uidl(self, args: str) -> list[str]:
        if not args:
            return [OK, *(f"{i + 1} {self._maildrop[i].uid}" for i in self._live()), "."]
        index = self._msgnum(args)[0]
        return [f"+OK {index + 1} {self._maildrop[index].uid}"]

    def txn_retr(self, args: str) -> list[str]:
        index = self._msgnum(args)[0]
        self.retrieved_uids.add(self._maildrop[index].uid)
        body = _dot_stuff(_wire_lines(self._maildrop[index].data))
        return [f"+OK {self._sizes[index]} octets", *body, "."]

    def txn_top(self, args: str) -> list[str]:
        index, rest = self._msgnum(args, then_space=True)
        body_lines = _number(rest, False, _UINTMAX_MAX, _SIZE_ERRORS)[0]
        lines = _top_lines(_wire_lines(self._maildrop[index].data), body_lines)
        return [OK, *_dot_stuff(lines), "."]

    def txn_dele(self, args: str) -> list[str]:
        self._marked.add(self._msgnum(args)[0])  # RFC 1939 §5: only marked; gone in UPDATE
        return [OK_MARKED_DELETED]

    def txn_rset(self, args: str) -> list[str]:
        self._marked.clear()  # RFC 1939 §5: unmark every message
        return [OK]

    def txn_noop(self, args: str) -> list[str]:
        return [OK]

    def txn_last(self, args: str) -> list[str]:
        # RFC 1460's LAST, dropped by RFC 1725; Dovecot knows it but has it off by default
        return [ERR_LAST_NOT_ENABLED]

    def txn_quit(self, args: str) -> list[str]:
        # RFC 1939 §6: enter UPDATE; the MRA now removes these messages from the maildrop
        self.deleted_uids = frozenset(self._maildrop[i].uid for i in self._marked)
        self.state = UPDATE
        return [OK_LOGGING_OUT_DELETED if self._marked else OK_LOGGING_OUT]

    def _live(self) -> list[int]:
        """Indexes of the messages not marked as deleted (RFC 1939 §5 hides the others)."""
        return [i for i in range(len(self._maildrop)) if i not in self._marked]

    def _msgnum(self, args: str, then_space: bool = False) -> tuple[int, str]:
        """Dovecot's get_msgnum(): the 0-based index and the rest of the arguments."""
        num, rest = _number(args, then_space, _UINT_MAX, _MSGNUM_ERRORS)
        if not 1 <= num <= len(self._maildrop):
            raise _BadCommand(ERR_NO_SUCH_MESSAGE.format(num=num))
        if num - 1 in self._marked:
            raise _BadCommand(ERR_MESSAGE_DELETED)  # RFC 1939 §5: may not be referred to
        return num - 1, rest


class _BadCommand(Exception):
    """Raised inside a TRANSACTION handler to answer -ERR; never leaves Pop3Server.handle()."""

    def __init__(self, reply: str) -> None:
        super().__init__(reply)
        self.reply = reply


def _number(
    args: str, then_space: bool, limit: int, errors: tuple[str, str, str]
) -> tuple[int, str]:
    """A decimal number as str_parse_uint() reads it, then a space or the end of the line."""
    match = _DIGITS.match(args)
    if match is None:
        raise _BadCommand(errors[0].format(args=args))
    num, rest = int(match.group()), args[match.end() :]
    if num > limit:
        # strnum.c sets the end pointer only when the number fits in uintmax_t
        raise _BadCommand(errors[1].format(args=args if num > _UINTMAX_MAX else rest))
    if rest[:1] != (" " if then_space else ""):
        raise _BadCommand(errors[2].format(args=rest))
    return num, rest.lstrip(" ")


# --- the client side ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Pop3Policy:
    """What the user ticked in the MUA's account settings."""

    keep_on_server: bool = False  # "leave messages on server": fetch only unseen uids
    use_apop: bool = False


@dataclass(slots=True)
class Pop3ClientResult:
    """One session as the client saw it: the dialogue, its cost, and what it downloaded."""

    transcript: list[tuple[str, str]] = field(default_factory=list)  # ("C"|"S", line)
    round_trips: int = 0  # the greeting plus one per command
    retrieved: list[MaildropMessage] = field(default_factory=list)
    ok: bool = True
    error: str | None = None


@dataclass(slots=True)
class _Dialogue:
    server: Pop3Server
    result: Pop3ClientResult

    def send(self, line: str) -> list[str]:
        reply = self.server.handle(line)
        self.result.transcript.append(("C", line))
        self.result.transcript.extend(("S", answer) for answer in reply)
        self.result.round_trips += 1
        return reply

    def expect(self, line: str) -> list[str] | None:
        """Send a command; on anything but +OK record the error and return None."""
        reply = self.send(line)
        if reply and reply[0].startswith("+OK"):
            return reply
        self.fail(reply[0] if reply else "connection closed")
        return None

    def fail(self, error: str) -> None:
        self.result.ok, self.result.error = False, error


def run_pop3_session(
    server: Pop3Server,
    user: str,
    password: str,
    policy: Pop3Policy,
    seen_uids: frozenset[str] = frozenset(),
) -> Pop3ClientResult:
    """Play one download session as Thunderbird does: log in, STAT, UIDL, LIST, RETR, DELE, QUIT."""
    greeting = server.greeting()
    dialogue = _Dialogue(server, Pop3ClientResult(transcript=[("S", greeting)], round_trips=1))
    if _log_in(dialogue, greeting, user, password, policy):
        _download(dialogue, policy, seen_uids)
    if server.state not in (UPDATE, CLOSED):
        dialogue.send("QUIT")  # also after a failure, as a MUA does; keeps the first error
    return dialogue.result


def _log_in(
    dialogue: _Dialogue, greeting: str, user: str, password: str, policy: Pop3Policy
) -> bool:
    if policy.use_apop:
        timestamp = _TIMESTAMP.search(greeting)
        if timestamp is None:
            dialogue.fail("APOP: the server's greeting has no timestamp")
            return False
        digest = hashlib.md5((timestamp.group() + password).encode()).hexdigest()
        return dialogue.expect(f"APOP {user} {digest}") is not None
    return (
        dialogue.expect(f"USER {user}") is not None
        and dialogue.expect(f"PASS {password}") is not None
    )


def _download(dialogue: _Dialogue, policy: Pop3Policy, seen_uids: frozenset[str]) -> None:
    stat = dialogue.expect("STAT")
    if stat is None or stat[0].split()[1] == "0":
        return
    # Thunderbird always asks UIDL: it is how "leave messages on server" knows what it has
    uidl = dialogue.expect("UIDL")
    if uidl is None or dialogue.expect("LIST") is None:
        return
    for entry in uidl[1:-1]:
        number, uid = entry.split(" ", 1)
        if uid in seen_uids:
            continue
        retr = dialogue.expect(f"RETR {number}")
        if retr is None:
            return
        dialogue.result.retrieved.append(MaildropMessage(uid, _unstuff(retr[1:-1])))
        if not policy.keep_on_server and dialogue.expect(f"DELE {number}") is None:
            return


def _unstuff(lines: list[str]) -> bytes:
    """RFC 1939 §3: drop the byte-stuffed "." and rebuild the CRLF message."""
    text = "".join((line.removeprefix(".")) + "\r\n" for line in lines)
    return text.encode("utf-8", "surrogateescape")
