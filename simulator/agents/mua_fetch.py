"""A mail client fetching mail (the MUA's side of the MRA): POP3 (port 110) or IMAP (143).

POP3 downloads into the client's own Inbox and, unless "leave messages on server" is
ticked, deletes on the server; UIDL tells the client which messages it already has.
IMAP leaves the mail on the server and synchronises: flags set on one device are seen
by the next. Each session is one dialogue computed against the server's state machine
and one wait of its duration (DESIGN.md §7). On an mbox the server takes Dovecot's locks:
a POP3 session holds the read lock from login to QUIT, which makes a delivery wait.
"""

from __future__ import annotations

from collections.abc import Generator
from email.parser import BytesHeaderParser
from typing import TYPE_CHECKING, Any

from ..model.trace import Fetch, Hop
from ..protocol.imap_client import ImapPolicy, run_imap_session
from ..protocol.pop3 import OK_LOGGED_IN, Pop3Policy, run_pop3_session
from .mda.locks import DOVECOT_READ, DOVECOT_WRITE, lock_for

if TYPE_CHECKING:
    from ..scenario import FetchSpec
    from ..world import Connected
    from .mua import Mua

# SIMPLIFICATION: a client gives up on a connection after 60 s, as Thunderbird does.
CLIENT_CONNECT_TIMEOUT = 60.0


def connect(mua: Mua, proto: str) -> Generator[Any, Any, Connected | None]:
    """Open the connection to the incoming server; record a failed fetch if it fails."""
    world, incoming = mua.host.world, mua.account.incoming
    assert incoming is not None
    ip = yield from world.lookup_a(mua.host, "MUA", None, incoming.server)
    conn = world.connect(mua.host, ip, incoming.port, CLIENT_CONNECT_TIMEOUT) if ip else None
    if conn is not None and conn.failure is None:
        return conn
    if conn is not None:
        yield from world.wait_failed(mua.host, "MUA", None, None, conn)
    world.trace.fetches.append(Fetch(world.engine.now, mua.host.name, mua.login,
                                     incoming.server, proto, 0, mua.saved_path(proto), False,
                                     conn.failure if conn else "host not found"))
    return None


def _mbox_lock(conn: Connected, path: str | None) -> Any:
    if path is None or path.endswith("/"):
        return None  # Maildir: Dovecot takes no lock on the messages
    return lock_for(conn.server.locks, conn.server.world.engine.env, path)


# --- POP3 -----------------------------------------------------------------------------------
def fetch_pop3(mua: Mua, spec: FetchSpec) -> Generator[Any, Any, None]:
    world, incoming = mua.host.world, mua.account.incoming
    assert incoming is not None
    conn = yield from connect(mua, "POP3")
    if conn is None:
        return
    env, rtt, start = world.engine.env, conn.rtt, world.engine.now
    pop3d = conn.server.pop3d
    session = pop3d.open()
    valid = pop3d.authenticate(incoming.user, incoming.password)
    lock = _mbox_lock(conn, pop3d.mailbox_path(incoming.user)) if valid else None
    yield env.timeout(3.5 * rtt)  # greeting, USER, PASS: the server opens the maildrop now
    held, waited = None, 0.0
    if lock is not None:  # Dovecot keeps the mbox read-locked for the session's transaction
        got = yield from lock.wait(f"dovecot/pop3 ({incoming.user})", DOVECOT_READ, True)
        held, waited = got.holder, got.waited
    opened_at = world.engine.now
    result = run_pop3_session(session.server, incoming.user, incoming.password,
                              Pop3Policy(keep_on_server=incoming.keep_on_server),
                              mua.seen_uids())
    record = world.trace.open_session("POP3", incoming.port, mua.host.name, conn.server.name,
                                      start)
    record.lines = lines = timed(result.transcript, start + rtt, rtt, hold_at=2, hold=waited)
    login = next((t for t, side, line in lines if side == "S" and line == OK_LOGGED_IN),
                 None)
    if login is not None and mua.host.ip is not None:  # POP before SMTP (DRAC)
        pop3d.logged_in(mua.host.ip, login)
    yield env.timeout(start + rtt + result.round_trips * rtt + waited - world.engine.now)
    update = yield from _pop3_update(session, lock, held, incoming.user)
    saved = mua.saved_path("POP3")
    mua.save(result.retrieved, saved)
    _moves(mua, conn, update.moved, opened_at)
    n = len(result.retrieved)
    detail = (f"{n} message(s) downloaded to {saved}; {update.removed} deleted on the server"
              if result.ok else f"failed: {result.error}")
    if waited:
        detail += f"; waited {waited:.2f} s for the mbox lock"
    args = (("user", mua.login), ("count", str(n)), ("deleted", str(update.removed)))
    keys = [key_of(mua, m.data) for m in result.retrieved] or [None]
    for key in keys:
        world.trace.add(Hop(world.engine.now, key, None, mua.host.name, "MUA", conn.server.name,
                            "pop3d", "POP3", conn.service_port, "pop3_fetch",
                            "+OK" if result.ok else result.error, detail, record.sid, args))
    world.trace.fetches.append(Fetch(world.engine.now, mua.host.name, mua.login,
                                     conn.server.name, "POP3", n, saved, result.ok,
                                     result.error))


def _pop3_update(session: Any, lock: Any, held: Any, user: str) -> Generator[Any, Any, Any]:
    """The UPDATE state: on an mbox, trade the read lock for a write lock first.

    SIMPLIFICATION: when the write lock has to wait (local(8) holds the dotlock while it
    polls), the dialogue's "+OK Logging out" was already timed; the wait shows only here."""
    if lock is None:
        return session.update()
    lock.release(held)
    server = session.server
    if server.state != "UPDATE" or not (server.deleted_uids or server.retrieved_uids):
        return session.update()
    got = yield from lock.wait(f"dovecot/pop3 ({user})", DOVECOT_WRITE, False)
    update = session.update()
    lock.release(got.holder)
    return update


# --- IMAP -----------------------------------------------------------------------------------
def fetch_imap(mua: Mua, spec: FetchSpec) -> Generator[Any, Any, None]:
    world, incoming = mua.host.world, mua.account.incoming
    assert incoming is not None
    conn = yield from connect(mua, "IMAP")
    if conn is None:
        return
    env, rtt, start = world.engine.env, conn.rtt, world.engine.now
    imapd = conn.server.imapd
    session = imapd.open()
    valid = imapd.authenticate(incoming.user, incoming.password)
    lock = _mbox_lock(conn, imapd.mailbox_path(incoming.user)) if valid else None
    # greeting, LOGIN, LIST, SELECT reach the server; a refused LOGIN ends the work there
    yield env.timeout((4.5 if valid else 1.5) * rtt)
    held, waited = None, 0.0
    if lock is not None:  # SIMPLIFICATION: the whole session's work waits for a free mbox
        got = yield from lock.wait(f"dovecot/imap ({incoming.user})", DOVECOT_WRITE, False)
        held, waited = got.holder, got.waited
    opened_at = world.engine.now
    cache = mua.imap_cache
    policy = ImapPolicy(read=spec.read, delete=frozenset(_message_ids(mua, spec.delete)))
    result = run_imap_session(session.server, incoming.user, incoming.password, policy,
                              cache.uidvalidity, frozenset(cache.messages))
    changes = session.finish()
    if lock is not None:
        lock.release(held)
    record = world.trace.open_session("IMAP", incoming.port, mua.host.name, conn.server.name,
                                      start)
    record.lines = timed(result.transcript, start + rtt, rtt, hold_at=3, hold=waited)
    yield env.timeout(start + rtt + result.round_trips * rtt + waited - world.engine.now)
    cache.update(result)
    saved = mua.saved_path("IMAP")
    mua.write_imap_cache(saved)
    _moves(mua, conn, changes.moved, opened_at)
    _imap_hops(mua, conn, record.sid, result, changes.written, saved)


def _imap_hops(mua: Mua, conn: Connected, sid: int, result: Any, written: bool,
               saved: str) -> None:
    world = mua.host.world
    seen = sum("\\Seen" in f for f in result.flags.values())
    n = len(result.downloaded)
    detail = (f"INBOX (UIDVALIDITY {result.uidvalidity}): {len(result.flags)} message(s) on "
              f"the server, {seen} \\Seen; {n} downloaded to {saved}; "
              f"{len(result.expunged)} expunged" if result.ok else f"failed: {result.error}")
    if written:
        detail += "; Dovecot wrote the flags into the mbox (Status:)"
    args = (("user", mua.login), ("count", str(n)), ("total", str(len(result.flags))),
            ("seen", str(seen)))
    found = {key_of(mua, d) for d in result.downloaded.values()}
    keys: list[str | None] = [*sorted(k for k in found if k is not None)] or [None]
    for key in keys:
        world.trace.add(Hop(world.engine.now, key, None, mua.host.name, "MUA", conn.server.name,
                            "imapd", "IMAP", conn.service_port, "imap_sync",
                            "OK" if result.ok else result.error, detail, sid, args))
    world.trace.fetches.append(Fetch(world.engine.now, mua.host.name, mua.login,
                                     conn.server.name, "IMAP", n, saved, result.ok,
                                     result.error, seen))


def _moves(mua: Mua, conn: Connected, moved: tuple[tuple[str, str], ...], t: float) -> None:
    """Trace the Maildir renames the server made: new/ -> cur/, and flag letters."""
    world, server = mua.host.world, conn.server
    for old, new in moved:
        action = "maildir_cur" if "/new/" in old else "maildir_flags"
        data = server.fs.read(new) or b""
        world.trace.add(Hop(t, key_of(mua, data), None, server.name, "dovecot", server.name,
                            "mailbox", None, None, action, None, f"{old} -> {new}", None,
                            (("old", old), ("new", new),
                             ("info", new.rpartition(":2,")[2] or "(none)"))))


# --- shared ---------------------------------------------------------------------------------
def timed(transcript: list[tuple[str, str]], t0: float, rtt: float, hold_at: int = 0,
          hold: float = 0.0) -> list[tuple[float, str, str]]:
    """Times for a computed dialogue: the greeting, then one RTT per command; the answer
    to command number ``hold_at`` (and all after it) comes ``hold`` seconds late."""
    out: list[tuple[float, str, str]] = []
    t, sent = t0, 0
    for i, (side, line) in enumerate(transcript):
        if side == "C":
            sent += 1
            t += (rtt if i else 0.0) + (hold if sent == hold_at + 1 else 0.0)
            out.append((t, side, line))
        else:
            out.append((t + rtt / 2 + (hold if sent == hold_at else 0.0), side, line))
    return out


def key_of(mua: Mua, data: bytes) -> str | None:
    """The scenario's key of a message, found by its Message-ID."""
    headers = BytesHeaderParser().parsebytes(data)
    return mua.host.world.msg_keys.get(str(headers.get("Message-ID", "")).strip())


def _message_ids(mua: Mua, keys: list[str]) -> list[str]:
    by_key = {v: k for k, v in mua.host.world.msg_keys.items()}
    return [by_key[k] for k in keys if k in by_key]
