"""A message as the queue stores it: bytes, LF line ends, the header block first.

Postfix keeps a message as records of text, not as a parsed tree, and adds headers by
writing lines; so does the queue here. Parsing into ``email.message.EmailMessage`` is left
to the places that need the structure (composing, bounces, reading a mailbox), which keeps
each MTA hop to a few byte operations.
"""

from __future__ import annotations

from functools import lru_cache


def split(data: bytes) -> tuple[bytes, bytes]:
    """(header block with its final newline, the rest from the blank line on)."""
    if data.startswith(b"\n"):
        return b"", data
    end = data.find(b"\n\n")
    if end < 0:
        return (data if data.endswith(b"\n") else data + b"\n"), b""
    return data[: end + 1], data[end + 1:]


def fields(block: bytes) -> list[bytes]:
    """A header block's fields, each with its continuation lines and final newline."""
    out: list[bytes] = []
    for line in block.splitlines(keepends=True):
        if line[:1] in (b" ", b"\t") and out:
            out[-1] += line
        else:
            out.append(line)
    return out


def headers(data: bytes) -> list[tuple[str, str]]:
    """(name, unfolded value) of every header, in order (RFC 5322 §2.2.3 unfolding)."""
    if isinstance(data, bytes):
        return list(_kept_headers(data))
    return list(_parse_headers(data))


@lru_cache(maxsize=64)  # one message is asked several times in a row (its hops, its MDA)
def _kept_headers(data: bytes) -> tuple[tuple[str, str], ...]:
    return _parse_headers(data)


def _parse_headers(data: bytes) -> tuple[tuple[str, str], ...]:
    block, _ = split(data)
    out: list[tuple[str, str]] = []
    for line in block.decode("utf-8", "replace").split("\n"):
        if not line:
            continue
        if line[0] in " \t" and out:
            name, value = out[-1]
            out[-1] = (name, value + " " + line.strip())
        elif ":" in line:
            name, _, value = line.partition(":")
            out.append((name.strip(), value.strip()))
    return tuple(out)


def get(data: bytes, name: str) -> str | None:
    """The first value of a header (case-insensitive name), unfolded; None when absent."""
    wanted = name.lower()
    for key, value in headers(data):
        if key.lower() == wanted:
            return value
    return None


def has(data: bytes, name: str) -> bool:
    """Is the header present? (A quick scan of the header block's line starts.)"""
    block, _ = split(data)
    prefix = name.lower().encode() + b":"
    return any(line.lower().startswith(prefix) for line in block.split(b"\n"))


def count(data: bytes, name: str) -> int:
    block, _ = split(data)
    prefix = name.lower().encode() + b":"
    return sum(1 for line in block.split(b"\n") if line.lower().startswith(prefix))


def prepend(data: bytes, name: str, value: str) -> bytes:
    """A header above all others (RFC 5321 §4.4: Received: goes on top); ``value`` may be
    folded with "\\n\\t" as Postfix folds it."""
    return f"{name}: {value}\n".encode() + data


def append(data: bytes, name: str, value: str) -> bytes:
    """A header after the last one, before the blank line (cleanup adds Date: there)."""
    block, rest = split(data)
    return block + f"{name}: {value}\n".encode() + rest


def remove(data: bytes, name: str) -> bytes:
    """Drop every occurrence of a header, continuation lines included."""
    block, rest = split(data)
    prefix = name.lower().encode() + b":"
    kept: list[bytes] = []
    dropping = False
    for line in block.split(b"\n")[:-1]:
        if line[:1] in (b" ", b"\t"):
            if not dropping:
                kept.append(line)
            continue
        dropping = line.lower().startswith(prefix)
        if not dropping:
            kept.append(line)
    return b"".join(x + b"\n" for x in kept) + rest


def normalise(data: bytes) -> bytes:
    """LF line ends, and a final newline."""
    data = data.replace(b"\r\n", b"\n")
    return data if data.endswith(b"\n") else data + b"\n"
