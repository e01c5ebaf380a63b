"""The simulated DNS: zone text, queries, and the MX walk of a Postfix smtp(8) client.

Models:
- a subset of the RFC 1035 §5.1 master (zone) file format: ``name [ttl] [IN] TYPE rdata``,
  ``$ORIGIN``, ``$TTL`` (RFC 2308 §4), ``@``, relative names, ``;`` comments, and a leading
  blank that repeats the previous owner name;
- resolver answers (NOERROR / NXDOMAIN / SERVFAIL, NODATA as NOERROR with no records),
  following CNAME chains as a recursive resolver does (RFC 1034 §3.6.2);
- the MX walk of RFC 5321 §5.1 as Postfix smtp_addr.c does it: lowest preference first,
  equal preferences shuffled, the domain's A record as implicit MX, null MX (RFC 7505), and a
  host that finds itself in the list dropping itself and every worse MX host;
- forward-confirmed reverse DNS (RFC 1912 §2.1) as Postfix smtpd(8) uses it for the client name.

Failures are values (``Answer.rcode``, ``MXResult.status``), never exceptions; only a bad zone
raises ``ZoneError``. Failure texts are Postfix 3.x's, with the source file cited where used.
"""

from __future__ import annotations

import ipaddress
import random
import re
from dataclasses import dataclass

from ..model.hop import Hop, HopText
from .addr import ipv4_text, reverse_pointer

SUPPORTED_TYPES = ("A", "MX", "PTR", "CNAME", "TXT", "NS", "SOA")
_MAX_TTL = 2**31 - 1  # RFC 2181 §8
_MAX_CNAME_CHAIN = 8  # resolvers give up on long chains or loops with SERVFAIL
_LABEL = re.compile(r"[a-z0-9_-]{1,63}")
_DIGITS = re.compile(r"[0-9]{1,10}")
_TTL_UNITS = re.compile(r"(?:[0-9]{1,10}[wdhms])+")
_UNIT_SECONDS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}  # BIND-style TTLs
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|;|"|[^\s;"]+')


class ZoneError(ValueError):
    """A bad zone line: where it is, what it says, and what was expected."""

    def __init__(self, line: int, text: str, reason: str) -> None:
        super().__init__(f"line {line}: {text!r}: {reason}")
        self.line = line
        self.text = text
        self.reason = reason


class _Bad(Exception):
    """Internal: the reason a line or rdata is wrong; becomes a ZoneError with the line."""


@dataclass(frozen=True, slots=True)
class Record:
    """One resource record; ``name`` is absolute and lower-case ("example.org.")."""

    name: str
    ttl: int
    rtype: str
    data: str

    def __str__(self) -> str:
        return f"{self.name}\t{self.ttl}\tIN\t{self.rtype}\t{self.data}"


@dataclass(frozen=True, slots=True)
class Answer:
    """One query's result. ``records`` is the answer section as dig shows it: the CNAMEs
    followed, then the records of ``qtype``; only the CNAMEs for NXDOMAIN/NODATA; () for SERVFAIL.
    """

    qname: str
    qtype: str
    rcode: str
    records: tuple[Record, ...]

    @property
    def rrset(self) -> tuple[Record, ...]:
        """Only the records of the type asked for (the CNAME chain left out)."""
        return tuple(r for r in self.records if r.rtype == self.qtype)

    def summary(self) -> str:
        items = ", ".join(r.data if r.rtype == self.qtype else f"{r.rtype} {r.data}"
                          for r in self.records)
        head = f"{self.rcode}: {items}" if items else self.rcode
        if self.rcode == "NOERROR" and not self.rrset:
            return f"{head} (no {self.qtype} records)"  # NODATA
        return head


def _answer_args(hop: Hop, answer: Answer) -> tuple[tuple[str, str], ...]:
    return (("qname", answer.qname.rstrip(".")), ("qtype", answer.qtype),
            ("answer", answer.summary()))


# a resolver's hop keeps the Answer (shared: the run caches its answers) and writes its
# text when a view asks: ``example.net. MX? NOERROR: 10 mx.example.net.``
ANSWER_TEXT = HopText(lambda hop, a: f"{a.qname} {a.qtype}? {a.summary()}", _answer_args)


@dataclass(frozen=True, slots=True)
class MXHost:
    """One mail exchanger to try; ``implicit`` when it is the domain's own A record."""

    preference: int
    hostname: str
    addresses: tuple[str, ...]
    implicit: bool


# status -> the DSN code Postfix smtp_addr.c gives it (smtp_domain_addr, smtp_addr_one)
_DSN = {"nxdomain": "5.4.4", "no_mx_address": "5.4.4", "servfail": "4.4.3",
        "null_mx": "5.1.0", "loops_to_self": "5.4.6", "no_primary_relay": "4.4.4"}


@dataclass(frozen=True, slots=True)
class MXResult:
    """Where to deliver mail for ``domain``, or why not (failures are values)."""

    domain: str
    status: str  # "ok" or a key of _DSN
    hosts: tuple[MXHost, ...]
    queries: tuple[Answer, ...]
    detail: str  # Postfix's reason text; "" when status is "ok"

    @property
    def temporary(self) -> bool:
        """True when Postfix would defer (4.x.x) rather than bounce (5.x.x)."""
        return self.status in ("servfail", "no_primary_relay")

    @property
    def dsn(self) -> str | None:
        """The enhanced status code (RFC 3463) of a failure; None when status is "ok"."""
        return _DSN.get(self.status)


# --- names -----------------------------------------------------------------------------

def _fqdn(name: str) -> str:
    """Absolute lower-case form, for lookups: "Example.ORG" -> "example.org."."""
    name = name.strip().lower()
    return name if name.endswith(".") else name + "."


def _bare(name: str) -> str:
    """Postfix prints names without the trailing dot (dn_expand() output)."""
    name = name.strip().lower()
    return name[:-1] if name.endswith(".") and name != "." else name


def _check_name(name: str) -> str:
    labels = name[:-1].split(".")
    if len(name) > 254 or not all(_LABEL.fullmatch(label) for label in labels):
        raise _Bad(f"{name!r} is not a valid domain name (letters, digits, '-', '_')")
    return name


def _name(token: str, origin: str | None, allow_root: bool = False) -> str:
    """A zone token as an absolute name (RFC 1035 §5.1: relative names append $ORIGIN)."""
    token = token.lower()
    if token == ".":
        if allow_root:
            return "."
        raise _Bad("the root name '.' is not allowed here")
    if token.endswith("."):
        return _check_name(token)
    if origin is None:
        what = "'@'" if token == "@" else f"relative name {token!r}"
        raise _Bad(f"{what} needs a $ORIGIN line first (or write the name with a trailing dot)")
    if token == "@":
        return origin
    return _check_name(f"{token}.{origin}" if origin != "." else f"{token}.")


# --- zone text ---------------------------------------------------------------------------

def _tokens(line: str) -> list[str]:
    """Split on blanks, keep "quoted strings" whole, and stop at a ';' comment."""
    out: list[str] = []
    for match in _TOKEN.finditer(line):
        token = match.group()
        if token == ";":
            break
        if token == '"':
            raise _Bad("unterminated quoted string")
        if token in ("(", ")") or (token[0] != '"' and ("(" in token or ")" in token)):
            # SIMPLIFICATION: no multi-line ( ... ) records; every record fits one line.
            raise _Bad("parentheses are not supported: write the record on one line")
        out.append(token)
    return out


def _ttl(token: str) -> int | None:
    """A TTL in seconds ("3600", or BIND's "1h30m"), or None if the token is not one."""
    token = token.lower()
    if _DIGITS.fullmatch(token):
        seconds = int(token)
    elif _TTL_UNITS.fullmatch(token):
        seconds = sum(int(n) * _UNIT_SECONDS[u] for n, u in re.findall(r"([0-9]+)([wdhms])", token))
    else:
        return None
    if seconds > _MAX_TTL:
        raise _Bad(f"TTL {token} is larger than {_MAX_TTL} (RFC 2181 §8)")
    return seconds


def _rdata(rtype: str, args: list[str], origin: str | None) -> str:
    """Validate the rdata of one record and return its canonical text."""
    if rtype == "A":
        try:
            if len(args) == 1 and re.fullmatch(r"[0-9.]+", args[0]):
                return str(ipaddress.IPv4Address(args[0]))
        except ValueError:
            pass
        raise _Bad("expected 'A <IPv4 address>' such as 'A 192.0.2.25'")
    if rtype == "MX":
        if len(args) == 2 and _DIGITS.fullmatch(args[0]) and int(args[0]) <= 65535:
            return f"{int(args[0])} {_name(args[1], origin, allow_root=True)}"
        raise _Bad("expected 'MX <preference 0-65535> <exchange>' such as 'MX 10 mx1'")
    if rtype in ("PTR", "CNAME", "NS"):
        if len(args) == 1:
            return _name(args[0], origin)
        raise _Bad(f"expected '{rtype} <name>'")
    if rtype == "TXT":
        if args:
            return " ".join(args)
        raise _Bad("expected 'TXT \"text\"'")
    if len(args) == 7 and all(_DIGITS.fullmatch(a) for a in args[2:]):  # SOA, RFC 1035 §3.3.13
        return " ".join([_name(args[0], origin), _name(args[1], origin), *args[2:]])
    raise _Bad("expected 'SOA <mname> <rname> <serial> <refresh> <retry> <expire> <minimum>'")


class _ZoneParser:
    """Reads zone text line by line, keeping $ORIGIN, $TTL and the previous owner name."""

    def __init__(self, default_ttl: int) -> None:
        self.origin: str | None = None
        self.ttl = default_ttl
        self.owner: str | None = None

    def line(self, text: str) -> Record | None:
        tokens = _tokens(text)
        if not tokens:
            return None  # blank or comment-only
        if tokens[0].startswith("$"):
            self._directive(tokens)
            return None
        if text[:1].isspace():  # RFC 1035 §5.1: a blank start repeats the previous owner
            if self.owner is None:
                raise _Bad("a line starting with white space repeats the previous name, "
                           "but there is none yet")
            return self._record(self.owner, tokens)
        self.owner = _name(tokens[0], self.origin)
        return self._record(self.owner, tokens[1:])

    def _directive(self, tokens: list[str]) -> None:
        word = tokens[0].upper()
        if word == "$ORIGIN" and len(tokens) == 2:
            self.origin = _name(tokens[1], self.origin, allow_root=True)
        elif word == "$TTL" and len(tokens) == 2 and (ttl := _ttl(tokens[1])) is not None:
            self.ttl = ttl
        else:
            raise _Bad("expected '$ORIGIN <domain>' or '$TTL <seconds>'")

    def _record(self, owner: str, tokens: list[str]) -> Record:
        ttl, seen = self.ttl, set()
        while tokens:  # RFC 1035 §5.1: an optional TTL and class, in either order
            word = tokens[0].upper()
            kind = "class" if word == "IN" else "TTL" if _ttl(word) is not None else None
            if kind is None:
                break
            if kind in seen:
                raise _Bad(f"{kind} given twice: expected 'name [ttl] [IN] TYPE rdata'")
            seen.add(kind)
            ttl = ttl if word == "IN" else _ttl(word) or 0
            tokens = tokens[1:]
        if not tokens:
            raise _Bad("expected '[ttl] [IN] TYPE rdata' after the name")
        rtype = tokens[0].upper()
        if rtype not in SUPPORTED_TYPES:
            # SIMPLIFICATION: IPv4 only (no AAAA), and no SRV, DNSSEC or other types.
            raise _Bad(f"unsupported record type {tokens[0]!r}: "
                       f"expected one of {', '.join(SUPPORTED_TYPES)}")
        return Record(owner, ttl, rtype, _rdata(rtype, tokens[1:], self.origin))


# --- Postfix texts -------------------------------------------------------------------------

# dns/dns_strerror.c: h_errno texts. The resolver maps NXDOMAIN to HOST_NOT_FOUND, SERVFAIL to
# TRY_AGAIN, and an empty NOERROR answer (NODATA) to NO_DATA.
_H_ERRNO_TEXT = {"NXDOMAIN": "Host not found", "SERVFAIL": "Host not found, try again",
                 "NOERROR": "Host found but no data record of requested type"}


def _ns_error(name: str, rtype: str, rcode: str) -> str:
    """dns/dns_lookup.c dns_query(): the text of a failed lookup."""
    return (f"Host or domain name not found. Name service error for "
            f"name={_bare(name)} type={rtype}: {_H_ERRNO_TEXT[rcode]}")


# --- the DNS -------------------------------------------------------------------------------

class DNS:
    """One global namespace that answers every query authoritatively.

    SIMPLIFICATION: no delegation, recursion, caching or TTL expiry; wildcards are not
    supported; a name exists if it, or a name below it, owns a record (RFC 8020).
    (The answers are memoised for speed, and forgotten at every change of the zone or of
    its injected failures, so a query always sees the zone as it is now.)
    """

    def __init__(self) -> None:
        self._rrsets: dict[tuple[str, str], list[Record]] = {}
        self._types: dict[str, set[str]] = {}  # owner name -> its record types
        self._names: set[str] = set()  # owners and the names above them (RFC 8020)
        self._failures: dict[tuple[str, str | None], str] = {}
        self._answers: dict[tuple[str, str], Answer] = {}  # (name, type) as asked -> answer
        self._walks: dict[tuple[str, frozenset[str]], MXResult] = {}  # MX walks without a draw

    @classmethod
    def from_text(cls, text: str, default_ttl: int = 3600) -> DNS:
        """Build a DNS from zone text; raises ZoneError naming the first bad line."""
        dns, parser = cls(), _ZoneParser(default_ttl)
        for number, line in enumerate(text.split("\n"), start=1):
            line = line.rstrip("\r")
            try:
                record = parser.line(line)
                if record is not None:
                    dns._store(record)
            except _Bad as bad:
                raise ZoneError(number, line, str(bad)) from None
        return dns

    def add(self, record: Record) -> None:
        """Add one record built in code; raises ValueError unless it is in canonical form."""
        try:
            if record.rtype not in SUPPORTED_TYPES or not 0 <= record.ttl <= _MAX_TTL:
                raise _Bad(f"expected a type in {SUPPORTED_TYPES} and a TTL 0-{_MAX_TTL}")
            if record.name != record.name.lower() or not record.name.endswith("."):
                raise _Bad("expected an absolute lower-case name such as 'example.org.'")
            _check_name(record.name)
            canonical = _rdata(record.rtype, _tokens(record.data), None)
            if canonical != record.data:
                raise _Bad(f"expected the data in canonical form {canonical!r}")
            self._store(record)
        except _Bad as bad:
            raise ValueError(f"bad record {str(record)!r}: {bad}") from None

    def _store(self, record: Record) -> None:
        rrset = self._rrsets.get((record.name, record.rtype), [])
        if record.data in (r.data for r in rrset):
            return  # an RRset is a set (RFC 2181 §5)
        types = self._types.setdefault(record.name, set())
        if types and (record.rtype == "CNAME" or "CNAME" in types):
            # RFC 1034 §3.6.2, RFC 2181 §10.1: an alias owns its one CNAME and nothing else.
            raise _Bad(f"{record.name} cannot have a CNAME and other records")
        types.add(record.rtype)
        self._forget()
        self._rrsets[(record.name, record.rtype)] = [*rrset, record]
        labels = record.name.split(".")
        self._names.update(".".join(labels[i:]) or "." for i in range(len(labels)))

    # --- queries ---

    def query(self, name: str, rtype: str) -> Answer:
        """Answer one query, following CNAMEs as a recursive resolver does."""
        try:
            return self._answers[(name, rtype)]
        except KeyError:
            answer = self._answers[(name, rtype)] = self._lookup(name, rtype)
            return answer

    def _lookup(self, name: str, rtype: str) -> Answer:
        qname, qtype = _fqdn(name), rtype.upper()
        chain: list[Record] = []
        current = qname
        for _ in range(_MAX_CNAME_CHAIN):
            failure = self._failures.get((current, qtype)) or self._failures.get((current, None))
            if failure is not None:
                return Answer(qname, qtype, failure, tuple(chain) if failure == "NXDOMAIN" else ())
            if found := self._rrsets.get((current, qtype)):
                return Answer(qname, qtype, "NOERROR", tuple(chain + found))
            alias = self._rrsets.get((current, "CNAME"))
            if qtype == "CNAME" or not alias:
                rcode = "NOERROR" if current in self._names else "NXDOMAIN"
                return Answer(qname, qtype, rcode, tuple(chain))
            chain.append(alias[0])
            current = alias[0].data
        return Answer(qname, qtype, "SERVFAIL", ())  # a CNAME loop or an overlong chain

    def set_failure(self, name: str, rtype: str | None, rcode: str) -> None:
        """Fault injection: make queries for name (of rtype, or of every type) fail."""
        if rcode not in ("SERVFAIL", "NXDOMAIN"):
            raise ValueError(f"rcode {rcode!r}: expected 'SERVFAIL' or 'NXDOMAIN'")
        self._failures[(_fqdn(name), rtype.upper() if rtype else None)] = rcode
        self._forget()

    def clear_failure(self, name: str, rtype: str | None = None) -> None:
        self._failures.pop((_fqdn(name), rtype.upper() if rtype else None), None)
        self._forget()

    def _forget(self) -> None:
        """The zone or its failures changed: every kept answer may be wrong now."""
        self._answers.clear()
        self._walks.clear()

    # --- reverse DNS ---

    def reverse_name(self, ip: str) -> str | None:
        """The first PTR name of ip, without the trailing dot, or None (ValueError: not IPv4)."""
        qname = reverse_pointer(ip)  # RFC 1035 §3.5 in-addr.arpa
        ptrs = self.query(qname, "PTR").rrset
        return _bare(ptrs[0].data) if ptrs else None

    def verified_client_name(self, ip: str) -> str:
        """The client name Postfix smtpd(8) logs: the PTR name only if it resolves back to ip.

        smtpd/smtpd_peer.c smtpd_peer_sockaddr_to_hostname(): a name whose addresses do not
        include the client's is replaced by "unknown"; util/myaddrinfo.c rejects numeric names.
        """
        name = self.reverse_name(ip)
        if name is None or re.fullmatch(r"[0-9.]+", name):
            return "unknown"
        addresses = {r.data for r in self.query(name, "A").rrset}
        return name if ipv4_text(ip) in addresses else "unknown"

    # --- the MX walk of Postfix smtp/smtp_addr.c smtp_domain_addr() ---

    def resolve_mx(self, domain: str, rng: random.Random,
                   my_names: frozenset[str] = frozenset()) -> MXResult:
        """The hosts to try for domain, in delivery order (RFC 5321 §5.1), or why none.

        my_names holds the local host's names and IP addresses: Postfix spots itself by
        address (smtp_find_self()), RFC 5321 §5.1 by name; either matches here.
        A walk that drew nothing from rng (no two MX hosts of one preference) is kept until
        the zone changes; one that shuffled a tie is walked again each time.
        """
        walk = self._walks.get((domain, my_names))
        if walk is not None:
            return walk
        walk, drawn = self._resolve_mx(domain, rng, my_names)
        if not drawn:
            self._walks[(domain, my_names)] = walk
        return walk

    def _resolve_mx(self, domain: str, rng: random.Random,
                    my_names: frozenset[str]) -> tuple[MXResult, bool]:
        """The walk, and whether it used rng."""
        name, mine = _bare(domain), frozenset(_bare(n) for n in my_names)
        mx = self.query(name, "MX")
        if mx.rcode == "SERVFAIL":  # without smtp_ignore_mx_lookup_error, no A fallback
            return MXResult(name, "servfail", (), (mx,), _ns_error(name, "MX", "SERVFAIL")), False
        exchanges = [(int(pref), host) for pref, host in (r.data.split() for r in mx.rrset)]
        if any(host == "." for _, host in exchanges):
            # dns/dns_lookup.c: any MX whose exchange is the root makes the lookup DNS_NULLMX.
            detail = f"Domain {name} does not accept mail (nullMX)"
            return MXResult(name, "null_mx", (), (mx,), detail), False
        if not exchanges:
            # dns_lookup() returns DNS_NOTFOUND for NXDOMAIN and NODATA alike, and
            # smtp_domain_addr() then looks up the domain's address (RFC 5321 §5.1 implicit MX).
            return self._implicit_mx(name, mx, mine), False
        drawn = len({pref for pref, _ in exchanges}) < len(exchanges)  # a tie is shuffled
        return self._mx_hosts(name, exchanges, mx, rng, mine), drawn

    def resolve_host(self, hostname: str) -> MXResult:
        """A ``[host]`` next hop (transport(5), relayhost): no MX lookup, its A records only."""
        name = _bare(hostname)
        a = self.query(name, "A")
        if not a.rrset:
            status = {"NXDOMAIN": "nxdomain", "SERVFAIL": "servfail"}.get(a.rcode, "no_mx_address")
            return MXResult(name, status, (), (a,), _ns_error(name, "A", a.rcode))
        host = MXHost(0, name, tuple(r.data for r in a.rrset), implicit=True)
        return MXResult(name, "ok", (host,), (a,), "")

    def _implicit_mx(self, name: str, mx: Answer, mine: frozenset[str]) -> MXResult:
        a = self.query(name, "A")
        if not a.rrset:
            status = {"NXDOMAIN": "nxdomain", "SERVFAIL": "servfail"}.get(a.rcode, "no_mx_address")
            return MXResult(name, status, (), (mx, a), _ns_error(name, "A", a.rcode))
        host = MXHost(0, name, tuple(r.data for r in a.rrset), implicit=True)
        if _is_self(host, mine):  # smtp_host_addr()
            return MXResult(name, "loops_to_self", (), (mx, a),
                            f"mail for {name} loops back to myself")
        return MXResult(name, "ok", (host,), (mx, a), "")

    def _mx_hosts(self, name: str, exchanges: list[tuple[int, str]], mx: Answer,
                  rng: random.Random, mine: frozenset[str]) -> MXResult:
        queries, hosts = [mx], []
        error, soft = "", False
        for pref, exchange in _delivery_order(exchanges, rng):
            a = self.query(exchange, "A")
            queries.append(a)
            if a.rrset:
                hosts.append(MXHost(pref, _bare(exchange), tuple(r.data for r in a.rrset), False))
            else:
                # smtp_addr_list(): skip an exchange without address; the last error's text
                # stays, and a soft (temporary) error dominates hard ones (smtp_addr_one()).
                error, soft = _ns_error(exchange, "A", a.rcode), soft or a.rcode == "SERVFAIL"
        if not hosts:
            status = "servfail" if soft else "no_mx_address"
            return MXResult(name, status, (), tuple(queries), error)
        best_pref = min(pref for pref, _ in exchanges)
        return _without_self(name, tuple(hosts), best_pref, tuple(queries), mine)


def _delivery_order(exchanges: list[tuple[int, str]], rng: random.Random) -> list[tuple[int, str]]:
    """Lowest preference first; equal preferences in random order (RFC 5321 §5.1).

    Each group is sorted by name first so that a seeded rng gives the same order every run.
    SIMPLIFICATION: Postfix shuffles the addresses of equal preference, not the host names.
    """
    order: list[tuple[int, str]] = []
    for pref in sorted({p for p, _ in exchanges}):
        group = sorted(e for e in exchanges if e[0] == pref)
        rng.shuffle(group)
        order.extend(group)
    return order


def _is_self(host: MXHost, mine: frozenset[str]) -> bool:
    return host.hostname in mine or any(a in mine for a in host.addresses)


def _without_self(name: str, hosts: tuple[MXHost, ...], best_pref: int,
                  queries: tuple[Answer, ...], mine: frozenset[str]) -> MXResult:
    """smtp_truncate_self(): if I am an MX host, only strictly better hosts may be tried."""
    self_prefs = [h.preference for h in hosts if _is_self(h, mine)]
    if not self_prefs:
        return MXResult(name, "ok", hosts, queries, "")
    kept = tuple(h for h in hosts if h.preference < min(self_prefs))
    if kept:
        return MXResult(name, "ok", kept, queries, "")
    if hosts[0].preference != best_pref:
        # A backup MX whose better hosts have no address must not claim a loop.
        return MXResult(name, "no_primary_relay", (), queries,
                        f"unable to find primary relay for {name}")
    return MXResult(name, "loops_to_self", (), queries, f"mail for {name} loops back to myself")
