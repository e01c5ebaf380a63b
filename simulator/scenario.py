"""Scenario files: YAML → a validated model, checked once, before anything runs.

Every error names the file, the line and the field path, and says what was expected
(STYLE.md convention 6). Structure is checked by pydantic; cross references (a message's
client exists and has an account for its sender, a zone line parses, a main.cf name is
real) by ``_cross_check`` with the same reporting.
"""

from __future__ import annotations

import ipaddress
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from .distro import DEFAULT_OS, OsId
from .events import Event, referenced_hosts
from .model.address import Address
from .scenario_dsn import DsnSpec
from .scenario_refs import check_refs
from .scenario_relay import DracSpec, Op25bSpec
from .scenario_session import SessionPause, check_sessions, typed_items
from .scenario_types import (
    Duration,
    EmailAddress,
    HostName,
    Line,
    UnixPath,
    UserName,
    check_start,
)
from .scenario_types import (
    Text as PlainText,
)
from .scenario_workload import WorkloadSpec, check_workload, workload_keys
from .yamlsource import LineMap, Problem, ScenarioError, errors_from_validation, load_yaml

if TYPE_CHECKING:
    from .trace_level import TraceLevel
    from .world import World


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """Text in English and, where written, Japanese."""

    en: str
    ja: str | None = None

    def get(self, lang: str) -> str:
        return (self.ja if lang == "ja" else None) or self.en


def text_in(value: str | Text, lang: str) -> str:
    return value if isinstance(value, str) else value.get(lang)


class UserSpec(Strict):
    gecos: Line | None = None  # the full name, as in /etc/passwd
    uid: int | None = Field(default=None, ge=0, le=2**31 - 2)  # uid_t; 2**32-1 is "no uid"
    home: UnixPath | None = None
    password: Line | None = None  # for SMTP AUTH / POP3 logins on this host


class FileSpec(Strict):
    content: PlainText
    owner: UserName = "root"
    mode: str = "0644"

    @field_validator("mode")
    @classmethod
    def _octal(cls, value: str) -> str:
        try:
            if not 0 <= int(value, 8) <= 0o7777:
                raise ValueError
        except ValueError:
            raise ValueError(f"expected an octal mode like 0644 (got {value!r})") from None
        return value


def _port(value: int) -> int:
    if not 1 <= value <= 65535:
        raise ValueError(f"expected a port number from 1 to 65535 (got {value})")
    return value


Port = Annotated[int, AfterValidator(_port)]


class SmtpAccount(Strict):
    """The outgoing server of a mail client account (Thunderbird's SMTP settings)."""

    server: HostName
    port: Port = 587
    user: Line | None = None
    password: Line | None = None
    # connection security: none, STARTTLS, or SSL/TLS (implicit TLS); by default what the
    # port implies (465: tls, 587: starttls, others: none)
    security: Literal["none", "starttls", "tls"] | None = None
    auth: Literal["plain", "login"] = "plain"  # the SASL mechanism it uses

    def effective_security(self) -> str:
        if self.security is not None:
            return self.security
        return {465: "tls", 587: "starttls"}.get(self.port, "none")


INCOMING_PORTS = {"pop3": 110, "imap": 143}


class IncomingAccount(Strict):
    """The incoming server of an account: POP3 (download) or IMAP (synchronise)."""

    protocol: Literal["pop3", "imap"] = "pop3"
    server: HostName
    port: Port = 0  # 0: the protocol's port, 110 or 143
    user: Line
    password: Line
    keep_on_server: bool = False  # POP3 "leave messages on server" (UIDL-based)

    @model_validator(mode="before")
    @classmethod
    def _default_port(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("port"):
            data = {**data, "port": INCOMING_PORTS.get(str(data.get("protocol", "pop3")), 110)}
        return data


class AccountSpec(Strict):
    """A mail account configured in a client (what Thunderbird's account settings hold)."""

    address: EmailAddress
    name: Line | None = None
    smtp: SmtpAccount
    incoming: IncomingAccount | None = None
    sets_date: bool = True
    sets_message_id: bool = True
    user_agent: Line | None = "Mozilla Thunderbird"


Service = Literal["smtp", "submission", "submissions", "pop3", "imap"]
SmtpdService = Literal["smtp", "submission", "submissions"]


class HostSpec(Strict):
    role: Literal["client", "server", "router"]
    ip: str | None = None
    network: str | None = None
    services: list[Service] = []
    mta_family: Literal["postfix", "sendmail", "exim", "qmail"] = "postfix"
    os: OsId = DEFAULT_OS  # the distribution: its Postfix build and mail(1) (distro.py)
    hostname: str | None = None  # gethostname(), when it is not the host's key (myhostname)
    mta: dict[str, str | int | bool] = {}
    master: dict[SmtpdService, dict[str, str | int | bool]] = {}  # master.cf -o overrides
    users: dict[UserName, UserSpec] = {}
    accounts: dict[UserName, AccountSpec] = {}  # keyed by the login on the client
    files: dict[UnixPath, FileSpec | PlainText] = {}
    op25b: Op25bSpec | None = None  # routers only
    drac: DracSpec | None = None  # hosts with a pop3 service

    @field_validator("ip")
    @classmethod
    def _ip(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ipaddress.IPv4Address(value)
            except ValueError:
                raise ValueError(f"expected an IPv4 address like 192.0.2.10 (got {value!r})") from None
        return value


class LinkSpec(Strict):
    between: tuple[str, str]
    latency: Duration


class MessageSpec(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: Line | None = None
    at: Duration = 0.0
    client: str
    from_: EmailAddress = Field(alias="from")
    to: list[EmailAddress]
    cc: list[EmailAddress] = []
    bcc: list[EmailAddress] = []
    subject: Line = ""
    body: PlainText = ""
    headers: dict[Line, Line] = {}
    account: str | None = None  # which of the client's accounts sends it (default: by from)
    dsn: DsnSpec | None = None  # the client's DSN request (scenario_dsn.py)


class CommandSpec(Strict):
    """A command line a student types on a host at a given time (``# newaliases``)."""

    at: Duration
    host: str
    user: UserName = "root"
    run: Line
    stdin: PlainText = ""
    id: Line | None = None  # the message key, for a command that submits mail
    # lines typed into an interactive program (telnet, nc), with {pause: 5s} between them
    session: list[str | SessionPause] | None = None

    def typed(self) -> tuple[Any, ...] | None:
        return typed_items(self.session)


class FetchSpec(Strict):
    at: Duration
    client: str
    account: str  # the account's key in the client's accounts
    read: bool = True  # IMAP: the user opens every unread message (\Seen on the server)
    delete: list[str] = []  # IMAP: keys of messages the user deletes (\Deleted, EXPUNGE)


class ExpectRecipient(Strict):
    msg: str | None = None
    rcpt: str
    orig: str | None = None  # the original recipient an alias or .forward expanded
    outcome: Literal["delivered", "bounced", "queued", "rejected", "deleted"]
    host: str | None = None
    mailbox: str | None = None
    headers: list[str] = []
    dsn: str | None = None
    hops: int | None = None


class ExpectMailbox(Strict):
    host: str
    path: UnixPath
    messages: int
    headers: list[str] = []  # header names every message in it carries
    # header values every message in it carries: {"Delivered-To": "sakura@example.org"}
    # (one of the header's occurrences must equal the value)
    values: dict[str, str] = {}
    contains: list[str] = []  # texts found in some message (a Received: line, say)
    seen: int | None = None  # messages marked read (Maildir ":2,S", mbox "Status: R")
    new: int | None = None  # Maildir: messages still in new/ (not yet taken by a reader)


class ExpectFetch(Strict):
    client: str
    user: str
    messages: int  # downloaded, summed over the client's successful fetches
    seen: int | None = None  # IMAP: \Seen on the server after the client's last session


class ExpectCommand(Strict):
    """What a command printed: ``output`` lines each found in order, or ``exact`` output."""

    run: str
    host: str | None = None
    at: Duration | None = None
    output: list[str] = []
    exact: str | None = None
    status: int | None = None


class ExpectAction(Strict):
    """A trace step that must happen (``mbox_lock_wait`` on a host ...), ``count`` times;
    optionally from and to which host, and how its reply starts."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    action: str
    host: str | None = None
    msg: str | None = None
    count: int | None = None  # None: at least once
    from_: str | None = Field(default=None, alias="from")
    to: str | None = None
    reply: str | None = None
    port: int | None = None  # the hop's port (25 between MTAs, 587 submission, 110 POP3 ...)
    # the program at each end, as the hop table shows it: MUA, smtpd, smtp, local, pop3d ...
    from_actor: str | None = None
    to_actor: str | None = None


class ExpectSpec(Strict):
    recipients: list[ExpectRecipient] = []
    mailboxes: list[ExpectMailbox] = []
    fetched: list[ExpectFetch] = []
    replies: list[str] = []  # reply lines (prefixes) that must appear in some dialogue
    log: list[str] = []  # texts that must appear in some host's maillog
    commands: list[ExpectCommand] = []
    actions: list[ExpectAction] = []


class QuestionSpec(Strict):
    prompt: Text
    choices: list[str | Text]  # plain text, or en/ja
    answer: int = Field(ge=0)
    explanation: Text
    tags: list[str] = []  # concept ids (simulator/concepts.py) this question drills
    # why each wrong choice is wrong, by choice index (the right one is in explanation)
    wrong: dict[int, Text] = {}


class Scenario(Strict):
    name: str
    title: Text
    topic: list[str] = []
    concepts: list[str] = []  # concept ids (simulator/concepts.py) this lab demonstrates
    seed: int = 0
    start: Annotated[datetime, AfterValidator(check_start)]
    timezone: str = "UTC"
    until: Duration | None = None
    dns_latency: Duration = 0.001
    hosts: dict[HostName, HostSpec]
    links: list[LinkSpec]
    dns: PlainText = ""
    messages: list[MessageSpec] = []
    workload: WorkloadSpec | None = None  # many messages, fed lazily (scenario_workload)
    fetches: list[FetchSpec] = []
    commands: list[CommandSpec] = []
    events: list[Event] = []
    expect: ExpectSpec
    questions: list[QuestionSpec] = []

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            if len(value) > 64:  # zoneinfo opens a file by this name: keep it a name
                raise ValueError(value)
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError("expected an IANA time zone like Asia/Tokyo or UTC (got "
                             f"{value[:40]!r})") from None
        return value

    def message_key(self, index: int) -> str:
        return self.messages[index].id or f"m{index + 1}"

    def is_message_key(self, key: str, keys: set[str]) -> bool:
        """``key`` names a listed message (in ``keys``) or one the workload feeds (mN)."""
        number = key[1:]
        return key in keys or (key[:1] == "m" and number.isdigit() and number[:1] != "0"
                               and int(number) in workload_keys(self))


class LoadedScenario:
    """A validated scenario and the file it came from; ``build()`` makes a runnable world."""

    def __init__(self, path: Path, spec: Scenario, lines: LineMap) -> None:
        self.path, self.spec, self.lines = path, spec, lines

    def build(self, seed: int | None = None, detailed: bool | None = None,
              trace: TraceLevel = "full") -> World:
        """detailed=True: no local(8) fast path (None: as MAILSIM_DETAILED says).
        ``trace``: full, compact or summary (trace_level.py): how much the run keeps."""
        from .world import World

        return World(self.spec, seed=seed, source=str(self.path), detailed=detailed,
                     trace=trace)


def load_scenario(path: str | Path) -> LoadedScenario:
    """Read and validate a scenario file; raise ScenarioError with every problem found."""
    data, lines = load_yaml(path)
    return scenario_from_data(path, data, lines)


def scenario_from_data(path: str | Path, data: Any, lines: LineMap | None = None) -> LoadedScenario:
    """Validate scenario data already read (a sweep's modified copy of a file) exactly as
    ``load_scenario`` validates a file; errors name ``path`` and, when known, the line."""
    file, lines = str(path), lines if lines is not None else LineMap()
    try:
        spec = Scenario.model_validate(data)
    except ValidationError as exc:
        raise errors_from_validation(file, exc, lines, Scenario) from None
    problems = check_workload(spec, lines)
    problems += _cross_check(spec, lines)
    if problems:
        raise ScenarioError(file, sorted(problems, key=lambda p: p.line or 0))
    return LoadedScenario(Path(path), spec, lines)


def _cross_check(spec: Scenario, lines: LineMap) -> list[Problem]:
    from .net.dns import DNS, ZoneError
    from .scenario_mail import check_mail
    from .scenario_relay import check_params, check_relay

    problems: list[Problem] = []
    names = set(spec.hosts)
    for i, link in enumerate(spec.links):
        for j, end in enumerate(link.between):
            if end not in names:
                problems.append(lines.problem(("links", i, "between", j),
                                              f"unknown host {end!r} (expected one of: {', '.join(sorted(names))})"))
    for name, host in spec.hosts.items():
        problems += _check_host(name, host, lines)
        problems += check_params(("hosts", name, "mta"), host.mta, lines)
    dns = None
    try:
        dns = DNS.from_text(spec.dns)
    except ZoneError as err:
        problems.append(Problem(lines.text_line(("dns",), err.line), "dns",
                                f"zone line {err.line}: {err.reason} (in {err.text.strip()!r})"))
    problems += check_refs(spec, dns, lines)
    problems += _check_messages(spec, lines)
    problems += _check_fetches(spec, lines)
    problems += _check_hosts_named(spec, lines)
    problems += _check_owners(spec, lines)
    problems += _check_expectations(spec, lines)
    problems += _check_questions(spec, lines)
    problems += check_mail(spec, lines)
    problems += check_relay(spec, lines)
    problems += check_sessions(spec, lines)
    return problems


def _check_expectations(spec: Scenario, lines: LineMap) -> list[Problem]:
    """Expectations must name messages and hosts that exist (a typo would never be met)."""
    out = []
    keys = {spec.message_key(i) for i in range(len(spec.messages))}
    keys |= {c.id for c in spec.commands if c.id}
    for i, rcpt in enumerate(spec.expect.recipients):
        base = (rcpt.msg or "").split(".", 1)[0]
        if rcpt.msg is not None and not spec.is_message_key(base, keys):
            out.append(lines.problem(("expect", "recipients", i, "msg"),
                                     f"unknown message {rcpt.msg!r} (expected one of: "
                                     f"{', '.join(sorted(keys)) or 'none'}, or KEY.bounce)"))
        if rcpt.host is not None and rcpt.host not in spec.hosts:
            out.append(lines.problem(("expect", "recipients", i, "host"), f"unknown host {rcpt.host!r}"))
    for i, act in enumerate(spec.expect.actions):
        for field, value in (("from", act.from_), ("to", act.to)):
            if value is not None and value not in spec.hosts and value != "dns":
                out.append(lines.problem(("expect", "actions", i, field), f"unknown host {value!r}"))
        if act.msg is not None and not spec.is_message_key(act.msg.split(".", 1)[0], keys):
            out.append(lines.problem(("expect", "actions", i, "msg"), f"unknown message {act.msg!r}"))
    for section in ("mailboxes", "fetched", "commands", "actions"):
        for i, item in enumerate(getattr(spec.expect, section)):
            host = getattr(item, "host", None) or getattr(item, "client", None)
            if host is not None and host not in spec.hosts:
                field = "host" if hasattr(item, "host") else "client"
                out.append(lines.problem(("expect", section, i, field), f"unknown host {host!r}"))
    return out


def _check_questions(spec: Scenario, lines: LineMap) -> list[Problem]:
    from .concepts import CONCEPTS, unknown

    known = f"expected a concept id from simulator/concepts.py ({', '.join(CONCEPTS)})"
    out = [lines.problem(("concepts", spec.concepts.index(bad)), f"unknown concept {bad!r}: {known}")
           for bad in unknown(spec.concepts)]
    for i, q in enumerate(spec.questions):
        last = len(q.choices) - 1
        if q.answer > last:
            out.append(lines.problem(("questions", i, "answer"),
                                     f"expected a choice index from 0 to {last} (got {q.answer})"))
        out += [lines.problem(("questions", i, "tags", q.tags.index(bad)),
                              f"unknown concept {bad!r}: {known}") for bad in unknown(q.tags)]
        out += [lines.problem(("questions", i, "wrong", k),
                              f"expected the index of a wrong choice (0 to {last}, not the "
                              f"answer {q.answer}; got {k})")
                for k in q.wrong if k == q.answer or not 0 <= k <= last]
    return out


def _check_hosts_named(spec: Scenario, lines: LineMap) -> list[Problem]:
    """Commands and events must name hosts of the scenario (and commands a user there)."""
    out, names = [], sorted(spec.hosts)
    expected = f"expected one of: {', '.join(names)}"
    for i, cmd in enumerate(spec.commands):
        host = spec.hosts.get(cmd.host)
        if host is None:
            out.append(lines.problem(("commands", i, "host"), f"unknown host {cmd.host!r} ({expected})"))
        elif cmd.user != "root" and cmd.user not in host.users and cmd.user not in host.accounts:
            out.append(lines.problem(("commands", i, "user"),
                                     f"{cmd.host} has no user {cmd.user!r} (expected root or one of its users)"))
    for i, event in enumerate(spec.events):
        for field, value in referenced_hosts(event):
            if value not in spec.hosts:
                out.append(lines.problem(("events", i, field), f"unknown host {value!r} ({expected})"))
        out += _check_event(spec, lines, i, event)
    return out


def _check_event(spec: Scenario, lines: LineMap, i: int, event: Any) -> list[Problem]:
    """A fault must name a link that exists, a service the host runs, an end after its
    start: otherwise it would silently do nothing."""
    out = []
    between = getattr(event, "between", None)
    links = {frozenset(link.between) for link in spec.links}
    if between is not None and frozenset(between) not in links:
        out.append(lines.problem(("events", i, "between"),
                                 f"no link between {between[0]} and {between[1]} "
                                 "(expected a pair listed in links:)"))
    service, host = getattr(event, "service", None), spec.hosts.get(getattr(event, "host", ""))
    if service is not None and host is not None and service not in host.services:
        out.append(lines.problem(("events", i, "service"),
                                 f"{event.host} runs no {service} service (it runs: "
                                 f"{', '.join(host.services) or 'none'})"))
    until = getattr(event, "until", None)
    if until is not None and until <= event.at:
        out.append(lines.problem(("events", i, "until"),
                                 f"expected a time after at: ({event.at:g}s), got {until:g}s"))
    if getattr(event, "do", "") == "smtp_reply" and host is not None and host.role != "server":
        out.append(lines.problem(("events", i, "host"),
                                 f"{event.host} is a {host.role}: only a server runs an SMTP server"))
    return out


def _check_owners(spec: Scenario, lines: LineMap) -> list[Problem]:
    """A file belongs to root or to a user of its host: local(8) compares the owner of
    ~/.forward and :include: files with users' uids."""
    out = []

    def check(host_name: str, owner: str, loc: tuple[str | int, ...]) -> None:
        host = spec.hosts.get(host_name)
        if host is None or owner == "root" or owner.lower() in {u.lower() for u in host.users}:
            return
        known = ", ".join(["root", *host.users])
        out.append(lines.problem(loc, f"{host_name} has no user {owner!r} to own this file "
                                      f"(expected one of: {known})"))

    for name, host in spec.hosts.items():
        for path, f in host.files.items():
            if not isinstance(f, str):
                check(name, f.owner, ("hosts", name, "files", path, "owner"))
    for i, event in enumerate(spec.events):
        owner, host_name = getattr(event, "owner", None), getattr(event, "host", None)
        if isinstance(owner, str) and isinstance(host_name, str):
            check(host_name, owner, ("events", i, "owner"))
    return out


def _check_host(name: str, host: HostSpec, lines: LineMap) -> list[Problem]:
    out = []
    if host.role != "router" and host.ip is None:
        out.append(lines.problem(("hosts", name), f"a {host.role} host needs an ip"))
    if host.role == "client" and host.services:
        out.append(lines.problem(("hosts", name, "services"),
                                 "a client runs no services (expected role: server)"))
    if host.role != "client" and host.accounts:
        out.append(lines.problem(("hosts", name, "accounts"),
                                 "mail accounts belong to a client host (role: client)"))
    return out


def _account(spec: Scenario, client: str) -> dict[str, AccountSpec] | None:
    host = spec.hosts.get(client)
    return None if host is None or host.role != "client" else host.accounts


def _check_messages(spec: Scenario, lines: LineMap) -> list[Problem]:
    out = []
    for i, msg in enumerate(spec.messages):
        accounts = _account(spec, msg.client)
        if accounts is None:
            out.append(lines.problem(("messages", i, "client"),
                                     f"expected the name of a client host (got {msg.client!r})"))
        elif msg.account is not None and msg.account not in accounts:
            out.append(lines.problem(("messages", i, "account"),
                                     f"{msg.client} has no account {msg.account!r} (expected one "
                                     f"of: {', '.join(accounts) or 'none'})"))
        elif msg.account is not None and accounts[msg.account].address != str(Address.parse(msg.from_)):
            out.append(lines.problem(("messages", i, "from"),
                                     f"account {msg.account!r} sends as "
                                     f"{accounts[msg.account].address} (got {msg.from_})"))
        elif not any(a.address == str(Address.parse(msg.from_)) for a in accounts.values()):
            known = ", ".join(a.address for a in accounts.values()) or "none"
            out.append(lines.problem(("messages", i, "from"),
                                     f"{msg.client} has no account for {msg.from_} (accounts: {known})"))
    return out


def _check_fetches(spec: Scenario, lines: LineMap) -> list[Problem]:
    out = []
    for i, fetch in enumerate(spec.fetches):
        accounts = _account(spec, fetch.client)
        if accounts is None:
            out.append(lines.problem(("fetches", i, "client"),
                                     f"expected the name of a client host (got {fetch.client!r})"))
        elif fetch.account not in accounts or accounts[fetch.account].incoming is None:
            out.append(lines.problem(("fetches", i, "account"),
                                     f"expected an account of {fetch.client} with an incoming server"))
    return out



def cf_text(value: str | int | bool) -> str:
    """A main.cf value as text: YAML's true/false become yes/no."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
