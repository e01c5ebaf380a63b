"""``--set PATH=V1,V2`` for ``mailsim sweep``: a scenario path, resolved in the scenario data.

A path names a place in the scenario file as its errors do (``hosts.mx1.mta.maximal_backoff_time``,
``events[0].until``, ``hosts["mx.example.org"].mta.hopcount_limit``). Host names contain dots,
so a plain segment may also join the next ones (``hosts.mx.example.org.mta...``), and a host may
be named by its short name (``hosts.mx`` for ``mx.example.org``) when that is unambiguous.

The value is read as YAML reads it in the file (``5`` is a number, ``yes`` true, ``4000s``
text), so the scenario model validates it exactly as it validates the file. Missing mappings
on the way are created (a main.cf parameter the file leaves at its default); hosts and list
items must exist, since a setting changes a scenario and does not invent parts of it.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any

import yaml

from .model.duration import parse_duration
from .yamlsource import Loc, field_path

_TOKEN = re.compile(r'\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\[\'([^\']*)\'\]|\.?([^.\[\]]+)')
# the mappings whose keys a setting may not invent (a new host would be half a host)
_CLOSED: dict[Loc, str] = {("hosts",): "host"}


class SettingError(ValueError):
    """A ``--set`` option that names no place in the scenario or gives no values."""


@dataclass(frozen=True, slots=True)
class Setting:
    """One ``--set``: the path as written, where it leads in the data, its values (text)."""

    path: str
    loc: Loc
    values: tuple[str, ...]  # for a --vary: (low, high)
    varied: bool = False

    def draw(self, seed: int) -> str:
        """A --vary's value for one seed: uniform between its bounds, whole seconds for a
        duration. The stream is the seed's and the path's alone (a string seed is hashed
        with SHA-512 by random.seed), so a run draws the same value wherever it runs."""
        low, high = (_number(v) for v in self.values)
        rng = random.Random(f"mailsim-sweep/{seed}/{self.path}")
        if not _is_duration(self.values):
            return str(rng.randint(int(low), int(high)))
        return f"{round(rng.uniform(float(low), float(high)))}s"


def parse_setting(text: str, data: Any) -> Setting:
    """``PATH=V1,V2`` -> a Setting resolved in ``data`` (the scenario file's mapping)."""
    path, sep, raw = text.partition("=")
    path = path.strip()
    if not sep or not path:
        raise SettingError(f"--set {text}: expected PATH=VALUE[,VALUE...], e.g. "
                           "hosts.mx.mta.maximal_backoff_time=1000s,4000s")
    values = tuple(v.strip() for v in split_values(raw))
    if not any(values):
        raise SettingError(f"--set {path}: expected at least one value after '='")
    return Setting(path, resolve(data, path), values)


def parse_vary(text: str, data: Any) -> Setting:
    """``PATH=LOW..HIGH`` (durations like ``1h..3h`` or whole numbers): one value drawn per
    seed, so that each seed is another schedule (an outage that ends at another time)."""
    path, sep, raw = text.partition("=")
    path = path.strip()
    low, dots, high = raw.partition("..")
    bounds = (low.strip(), high.strip())
    if not sep or not path or not dots or not all(bounds):
        raise SettingError(f"--vary {text}: expected PATH=LOW..HIGH, e.g. events[2].at=1h..3h")
    try:
        lo, hi = (_number(b) for b in bounds)
    except ValueError:
        raise SettingError(f"--vary {path}: expected durations like 1h..3h or whole numbers "
                           f"like 2..10 (got {raw.strip()!r})") from None
    if hi < lo:
        raise SettingError(f"--vary {path}: expected LOW..HIGH with LOW not above HIGH "
                           f"(got {raw.strip()!r})")
    return Setting(path, resolve(data, path), bounds, varied=True)


def _number(text: str) -> int | float:
    """A bound of a --vary: a whole number (``5``) or a duration in seconds (``1h``)."""
    return int(text) if text.isdigit() else parse_duration(text)


def _is_duration(bounds: tuple[str, ...]) -> bool:
    return not all(b.isdigit() for b in bounds)


def split_values(raw: str) -> list[str]:
    """Split at commas that are outside brackets and quotes (``[smtp, pop3],[smtp]``);
    ``\\,`` is a comma inside a value (``mydestination=$myhostname\\, localhost``)."""
    out, cur, depth, quote = [], "", 0, ""
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == "\\" and raw[i + 1:i + 2] == ",":
            cur, i = cur + ",", i + 2
            continue
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(cur)
            cur, i = "", i + 1
            continue
        cur, i = cur + ch, i + 1
    return [*out, cur]


def _tokens(path: str) -> list[tuple[str, str | int]]:
    """("seg", text) for a plain segment, ("key", text) for ``["..."]``, ("index", n)."""
    out: list[tuple[str, str | int]] = []
    pos = 0
    for m in _TOKEN.finditer(path):
        if m.start() != pos:
            break
        pos = m.end()
        if m.group(1) is not None:
            out.append(("index", int(m.group(1))))
        elif m.group(2) is not None:
            out.append(("key", m.group(2).replace('\\"', '"')))
        elif m.group(3) is not None:
            out.append(("key", m.group(3)))
        else:
            out.append(("seg", m.group(4)))
    if pos != len(path) or not out or out[0][0] == "index":
        raise SettingError(f"--set {path}: expected a scenario path like "
                           "hosts.mx.mta.maximal_backoff_time or events[0].until")
    return out


def resolve(data: Any, path: str) -> Loc:
    """The location ``path`` names in ``data``; SettingError naming the path if none."""
    tokens, node, i = _tokens(path), data, 0
    loc: list[str | int] = []
    while i < len(tokens):
        kind, value = tokens[i]
        if kind == "index":
            node = _index(node, int(value), tuple(loc), path)
            loc.append(int(value))
            i += 1
            continue
        if node is not None and not isinstance(node, dict):
            raise SettingError(f"--set {path}: {field_path(loc)} is a single value, "
                               "not a mapping (nothing lies below it)")
        key, used = _key(node or {}, tokens, i, tuple(loc), path)
        loc.append(key)
        node = (node or {}).get(key)
        i += used
    return tuple(loc)


def _index(node: Any, n: int, loc: Loc, path: str) -> Any:
    if not isinstance(node, list):
        raise SettingError(f"--set {path}: {field_path(loc) or 'the scenario'} is not a list")
    if not 0 <= n < len(node):
        raise SettingError(f"--set {path}: {field_path(loc)} has {len(node)} item(s): "
                           f"expected an index from 0 to {len(node) - 1} (got {n})")
    return node[n]


def _key(node: dict[Any, Any], tokens: list[tuple[str, str | int]], i: int, loc: Loc,
         path: str) -> tuple[str, int]:
    """The key at token ``i`` and how many tokens it used: the longest run of plain segments
    joined by dots that is a key of ``node`` (``mx.example.org``), else one segment."""
    kind, value = tokens[i]
    if kind == "key":
        candidates = [(str(value), 1)]
    else:
        candidates, text = [], ""
        for j in range(i, len(tokens)):
            if tokens[j][0] != "seg":
                break
            text = f"{text}.{tokens[j][1]}" if text else str(tokens[j][1])
            candidates.append((text, j - i + 1))
    found = [c for c in candidates if c[0] in node]
    if found:
        return found[-1]
    if loc in _CLOSED:
        return _short_name(node, candidates[0][0], loc, path), 1
    return candidates[0]


def _short_name(node: dict[Any, Any], name: str, loc: Loc, path: str) -> str:
    """``mx`` for the one host ``mx.example.org``; else an error listing the choices."""
    matches = [k for k in node if str(k).split(".", 1)[0] == name]
    if len(matches) == 1:
        return str(matches[0])
    what = _CLOSED[loc]
    raise SettingError(f"--set {path}: unknown {what} {name!r} (expected one of: "
                       f"{', '.join(sorted(map(str, node)))})")


def typed(value: str) -> Any:
    """A command-line value as YAML would read it in the file (``5``, ``yes``, ``4000s``)."""
    try:
        return yaml.safe_load(value) if value else None
    except yaml.YAMLError:
        return value  # not YAML: the text itself, which the model then judges


def put(data: Any, loc: Loc, value: Any) -> None:
    """Set ``value`` at ``loc`` in ``data`` (a copy), creating missing mappings on the way."""
    node = data
    for part in loc[:-1]:
        if isinstance(node, dict) and node.get(part) is None:
            node[part] = {}
        node = node[part]
    node[loc[-1]] = value
