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
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .model.address import Address
from .model.duration import Duration
from .yamlsource import LineMap, Problem, ScenarioError, errors_from_validation, load_yaml

if TYPE_CHECKING:
    from .world import World


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """Text in English and, where written, Japanese."""

    en: str
    ja: str | None = None

    def get(self, lang: str) -> str:
        return (self.ja if lang == "ja" else None) or self.en


class UserSpec(Strict):
    uid: int | None = None
    home: str | None = None
    password: str | None = None  # for SMTP AUTH / POP3 logins on this host


class FileSpec(Strict):
    content: str
    owner: str = "root"
    mode: str = "0644"

    @field_validator("mode")
    @classmethod
    def _octal(cls, value: str) -> str:
        try:
            int(value, 8)
        except ValueError:
            raise ValueError(f"expected an octal mode like 0644 (got {value!r})") from None
        return value


class SmtpAccount(Strict):
    server: str
    port: int = 587
    user: str | None = None
    password: str | None = None


class IncomingAccount(Strict):
    protocol: Literal["pop3"] = "pop3"
    server: str
    port: int = 110
    user: str
    password: str
    keep_on_server: bool = False


class AccountSpec(Strict):
    """A mail account configured in a client (what Thunderbird's account settings hold)."""

    address: str
    name: str | None = None
    smtp: SmtpAccount
    incoming: IncomingAccount | None = None
    sets_date: bool = True
    sets_message_id: bool = True
    user_agent: str | None = "Mozilla Thunderbird"

    @field_validator("address")
    @classmethod
    def _address(cls, value: str) -> str:
        return str(Address.parse(value))


Service = Literal["smtp", "submission", "pop3"]


class HostSpec(Strict):
    role: Literal["client", "server", "router"]
    ip: str | None = None
    network: str | None = None
    services: list[Service] = []
    mta: dict[str, str | int | bool] = {}
    users: dict[str, UserSpec] = {}
    accounts: dict[str, AccountSpec] = {}
    files: dict[str, FileSpec | str] = {}

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

    id: str | None = None
    at: Duration = 0.0
    client: str
    from_: str = Field(alias="from")
    to: list[str]
    cc: list[str] = []
    bcc: list[str] = []
    subject: str = ""
    body: str = ""
    headers: dict[str, str] = {}

    @field_validator("to", "cc", "bcc")
    @classmethod
    def _addresses(cls, values: list[str]) -> list[str]:
        return [str(Address.parse(v)) for v in values]


class FetchSpec(Strict):
    at: Duration
    client: str
    account: str  # the account's key in the client's accounts


class ExpectRecipient(Strict):
    msg: str | None = None
    rcpt: str
    outcome: Literal["delivered", "bounced", "queued", "rejected"]
    host: str | None = None
    mailbox: str | None = None
    headers: list[str] = []
    dsn: str | None = None
    hops: int | None = None


class ExpectMailbox(Strict):
    host: str
    path: str
    messages: int
    headers: list[str] = []  # header names every message in it carries


class ExpectFetch(Strict):
    client: str
    user: str
    messages: int


class ExpectSpec(Strict):
    recipients: list[ExpectRecipient] = []
    mailboxes: list[ExpectMailbox] = []
    fetched: list[ExpectFetch] = []
    replies: list[str] = []  # reply lines (prefixes) that must appear in some dialogue
    log: list[str] = []  # texts that must appear in some host's maillog


class QuestionSpec(Strict):
    prompt: Text
    choices: list[str]
    answer: int = Field(ge=0)
    explanation: Text


class Scenario(Strict):
    name: str
    title: Text
    topic: list[str] = []
    seed: int = 0
    start: datetime
    timezone: str = "UTC"
    until: Duration | None = None
    dns_latency: Duration = 0.001
    hosts: dict[str, HostSpec]
    links: list[LinkSpec]
    dns: str = ""
    messages: list[MessageSpec] = []
    fetches: list[FetchSpec] = []
    expect: ExpectSpec
    questions: list[QuestionSpec] = []

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"expected an IANA time zone like Asia/Tokyo or UTC (got {value!r})") from None
        return value

    def message_key(self, index: int) -> str:
        return self.messages[index].id or f"m{index + 1}"


class LoadedScenario:
    """A validated scenario and the file it came from; ``build()`` makes a runnable world."""

    def __init__(self, path: Path, spec: Scenario, lines: LineMap) -> None:
        self.path, self.spec, self.lines = path, spec, lines

    def build(self, seed: int | None = None) -> "World":
        from .world import World

        return World(self.spec, seed=seed, source=str(self.path))


def load_scenario(path: str | Path) -> LoadedScenario:
    """Read and validate a scenario file; raise ScenarioError with every problem found."""
    file = str(path)
    data, lines = load_yaml(path)
    try:
        spec = Scenario.model_validate(data)
    except ValidationError as exc:
        raise errors_from_validation(file, exc, lines, Scenario) from None
    problems = _cross_check(spec, lines)
    if problems:
        raise ScenarioError(file, sorted(problems, key=lambda p: p.line or 0))
    return LoadedScenario(Path(path), spec, lines)


def _cross_check(spec: Scenario, lines: LineMap) -> list[Problem]:
    from .agents.mta.params import check_names
    from .net.dns import DNS, ZoneError

    problems: list[Problem] = []
    names = set(spec.hosts)
    for i, link in enumerate(spec.links):
        for j, end in enumerate(link.between):
            if end not in names:
                problems.append(lines.problem(("links", i, "between", j),
                                              f"unknown host {end!r} (expected one of: {', '.join(sorted(names))})"))
    for name, host in spec.hosts.items():
        problems += _check_host(name, host, lines)
        for param, message in check_names(list(host.mta)):
            problems.append(lines.problem(("hosts", name, "mta", param), message))
    try:
        DNS.from_text(spec.dns)
    except ZoneError as err:
        base = lines.line_of(("dns",))
        problems.append(Problem(None if base is None else base + err.line, "dns",
                                f"zone line {err.line}: {err.reason} (in {err.text.strip()!r})"))
    problems += _check_messages(spec, lines)
    problems += _check_fetches(spec, lines)
    return problems


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

