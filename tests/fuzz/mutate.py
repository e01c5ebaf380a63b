"""Mutations of valid scenario data: the adversarial inputs of the fuzz campaign.

Each mutation takes the loaded YAML data of a lab (plain dicts, lists and scalars), picks one
place with a seeded random.Random and breaks it the way a student's typo, a copy-paste
accident or a hostile file would: a key deleted, a value of the wrong type, a huge, negative
or non-finite number, unicode and control characters, binary junk, a very long string, deep
nesting. The result is written back as YAML text.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import yaml

Path_ = tuple[Any, ...]

JUNK: list[Any] = [
    None, True, False, 0, -1, -10**9, 10**30, 1e300, -1e300, float("nan"), float("inf"), 0.5,
    "", " ", "@", "a@@b", "@example.org", "user@", "<>", "..", "../..", "/", "/etc/../..",
    "relative/path", "\x00", "\x7f", "名前", "ユーザー@例え.jp", "x" * 5000, "1e300", "99999999w",
    "-5m", "1e9d", "nan", "inf", "0x1F", "yes", "~", "*", "|/bin/sh", ":include:", "a\nb",
    "\u202e", "\ufeff", "emoji 📧", [], {}, [1, 2], {"a": 1}, [[[[[[[[[[]]]]]]]]]],
]


def places(data: Any, here: Path_ = ()) -> list[Path_]:
    """The paths into ``data`` (mapping keys and sequence indexes), the root first."""
    out = [here]
    if len(here) > 12:  # inside a nest a mutation made: deep enough
        return out
    if isinstance(data, dict):
        for key, value in data.items():
            out += places(value, (*here, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            out += places(value, (*here, index))
    return out


def _get(data: Any, path: Path_) -> Any:
    for part in path:
        data = data[part]
    return data


def _set(data: Any, path: Path_, value: Any) -> Any:
    if not path:
        return value
    _get(data, path[:-1])[path[-1]] = value
    return data


def _delete(data: Any, path: Path_, rng: random.Random) -> Any:
    if not path:
        return {}
    parent = _get(data, path[:-1])
    del parent[path[-1]]
    return data


def _junk(data: Any, path: Path_, rng: random.Random) -> Any:
    return _set(data, path, rng.choice(JUNK))


def _nest(data: Any, path: Path_, rng: random.Random) -> Any:
    value: Any = _get(data, path)
    for _ in range(rng.choice([5, 50, 500, 5000])):
        value = [value] if rng.random() < 0.5 else {"k": value}
    return _set(data, path, value)


def _tweak_text(data: Any, path: Path_, rng: random.Random) -> Any:
    value = _get(data, path)
    if not isinstance(value, str) or not value:
        return _junk(data, path, rng)
    i = rng.randrange(len(value) + 1)
    insert = rng.choice(["@", "..", "/", "\x00", "\t", "é", "¥", "\\", "%", "$", "{", "\n",
                         "'", '"', " ", "9" * 40, "\udcff"[:0] + "\u00a0"])
    return _set(data, path, value[:i] + insert + value[i:])


def _number(data: Any, path: Path_, rng: random.Random) -> Any:
    value = _get(data, path)
    choices: list[Any] = [10**18, -1, 1e300, 2**63, -(2**63), 0]
    if isinstance(value, str) and value[:1].isdigit():
        unit = value.lstrip("0123456789.")
        choices += [f"{n}{unit}" for n in ("99999999", "1e300", "0", "-1", "00")]
    return _set(data, path, rng.choice(choices))


def _duplicate_item(data: Any, path: Path_, rng: random.Random) -> Any:
    value = _get(data, path)
    if isinstance(value, list) and value:
        value.append(value[rng.randrange(len(value))])
    elif isinstance(value, dict) and value:
        key = rng.choice(list(value))
        value[f"{key}x"] = value[key]
    return data


MUTATIONS: list[Callable[[Any, Path_, random.Random], Any]] = [
    _delete, _junk, _junk, _nest, _tweak_text, _tweak_text, _number, _duplicate_item,
]


def _leaf(data: Any, path: Path_) -> bool:
    return not isinstance(_get(data, path), dict | list)


def mutate(data: Any, rng: random.Random, count: int = 1) -> Any:
    """``data`` with ``count`` random mutations (``data`` is changed in place too).

    Most mutations hit leaves (a value a student typed), where a wrong value is most likely
    to pass a loose check and fail later; the rest hit any place."""
    for _ in range(count):
        where = places(data)
        leaves = [p for p in where if p and _leaf(data, p)]
        path = rng.choice(leaves if leaves and rng.random() < 0.8 else where)
        data = rng.choice(MUTATIONS)(data, path, rng)
    return data


def dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


TEXT_ATTACKS = [
    "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)),
    "[" * 10000 + "]" * 10000,
    "{a: " * 3000 + "1" + "}" * 3000,
    "name: " + "x" * 2_000_000 + "\n",
    "\x00\x01\x02binary",
    "name: 'unterminated\n",
    "- a\n- b\n",
    "&a a: *a\n",
]
