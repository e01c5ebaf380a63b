"""A small world for the queue tests: alice's client, her provider's MTA, two MX hosts.

``world(events=..., messages=..., msa={...}, mx1={...})`` builds it in memory (no YAML file);
the MX hosts are mx1.example.org (preference 10) and mx2.example.org (20), both final
destinations for example.org with users bob and carol.
"""

from __future__ import annotations

from typing import Any

from simulator.scenario import Scenario
from simulator.world import World

MSA = "mail.example.net"


def spec(events: list[dict[str, Any]] | None = None,
         messages: list[dict[str, Any]] | None = None,
         commands: list[dict[str, Any]] | None = None, msa: dict[str, Any] | None = None,
         mx1: dict[str, Any] | None = None, mx2: dict[str, Any] | None = None,
         latency: str = "10ms", seed: int = 1) -> dict[str, Any]:
    def mx(ip: str, extra: dict[str, Any] | None) -> dict[str, Any]:
        return {"role": "server", "ip": ip, "services": ["smtp"],
                "mta": {"mydestination": "$myhostname, $mydomain", **(extra or {})},
                "users": {"bob": {}, "carol": {}}}

    return {
        "name": "queue-test", "title": {"en": "queue test"}, "seed": seed,
        "start": "2026-04-01T09:00:00",
        "hosts": {
            "pc": {"role": "client", "ip": "198.51.100.23", "accounts": {"alice": {
                "address": "alice@example.net",
                "smtp": {"server": MSA, "user": "alice", "password": "pw"}}}},
            MSA: {"role": "server", "ip": "203.0.113.25", "services": ["smtp", "submission"],
                  "mta": {"myorigin": "$mydomain", "mydestination": "$myhostname, $mydomain",
                          **(msa or {})},
                  "users": {"alice": {"password": "pw"}}},
            "mx1.example.org": mx("192.0.2.25", mx1),
            "mx2.example.org": mx("192.0.2.26", mx2),
        },
        "links": [{"between": ["pc", MSA], "latency": "5ms"},
                  {"between": [MSA, "mx1.example.org"], "latency": latency},
                  {"between": [MSA, "mx2.example.org"], "latency": latency}],
        "dns": "\n".join(["example.org. MX 10 mx1.example.org.",
                          "example.org. MX 20 mx2.example.org.",
                          "mx1.example.org. A 192.0.2.25", "mx2.example.org. A 192.0.2.26",
                          f"{MSA}. A 203.0.113.25", f"25.113.0.203.in-addr.arpa. PTR {MSA}."]),
        "messages": messages if messages is not None else [
            {"id": "m1", "at": "0s", "client": "pc", "from": "alice@example.net",
             "to": ["bob@example.org"], "subject": "hi", "body": "hello\n"}],
        "events": events or [], "commands": commands or [], "expect": {},
    }


def world(**kwargs: Any) -> World:
    return World(Scenario.model_validate(spec(**kwargs)))


def message(key: str, at: str, *to: str) -> dict[str, Any]:
    return {"id": key, "at": at, "client": "pc", "from": "alice@example.net",
            "to": list(to), "subject": key, "body": f"{key}\n"}
