"""Each host's virtual filesystem: paths, bytes, owner and mode, and nothing on the real disk.

local(8) checks ownership and permissions of ~/.forward and :include: files, so a file
carries an owner and a mode. Only ``export`` writes real files, and only below the
directory the user names.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


class FsError(ValueError):
    """A path that cannot exist in a host's filesystem (relative, or escaping with ..)."""


@dataclass(slots=True)
class VFile:
    data: bytes | bytearray  # appended-to files (mbox, logs) grow in place
    owner: str = "root"
    mode: int = 0o644
    mtime: float = 0.0
    link: str | None = None  # a symbolic link: its target, as ln -s was given it
    group: str | None = None  # None: the owner's private group


def normalise(path: str) -> str:
    """An absolute, normalised path: ``..`` resolved as the kernel would, never above ``/``.

    This filesystem is virtual, so a path that climbs can reach nothing real; what
    leaves the simulation (``export_path``) is checked again on its own."""
    if not path.startswith("/"):
        raise FsError(f"expected an absolute path starting with / (got {path!r})")
    return resolve("/", path)


@lru_cache(maxsize=8192)  # a pure function of its texts; mailbox paths recur every delivery
def resolve(cwd: str, path: str) -> str:
    """What the kernel makes of ``path`` typed in directory ``cwd``: relative to cwd,
    ``.`` dropped, ``..`` up one directory but never above ``/`` (path_resolution(7);
    SIMPLIFICATION: lexically, as no simulated directory is a symbolic link)."""
    parts: list[str] = []
    for part in (path if path.startswith("/") else f"{cwd}/{path}").split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/" + "/".join(parts)


class VirtualFS:
    __slots__ = ("appended", "dirs", "files", "keep_appended")

    def __init__(self) -> None:
        self.files: dict[str, VFile] = {}
        self.dirs: set[str] = set()  # directories made explicitly (they may be empty)
        # False under ``--trace summary``: an appended file (an mbox) keeps no bytes;
        # ``appended`` counts what was written to it
        self.keep_appended = True
        self.appended: dict[str, int] = {}

    def mkdir(self, path: str) -> None:
        """A directory that exists even with nothing in it (Maildir's tmp/, new/, cur/)."""
        self.dirs.add(normalise(path))

    def write(self, path: str, data: bytes, owner: str = "root", mode: int = 0o644,
              mtime: float = 0.0) -> None:
        self.files[normalise(path)] = VFile(data, owner, mode, mtime)

    def append(self, path: str, data: bytes, owner: str = "root", mode: int = 0o600,
               mtime: float = 0.0) -> None:
        key = normalise(path)
        existing = self.files.get(key)
        if not self.keep_appended:
            self.appended[key] = self.appended.get(key, 0) + len(data)
            data = b""
        if existing is None:
            self.files[key] = VFile(bytearray(data), owner, mode, mtime)
        else:
            if not isinstance(existing.data, bytearray):
                existing.data = bytearray(existing.data)
            existing.data += data  # in place: appending many messages stays linear
            existing.mtime = mtime

    def read(self, path: str) -> bytes | None:
        """The bytes of a file; a symbolic link is followed, as open(2) does."""
        entry = self.files.get(self.resolve(path))
        return None if entry is None else bytes(entry.data)

    def symlink(self, target: str, path: str, mtime: float = 0.0) -> None:
        """ln -s TARGET PATH: mode 0777, owned by root, its size the target's length."""
        self.files[normalise(path)] = VFile(target.encode(), "root", 0o777, mtime, target)

    def resolve(self, path: str) -> str:
        """readlink -f / realpath(3): every link followed (relative targets from the
        link's directory); 40 links at most, as Linux allows (ELOOP after that)."""
        key = normalise(path)
        for _ in range(40):
            entry = self.files.get(key)
            if entry is None or entry.link is None:
                return key
            target = entry.link
            base = key.rsplit("/", 1)[0] or "/"
            key = resolve(base, target)  # the module's lexical resolve()
        return key

    def stat(self, path: str) -> VFile | None:
        return self.files.get(normalise(path))

    def exists(self, path: str) -> bool:
        return normalise(path) in self.files

    def remove(self, path: str) -> None:
        self.files.pop(normalise(path), None)

    def rename(self, old: str, new: str) -> None:
        self.files[normalise(new)] = self.files.pop(normalise(old))

    def listdir(self, directory: str) -> list[str]:
        """Names directly below ``directory`` (files and implied sub-directories), sorted."""
        prefix = normalise(directory).rstrip("/") + "/"
        names = {p[len(prefix):].split("/", 1)[0] for p in (*self.files, *self.dirs)
                 if p.startswith(prefix)}
        return sorted(names)

    def is_dir(self, path: str) -> bool:
        key = normalise(path)
        prefix = key.rstrip("/") + "/"
        return key in self.dirs or key == "/" or any(
            p.startswith(prefix) for p in (*self.files, *self.dirs))

    def under(self, directory: str) -> list[str]:
        prefix = normalise(directory).rstrip("/") + "/"
        return sorted(p for p in self.files if p.startswith(prefix))


def export_path(root: Path, host: str, path: str) -> Path:
    """Where ``host:path`` goes below ``root``; refuse anything that would land outside it."""
    if not host or "/" in host or host in (".", ".."):
        raise FsError(f"expected a plain host name to export (got {host!r})")
    target = (root / host / normalise(path).lstrip("/")).resolve()
    base = root.resolve()
    if base != target and base not in target.parents:
        raise FsError(f"refusing to write outside {root}: {host}:{path}")
    return target
