"""Scenario YAML with line numbers, and validation errors a student can read.

``load_yaml`` reads a file with a ``yaml.SafeLoader`` subclass that remembers the line of
every mapping key and sequence item (a ``LineMap``) and rejects duplicate keys, which
PyYAML would otherwise silently resolve by keeping the last one. ``errors_from_validation``
turns a pydantic ``ValidationError`` into ``Problem`` records (line, field path, plain
message) collected in one ``ScenarioError``, rendered like a compiler's messages::

    scenarios/x.yaml:12: hosts.mx1.mta.maximal_backoff_time: expected a duration ... (got 'abc')

Validation happens once, before a run (STYLE.md, convention 6); this module only reports.
"""

from __future__ import annotations

import difflib
import re
import types
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, TypeGuard, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, Discriminator, ValidationError

__all__ = ["EMPTY_FILE", "LineMap", "Loc", "Problem", "ScenarioError", "errors_from_validation",
           "field_path", "format_yaml_error", "load_yaml"]

Loc = tuple[str | int, ...]
"""A path into the loaded data: mapping keys and sequence indexes, from the top."""

EMPTY_FILE = "the file is empty: expected a mapping with name, hosts, ..."


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario file; ``None`` means "not known"."""

    line: int | None
    field: str
    message: str
    column: int | None = None

    def render(self, file: str) -> str:
        """``file:line[:column]: field: message``, leaving out what is unknown."""
        where = file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class ScenarioError(Exception):
    """An invalid scenario file: every problem found, each with its line and field."""

    def __init__(self, file: str, problems: Iterable[Problem]) -> None:
        self.file = str(file)
        self.problems = list(problems)
        super().__init__(self.file, self.problems)

    def __str__(self) -> str:
        lines = [problem.render(self.file) for problem in self.problems]
        if not lines:
            return f"{self.file}: scenario file is not valid"
        if len(lines) > 1:
            lines.insert(0, f"error: scenario file is not valid ({len(lines)} problems)")
        return "\n".join(lines)


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")


def field_path(loc: Sequence[Any]) -> str:
    """``("hosts", "mx1", "to", 1)`` -> ``"hosts.mx1.to[1]"``.

    Keys that would be ambiguous after a dot (``mx1.example.com``, ``/etc/aliases``) are
    written in brackets: ``files["/etc/aliases"]``.
    """
    text = ""
    for part in loc:
        if isinstance(part, str) and _PLAIN_KEY.fullmatch(part):
            text += f".{part}" if text else part
        elif isinstance(part, int) and not isinstance(part, bool):
            text += f"[{part}]"
        else:
            text += f"[{_quote(part)}]"
    return text


def _quote(part: Any) -> str:
    """A key as the student wrote it, in double quotes when it is text."""
    return '"' + part.replace('"', '\\"') + '"' if isinstance(part, str) else repr(part)


class LineMap:
    """Line numbers (1-based) of the mapping keys and sequence items of a loaded file."""

    def __init__(self, lines: dict[Loc, int] | None = None) -> None:
        self._lines: dict[Loc, int] = dict(lines or {})
        self._scalars: dict[Loc, tuple[int, str | None]] = {}

    def record_scalar(self, loc: Loc, line: int, style: str | None) -> None:
        """Remember where a scalar value starts and its style ('|', '>', '"', "'", None)."""
        self._scalars[loc] = (line, style)

    def text_line(self, loc: Sequence[Any], n: int) -> int | None:
        """The file line of line ``n`` (1-based) inside the text value at ``loc``.

        Exact for block scalars (``|``, ``>``), whose text starts on the line after the
        indicator; for a flow scalar the value's first line is the best that is known.
        """
        found = self._scalars.get(tuple(loc))
        if found is None:
            return self.line_of(loc)
        line, style = found
        return line + n if style in ("|", ">") else line

    def record(self, loc: Loc, line: int) -> None:
        """Remember that the node at ``loc`` starts on ``line``."""
        self._lines[loc] = line

    def __contains__(self, loc: object) -> bool:
        return loc in self._lines

    def line_of(self, loc: Sequence[Any]) -> int | None:
        """The line of the deepest known node on ``loc`` (the nearest line for a bad value)."""
        path = tuple(loc)
        for end in range(len(path), 0, -1):
            line = self._lines.get(path[:end])
            if line is not None:
                return line
        return None

    def problem(self, loc: Sequence[Any], message: str) -> Problem:
        """A Problem at ``loc``: for checks made after pydantic (cross references ...)."""
        return Problem(self.line_of(loc), field_path(loc), message)


# ---------------------------------------------------------------------------- loading

_MERGE_TAG = "tag:yaml.org,2002:merge"

# Limits that keep a hostile or broken file from running for ever or exhausting memory
# (the "billion laughs" of nested aliases; thousands of brackets). The shipped labs are under
# 20 kB, 1,500 nodes and depth 12: these bounds are far above any real scenario.
MAX_FILE_BYTES = 1_048_576
MAX_DEPTH = 64  # nested mappings and sequences
MAX_NODES = 100_000  # scalars, mappings and sequences, counting each alias as its expansion


class _TooBig(Exception):
    """A limit above was passed; the message says which and where."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that indexes lines and rejects duplicate keys before constructing."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        # Composition recurses once per level: refuse deep nesting before Python's
        # recursion limit is reached, naming the line where it went too deep.
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                line = self.peek_event().start_mark.line + 1
                raise _TooBig(f"YAML error: the nesting is too deep (at most {MAX_DEPTH}"
                              " levels of mappings and lists)", line)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def load_indexed(self, file: str) -> tuple[Any, LineMap]:
        node = self.get_single_node()
        if node is None:
            raise ScenarioError(file, [Problem(None, "", EMPTY_FILE)])
        _check_expansion(node)
        lines, problems = LineMap(), list[Problem]()
        self._checked: set[int] = set()  # mappings already checked for duplicate keys
        self._index(node, (), lines, problems, set())
        if problems:
            raise ScenarioError(file, problems)
        data = self.construct_document(node)
        if data is None:  # only "---" or "null"
            raise ScenarioError(file, [Problem(None, "", EMPTY_FILE)])
        if not isinstance(data, dict):
            message = ("expected a mapping (name: ..., hosts: ...) at the top level"
                       f" (got {_describe(data)})")
            raise ScenarioError(file, [Problem(node.start_mark.line + 1, "", message)])
        return data, lines

    def _index(self, node: yaml.Node, loc: Loc, lines: LineMap, problems: list[Problem],
               active: set[int]) -> None:
        if id(node) in active:  # a recursive alias (&a [*a]); construction handles it
            return
        active.add(id(node))
        if isinstance(node, yaml.MappingNode):
            self._index_mapping(node, loc, lines, problems, active, primary=True)
        elif isinstance(node, yaml.ScalarNode):
            lines.record_scalar(loc, node.start_mark.line + 1, node.style)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                lines.record((*loc, index), item.start_mark.line + 1)
                self._index(item, (*loc, index), lines, problems, active)
        active.discard(id(node))

    def _index_mapping(self, node: yaml.MappingNode, loc: Loc, lines: LineMap,
                       problems: list[Problem], active: set[int], *, primary: bool) -> None:
        """Index one mapping; ``primary`` is False for a ``<<: *anchor`` merge source,
        whose keys give way to the keys written in place (as in PyYAML's flatten_mapping)."""
        report = primary and id(node) not in self._checked  # an alias is checked once
        self._checked.add(id(node))
        first_line: dict[Any, int] = {}
        merges: list[yaml.Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merges.append(value_node)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                continue  # an unhashable key: construct_document reports it
            key, line = self.construct_object(key_node), key_node.start_mark.line + 1
            if key in first_line:
                if report:
                    problems.append(_duplicate(loc, key, line, first_line[key]))
                continue
            first_line[key] = line
            if primary or (*loc, key) not in lines:
                lines.record((*loc, key), line)
                self._index(value_node, (*loc, key), lines, problems, active)
        for source in merges:
            sources = source.value if isinstance(source, yaml.SequenceNode) else [source]
            for merged in sources:
                if isinstance(merged, yaml.MappingNode):
                    self._index_mapping(merged, loc, lines, problems, active, primary=False)


def _check_expansion(root: yaml.Node) -> None:
    """Refuse a document whose aliases expand past MAX_NODES (each alias counts as a copy
    of what it names, as everything after loading sees it): the "billion laughs" attack."""
    sizes: dict[int, int] = {}
    visiting: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in visiting or isinstance(node, yaml.ScalarNode):
            return 1  # a recursive alias refers back: one node, not an expansion
        visiting.add(key)
        children = node.value if isinstance(node, yaml.SequenceNode) else \
            [part for pair in node.value for part in pair]
        total = 1
        for child in children:
            total += size(child)
            if total > MAX_NODES:
                raise _TooBig(f"YAML error: the document expands to more than {MAX_NODES}"
                              " nodes (aliases such as *name repeat what they name; "
                              "write the values out instead)", node.start_mark.line + 1)
        visiting.discard(key)
        sizes[key] = total
        return total

    size(root)


def _duplicate(loc: Loc, key: Any, line: int, first: int) -> Problem:
    return Problem(line, field_path((*loc, key)),
                   f"duplicate key {key!r} (first defined on line {first});"
                   " each key may appear only once in a mapping")


_READ_ERRORS: tuple[tuple[type[OSError], str], ...] = (
    (FileNotFoundError, "file not found"),
    (IsADirectoryError, "this is a directory, expected a YAML file"),
    (PermissionError, "permission denied: cannot read the file"),
)


def _read_text(file: str) -> str:
    """The file's text, or a ScenarioError saying why it cannot be read."""
    try:
        size = Path(file).stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(file, [Problem(None, "", f"the file is too large ({size} bytes;"
                                               f" a scenario is at most {MAX_FILE_BYTES} bytes)")])
        raw = Path(file).read_bytes()
    except OSError as exc:
        reason = next((text for kind, text in _READ_ERRORS if isinstance(exc, kind)),
                      f"cannot read the file ({exc.strerror or exc})")
        raise ScenarioError(file, [Problem(None, "", reason)]) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        message = f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as UTF-8"
        raise ScenarioError(file, [Problem(line, "", message)]) from exc


def load_yaml(path: str | Path) -> tuple[Any, LineMap]:
    """Read a scenario file: its data (a dict) and the lines of its keys and items.

    Raises ScenarioError for an unreadable, empty, malformed or non-mapping file, and for
    duplicate keys (all of them, each with its line).
    """
    file = str(path)
    text = _read_text(file)
    try:
        loader = _LineLoader(text)  # the reader already rejects control characters
        try:
            data, lines = loader.load_indexed(file)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise format_yaml_error(file, exc, text) from exc
    except _TooBig as exc:
        raise ScenarioError(file, [Problem(exc.line, "", str(exc))]) from None
    except RecursionError as exc:  # construction of a recursive alias, say
        raise ScenarioError(file, [Problem(None, "", "YAML error: the nesting is too deep")]) from exc
    return data, lines


def format_yaml_error(file: str, exc: yaml.YAMLError, text: str | None = None) -> ScenarioError:
    """A PyYAML error as a ScenarioError with line and column (``text`` helps for reader errors)."""
    if isinstance(exc, yaml.reader.ReaderError):
        line, column = _position(text, exc.position) if text is not None else (None, None)
        char = exc.character
        shown = f"#x{char:04x}" if isinstance(char, int) else repr(char)
        message = f"YAML error: {exc.reason} (character {shown})"
        return ScenarioError(file, [Problem(line, "", message, column)])
    if not isinstance(exc, yaml.MarkedYAMLError):
        return ScenarioError(file, [Problem(None, "", f"YAML error: {exc}")])
    mark = exc.problem_mark or exc.context_mark
    label = "YAML error" if isinstance(exc, yaml.constructor.ConstructorError) else "YAML syntax error"
    message = f"{label}: {_marked_text(exc)}"
    if "'\\t'" in message:
        message += "; indent with spaces, YAML does not allow tabs there"
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
    return ScenarioError(file, [Problem(line, "", message, column)])


def _marked_text(exc: yaml.MarkedYAMLError) -> str:
    """PyYAML's problem, with its context when that says where the trouble started."""
    problem, context, where = exc.problem or "", exc.context or "", exc.context_mark
    if not (problem and context):
        return problem or context
    if problem.startswith("but "):  # "expected a single document ..., but found another ..."
        return f"{context}, {problem}"
    mark = exc.problem_mark
    if where is None or mark is None or where.line == mark.line:
        return problem
    return f"{problem} ({context} at line {where.line + 1}, column {where.column + 1})"


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


# ------------------------------------------------------- pydantic errors into Problems

def errors_from_validation(file: str, exc: ValidationError, lines: LineMap,
                           model: type[BaseModel] | None = None) -> ScenarioError:
    """Every error of ``exc`` as a Problem, sorted by line.

    ``model`` (the model that was validated) lets the messages list the allowed field
    names and choices, and lets pydantic's union members be dropped from field paths.
    """
    found = [_problem(error, lines, model) for error in exc.errors(include_url=False)]
    unique = list(dict.fromkeys(_merge_union_branches(found)))
    unique.sort(key=lambda p: (p.line is not None, p.line or 0))  # stable: same line keeps order
    return ScenarioError(file, unique)


def _problem(error: Any, lines: LineMap, model: type[BaseModel] | None
             ) -> tuple[Problem, str | None]:
    """One pydantic error as (Problem, the union member it came from or None)."""
    raw = tuple(error["loc"])
    is_key = bool(raw) and raw[-1] == "[key]"  # the key of a dict was invalid
    walk = _Walk(model, lines).run(raw[:-1] if is_key else raw)
    loc, message = walk.loc, _message(error, walk)
    if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
        loc, message = _tag_problem(error, walk)
    if is_key:
        message = f"the key {loc[-1]!r} is not valid: {message}" if loc else message
    return Problem(lines.line_of(loc), field_path(loc), message), walk.branch


def _merge_union_branches(found: list[tuple[Problem, str | None]]) -> list[Problem]:
    """Join the per-member problems of one field of a plain union into one problem."""
    groups: dict[str, list[Problem]] = {}
    for problem, branch in found:
        if branch is not None:
            groups.setdefault(problem.field, []).append(problem)
    out: list[Problem] = []
    for problem, branch in found:
        group = groups.get(problem.field, []) if branch is not None else []
        if len(group) > 1:
            message = "matches none of the allowed forms: " + "; or ".join(p.message for p in group)
            problem = Problem(group[0].line, problem.field, message)
        out.append(problem)
    return out


_EXPECTED: dict[str, str] = {
    **dict.fromkeys(("int_type", "int_parsing", "int_from_float"), "expected an integer"),
    **dict.fromkeys(("float_type", "float_parsing"), "expected a number"),
    **dict.fromkeys(("bool_type", "bool_parsing"), "expected true or false"),
    **dict.fromkeys(("string_type", "string_unicode"), "expected text"),
    **dict.fromkeys(("dict_type", "model_type", "model_attributes_type"),
                    "expected a mapping (key: value lines)"),
    **dict.fromkeys(("list_type", "tuple_type", "set_type"), "expected a list (- item lines)"),
    **dict.fromkeys(("datetime_type", "datetime_parsing", "datetime_from_date_parsing"),
                    "expected a date and time like 2024-04-01T09:00:00"),
    **dict.fromkeys(("date_type", "date_parsing", "date_from_datetime_parsing"),
                    "expected a date like 2024-04-01"),
    "none_required": "expected nothing (an empty value)",
}


def _message(error: Any, walk: _Walk) -> str:
    """Plain words for one pydantic error: what was expected and what was found."""
    kind, got = error["type"], _describe(error.get("input"))
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return _unknown_field(walk)
    if kind in ("literal_error", "enum"):
        return f"expected one of {_choices(error, walk.target)} (got {got})"
    if kind in _EXPECTED:
        return f"{_EXPECTED[kind]} (got {got})"
    text = str(error["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if "(got " in text or isinstance(error.get("input"), dict | list):
        return text
    return f"{text} (got {got})"


def _unknown_field(walk: _Walk) -> str:
    """``unknown field (expected one of: ...)``, with a guess for a likely typo."""
    parent = walk.parent
    if not _is_model(parent):
        return "unknown field (not allowed here)"
    names = _field_names(parent)
    message = f"unknown field (expected one of: {', '.join(names)})"
    key = walk.loc[-1] if walk.loc else ""
    close = difflib.get_close_matches(str(key), names, n=1, cutoff=0.75)
    return f"{message}; did you mean '{close[0]}'?" if close else message


def _choices(error: Any, target: Any) -> str:
    """``'a', 'b', 'c'`` from the Literal at the error, else from pydantic's text."""
    base, _disc = _unwrap(target)
    if get_origin(base) is Literal:
        return ", ".join(repr(value) for value in get_args(base))
    expected = str((error.get("ctx") or {}).get("expected", ""))
    return ", ".join(expected.rsplit(" or ", 1)) if expected else "the allowed values"


def _tag_problem(error: Any, walk: _Walk) -> tuple[Loc, str]:
    """A discriminated union's tag error, placed on the tag field (``hosts.mx1.role``)."""
    ctx = error.get("ctx") or {}
    name = re.fullmatch(r"'(\w+)'", str(ctx.get("discriminator", "")))
    if name is None:  # a callable discriminator: no field to point at
        return walk.loc, str(error["msg"])
    loc = (*walk.loc, name.group(1))
    if error["type"] == "union_tag_not_found":
        return loc, "required field is missing"
    return loc, f"expected one of {ctx['expected_tags']} (got {_describe(ctx.get('tag'))})"


def _describe(value: Any) -> str:
    """A found value as a student would recognise it in the YAML."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return f"{type(value).__name__} {value}"


# ------------------------------------------- walking a model type along an error's loc

# pydantic names the members of a plain union in `loc` by their schema, e.g. "int",
# "list[str]", "function-after[check(), str]", or a model's class name.
_SCHEMA_NAMES = frozenset({"int", "float", "str", "bool", "bytes", "none", "any", "decimal",
                           "date", "datetime", "time", "timedelta", "dict", "list"})


def _is_model(annotation: Any) -> TypeGuard[type[BaseModel]]:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _field_names(model: type[BaseModel]) -> list[str]:
    """The names a YAML file uses for the model's fields (aliases where set)."""
    names = []
    for name, info in model.model_fields.items():
        alias = info.validation_alias if isinstance(info.validation_alias, str) else info.alias
        names.append(alias or name)
    return names


def _model_field(model: type[BaseModel], key: Any) -> Any:
    """The annotation of field ``key`` (name or alias), with its discriminator kept."""
    for name, info in model.model_fields.items():
        if key in (name, info.alias, info.validation_alias):
            found = info.discriminator
            if found is None:
                return info.annotation
            tag = Discriminator(found) if isinstance(found, str) else found
            return Annotated[info.annotation, tag]  # type: ignore[name-defined]
    return None


def _unwrap(annotation: Any) -> tuple[Any, str | None]:
    """Strip Annotated and Optional; return the type and its discriminator field name."""
    discriminator = None
    while True:
        if get_origin(annotation) is Annotated:
            for meta in annotation.__metadata__:
                found = getattr(meta, "discriminator", None)
                found = getattr(found, "discriminator", found)  # Field(discriminator=Discriminator(..))
                discriminator = found if isinstance(found, str) else discriminator
            annotation = get_args(annotation)[0]
        elif get_origin(annotation) in (Union, types.UnionType):
            members = [m for m in get_args(annotation) if m is not type(None)]
            if len(members) != 1:
                return annotation, discriminator
            annotation = members[0]
        else:
            return annotation, discriminator


def _union_member(annotation: Any, discriminator: str | None, part: Any) -> Any:
    """The member of a union that ``part`` (a tag or a class name) names, else None."""
    for member in get_args(annotation):
        base, _ = _unwrap(member)
        tags = [getattr(m, "tag", None) for m in getattr(member, "__metadata__", ())]
        if part in tags or (_is_model(base) and base.__name__ == part):
            return member
        if discriminator and _is_model(base):
            literal, _ = _unwrap(_model_field(base, discriminator))
            if get_origin(literal) is Literal and part in get_args(literal):
                return member
    return None


def _child(annotation: Any, part: Any) -> Any:
    """The annotation of the value at ``part`` inside a value of ``annotation``."""
    if _is_model(annotation):
        return _model_field(annotation, part)
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is tuple and args and args[-1] is not Ellipsis:
        return args[part] if isinstance(part, int) and part < len(args) else None
    if origin in (list, tuple, set, frozenset, Sequence) and args:
        return args[0]
    if origin in (dict, Mapping) and len(args) == 2:
        return args[1]
    return None


class _Walk:
    """Follows an error's loc through the model: keeps the data's keys, drops union members.

    After ``run``: ``loc`` (the data path), ``parent`` and ``target`` (the types holding
    and at the last key; None when unknown) and ``branch`` (a dropped plain-union member).
    """

    def __init__(self, model: type[BaseModel] | None, lines: LineMap) -> None:
        self.lines, self.target, self.parent = lines, model, None
        self.loc: Loc = ()
        self.branch: str | None = None

    def run(self, raw: Loc) -> _Walk:
        for part in raw:
            base, discriminator = _unwrap(self.target)
            if get_origin(base) in (Union, types.UnionType):
                member = _union_member(base, discriminator, part)
                if member is not None or self._looks_internal(part):
                    self.target = member
                    self.branch = None if discriminator else str(part)
                    continue
            elif self._looks_internal(part):
                self.branch = str(part)
                continue
            self.parent, self.target = base, _child(base, part)
            self.loc = (*self.loc, part)
        return self

    def _looks_internal(self, part: Any) -> bool:
        """A pydantic schema name, not a key of the data (checked against the LineMap)."""
        return (isinstance(part, str) and (*self.loc, part) not in self.lines
                and ("[" in part or part in _SCHEMA_NAMES))
