"""Scenario YAML loading: line numbers, duplicate keys, and messages a student can read.

Each test writes a small bad file and checks the exact rendered message: file, line, field
path and what was expected.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated, Literal

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from simulator.model.duration import DURATION_EXPECTED, Duration
from simulator.yamlsource import (
    EMPTY_FILE,
    LineMap,
    Problem,
    ScenarioError,
    errors_from_validation,
    field_path,
    format_yaml_error,
    load_yaml,
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Mta(_Strict):
    maximal_backoff_time: Duration = 4000.0
    hopcount_limit: int = 50


class _Mx(_Strict):
    role: Literal["mx"]
    ip: str
    mta: _Mta = Field(default_factory=_Mta)


class _Pc(_Strict):
    role: Literal["pc"]
    ip: str


class _Message(_Strict):
    at: Duration = 0.0
    to: list[str]
    priority: int | str = 0

    @field_validator("to")
    @classmethod
    def _addresses(cls, to: list[str]) -> list[str]:
        for address in to:
            if "@" not in address:
                raise ValueError(f"expected an address like alice@example.com (got {address!r})")
        return to


class _Lab(_Strict):
    name: str
    kind: Literal["lab", "exam"] = "lab"
    seed: int = 1
    verbose: bool = False
    hosts: dict[str, Annotated[_Mx | _Pc, Field(discriminator="role")]]
    messages: list[_Message] = []
    ports: dict[int, str] = {}


GOOD = """\
name: basic
hosts:
  mx1:
    role: mx
    ip: 10.0.0.25
    mta:
      maximal_backoff_time: 2h
  pc1: {role: pc, ip: 10.0.0.2}
messages:
  - at: 1m
    to: [alice@example.com, bob@example.com]
"""


def _write(tmp_path: Path, text: str | bytes, name: str = "lab.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _load_error(tmp_path: Path, text: str | bytes) -> tuple[str, str]:
    """Load a file that should be rejected by load_yaml: (its path, the message)."""
    path = _write(tmp_path, text)
    with pytest.raises(ScenarioError) as info:
        load_yaml(path)
    assert info.value.file == str(path)
    return str(path), str(info.value)


def _validation_error(tmp_path: Path, text: str, model: type[BaseModel] | None = _Lab
                      ) -> tuple[str, ScenarioError]:
    """Load a well-formed file that the model rejects: (its path, the ScenarioError)."""
    path = _write(tmp_path, text)
    data, lines = load_yaml(path)
    with pytest.raises(ValidationError) as info:
        _Lab.model_validate(data)
    return str(path), errors_from_validation(str(path), info.value, lines, model)


def _replace(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new)


# ------------------------------------------------------------------ a good file


def test_good_file_loads_with_lines(tmp_path: Path) -> None:
    data, lines = load_yaml(_write(tmp_path, GOOD))
    assert _Lab.model_validate(data).hosts["mx1"].mta.maximal_backoff_time == 7200.0  # type: ignore[union-attr]
    assert lines.line_of(("name",)) == 1
    assert lines.line_of(("hosts", "mx1", "mta", "maximal_backoff_time")) == 7
    assert lines.line_of(("hosts", "pc1", "ip")) == 8
    assert lines.line_of(("messages", 0)) == 10
    assert lines.line_of(("messages", 0, "to", 1)) == 11


def test_line_of_gives_the_deepest_known_node(tmp_path: Path) -> None:
    _data, lines = load_yaml(_write(tmp_path, GOOD))
    assert lines.line_of(("hosts", "mx1", "mta", "no_such_parameter", 3)) == 6
    assert lines.line_of(("hosts", "mx9")) == 2
    assert lines.line_of(("nothing", "here")) is None
    assert lines.line_of(()) is None


def test_a_path_given_as_text_is_accepted(tmp_path: Path) -> None:
    data, _lines = load_yaml(str(_write(tmp_path, GOOD)))
    assert data["name"] == "basic"


# ------------------------------------------------------- validation problems


def test_wrong_type_names_line_field_and_expectation(tmp_path: Path) -> None:
    path, err = _validation_error(tmp_path, "name: x\nhosts: {}\nseed: abc\n")
    assert str(err) == f"{path}:3: seed: expected an integer (got 'abc')"
    assert err.problems == [Problem(3, "seed", "expected an integer (got 'abc')")]


def test_bad_duration_deep_inside_a_host(tmp_path: Path) -> None:
    path, err = _validation_error(tmp_path, _replace("2h", "abc"))
    assert str(err) == (f"{path}:7: hosts.mx1.mta.maximal_backoff_time: "
                        f"{DURATION_EXPECTED} (got 'abc')")


def test_unknown_field_lists_the_allowed_names(tmp_path: Path) -> None:
    path, err = _validation_error(tmp_path, _replace("maximal_backoff_time", "maximal_backof_time"))
    assert str(err) == (
        f"{path}:7: hosts.mx1.mta.maximal_backof_time: unknown field (expected one of: "
        "maximal_backoff_time, hopcount_limit); did you mean 'maximal_backoff_time'?"
    )


def test_unknown_field_without_a_close_name(tmp_path: Path) -> None:
    path, err = _validation_error(tmp_path, "name: x\nhosts: {}\ncolour: red\n")
    assert str(err) == (f"{path}:3: colour: unknown field (expected one of: "
                        "name, kind, seed, verbose, hosts, messages, ports)")


def test_missing_top_level_field_has_no_line(tmp_path: Path) -> None:
    path, err = _validation_error(tmp_path, "hosts: {}\n")
    assert str(err) == f"{path}: name: required field is missing"


def test_missing_nested_field_points_at_its_parent(tmp_path: Path) -> None:
    path, err = _validation_error(tmp_path, _replace("    ip: 10.0.0.25\n", ""))
    assert str(err) == f"{path}:3: hosts.mx1.ip: required field is missing"


def test_literal_lists_the_choices(tmp_path: Path) -> None:
    path, err = _validation_error(tmp_path, GOOD + "kind: quiz\n")
    assert str(err) == f"{path}:12: kind: expected one of 'lab', 'exam' (got 'quiz')"


def test_bool_and_text_wording(tmp_path: Path) -> None:
    path, err = _validation_error(tmp_path, "name: [a]\nhosts: {}\nverbose: maybe\n")
    assert str(err).splitlines()[1:] == [
        f"{path}:1: name: expected text (got a list)",
        f"{path}:3: verbose: expected true or false (got 'maybe')",
    ]


def test_list_item_path_and_line(tmp_path: Path) -> None:
    text = _replace("[alice@example.com, bob@example.com]", "\n      - alice@example.com\n      - {b: 1}")
    path, err = _validation_error(tmp_path, text)
    assert str(err) == f"{path}:13: messages[0].to[1]: expected text (got a mapping)"


def test_value_error_keeps_the_validator_words(tmp_path: Path) -> None:
    path, err = _validation_error(tmp_path, _replace("bob@example.com", "bob"))
    assert str(err) == (f"{path}:11: messages[0].to: "
                        "expected an address like alice@example.com (got 'bob')")


def test_wrong_discriminator_points_at_the_role(tmp_path: Path) -> None:
    path, err = _validation_error(tmp_path, _replace("role: pc", "role: laptop"))
    assert str(err) == f"{path}:8: hosts.pc1.role: expected one of 'mx', 'pc' (got 'laptop')"


def test_missing_discriminator_is_a_missing_field(tmp_path: Path) -> None:
    path, err = _validation_error(tmp_path, _replace("role: pc, ", ""))
    assert str(err) == f"{path}:8: hosts.pc1.role: required field is missing"


def test_tag_is_dropped_from_the_field_path(tmp_path: Path) -> None:
    path, err = _validation_error(tmp_path, _replace("mta:\n", "mta:\n      hopcount_limit: x\n"))
    assert str(err) == f"{path}:7: hosts.mx1.mta.hopcount_limit: expected an integer (got 'x')"


def test_plain_union_members_merge_into_one_problem(tmp_path: Path) -> None:
    path, err = _validation_error(tmp_path, GOOD + "    priority: {a: 1}\n")
    assert str(err) == (f"{path}:12: messages[0].priority: matches none of the allowed forms: "
                        "expected an integer (got a mapping); or expected text (got a mapping)")


def test_bad_dict_key(tmp_path: Path) -> None:
    path, err = _validation_error(tmp_path, GOOD + "ports:\n  smtp: smtpd\n")
    assert str(err) == (f"{path}:13: ports.smtp: the key 'smtp' is not valid: "
                        "expected an integer (got 'smtp')")


def test_several_problems_get_a_header_and_are_sorted_by_line(tmp_path: Path) -> None:
    text = "seed: x\nhosts:\n  mx1: {role: mx, ip: 1, mta: {hopcount_limit: y}}\nkind: z\n"
    path, err = _validation_error(tmp_path, text)
    assert str(err).splitlines() == [
        "error: scenario file is not valid (5 problems)",
        f"{path}: name: required field is missing",
        f"{path}:1: seed: expected an integer (got 'x')",
        f"{path}:3: hosts.mx1.ip: expected text (got 1)",
        f"{path}:3: hosts.mx1.mta.hopcount_limit: expected an integer (got 'y')",
        f"{path}:4: kind: expected one of 'lab', 'exam' (got 'z')",
    ]


def test_without_the_model_paths_are_still_clean(tmp_path: Path) -> None:
    path, err = _validation_error(tmp_path, GOOD + "    priority: {a: 1}\ncolour: red\n", None)
    assert str(err).splitlines()[1:] == [
        (f"{path}:12: messages[0].priority: matches none of the allowed forms: "
         "expected an integer (got a mapping); or expected text (got a mapping)"),
        f"{path}:13: colour: unknown field (not allowed here)",
    ]


def test_model_validator_error_does_not_echo_the_mapping(tmp_path: Path) -> None:
    class Pair(_Strict):
        low: int
        high: int

        @model_validator(mode="after")
        def _ordered(self) -> Pair:
            if self.low > self.high:
                raise ValueError("low must not be above high")
            return self

    class Top(_Strict):
        pair: Pair

    path = _write(tmp_path, "pair:\n  low: 5\n  high: 1\n")
    data, lines = load_yaml(path)
    with pytest.raises(ValidationError) as info:
        Top.model_validate(data)
    err = errors_from_validation(str(path), info.value, lines, Top)
    assert str(err) == f"{path}:1: pair: low must not be above high"


def test_merge_keys_take_lines_from_where_the_value_is_written(tmp_path: Path) -> None:
    text = ("defaults: &mx {role: mx, ip: 10.0.0.1, mta: {hopcount_limit: bad}}\n"
            "name: x\nhosts:\n  mx1:\n    <<: *mx\n    ip: 10.0.0.25\n")
    path = _write(tmp_path, text)
    data, lines = load_yaml(path)
    assert data["hosts"]["mx1"]["ip"] == "10.0.0.25"
    assert lines.line_of(("hosts", "mx1", "ip")) == 6
    assert lines.line_of(("hosts", "mx1", "mta", "hopcount_limit")) == 1


# ----------------------------------------------------------- load_yaml refusals


def test_duplicate_keys_are_rejected_with_both_lines(tmp_path: Path) -> None:
    path, message = _load_error(tmp_path, "name: a\nhosts:\n  mx1: {}\n  mx1: {}\nname: b\n")
    assert message.splitlines() == [
        "error: scenario file is not valid (2 problems)",
        (f"{path}:4: hosts.mx1: duplicate key 'mx1' (first defined on line 3);"
         " each key may appear only once in a mapping"),
        (f"{path}:5: name: duplicate key 'name' (first defined on line 1);"
         " each key may appear only once in a mapping"),
    ]


def test_duplicate_key_inside_a_list_item(tmp_path: Path) -> None:
    path, message = _load_error(tmp_path, "messages:\n  - to: [a]\n    to: [b]\n")
    assert message.startswith(f"{path}:3: messages[0].to: duplicate key 'to' (first defined on line 2)")


def test_duplicate_in_an_anchor_is_reported_once(tmp_path: Path) -> None:
    _path, message = _load_error(tmp_path, "a: &x {k: 1, k: 2}\nb: *x\nc: {<<: *x}\n")
    assert len(message.splitlines()) == 1


def test_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    path, message = _load_error(tmp_path, "name: x\nhosts: [a, b\nseed: 1\n")
    assert message == (f"{path}:3:5: YAML syntax error: expected ',' or ']', but got ':'"
                       " (while parsing a flow sequence at line 2, column 8)")


def test_key_without_colon(tmp_path: Path) -> None:
    path, message = _load_error(tmp_path, "name: x\nhosts\nseed: 1\n")
    assert message == (f"{path}:3:1: YAML syntax error: could not find expected ':'"
                       " (while scanning a simple key at line 2, column 1)")


def test_tab_indentation_gets_a_hint(tmp_path: Path) -> None:
    path, message = _load_error(tmp_path, "hosts:\n\tmx1: {}\n")
    assert message.startswith(f"{path}:2:1: YAML syntax error: found character '\\t'")
    assert message.endswith("indent with spaces, YAML does not allow tabs there")


def test_unsafe_tag_is_refused(tmp_path: Path) -> None:
    path, message = _load_error(tmp_path, "name: !!python/object/apply:os.system [ls]\n")
    assert message.startswith(f"{path}:1:7: YAML error: could not determine a constructor")


def test_control_character(tmp_path: Path) -> None:
    path, message = _load_error(tmp_path, "name: x\nseed: \x07\n")
    assert message == f"{path}:2:7: YAML error: special characters are not allowed (character #x0007)"


def test_two_documents(tmp_path: Path) -> None:
    path, message = _load_error(tmp_path, "name: a\n---\nname: b\n")
    assert message == (f"{path}:2:1: YAML syntax error: expected a single document in the stream,"
                       " but found another document")


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(ScenarioError) as info:
        load_yaml(path)
    assert str(info.value) == f"{path}: file not found"


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as info:
        load_yaml(tmp_path)
    assert str(info.value) == f"{tmp_path}: this is a directory, expected a YAML file"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads everything")
def test_unreadable_file(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD)
    path.chmod(0)
    with pytest.raises(ScenarioError) as info:
        load_yaml(path)
    assert str(info.value) == f"{path}: permission denied: cannot read the file"


def test_not_utf8(tmp_path: Path) -> None:
    path, message = _load_error(tmp_path, b"name: x\nseed: \xff\n")
    assert message == f"{path}:2: the file is not UTF-8 text (byte 0xff); save it as UTF-8"


def test_utf8_byte_order_mark_is_fine(tmp_path: Path) -> None:
    data, lines = load_yaml(_write(tmp_path, "\ufeffname: x\n"))
    assert data == {"name": "x"} and lines.line_of(("name",)) == 1


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n", "null\n"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    path, message = _load_error(tmp_path, text)
    assert message == f"{path}: {EMPTY_FILE}"


def test_top_level_list(tmp_path: Path) -> None:
    path, message = _load_error(tmp_path, "# hosts\n- mx1\n- pc1\n")
    assert message == (f"{path}:2: expected a mapping (name: ..., hosts: ...) at the top level"
                       " (got a list)")


def test_top_level_text(tmp_path: Path) -> None:
    path, message = _load_error(tmp_path, "hello\n")
    assert message == f"{path}:1: expected a mapping (name: ..., hosts: ...) at the top level (got 'hello')"


def test_deep_nesting_is_an_error_not_a_crash(tmp_path: Path) -> None:
    path, message = _load_error(tmp_path, "a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert message == (f"{path}:1: YAML error: the nesting is too deep (at most 64 levels of"
                       " mappings and lists)")


def test_recursive_aliases_load(tmp_path: Path) -> None:
    data, lines = load_yaml(_write(tmp_path, "a: &x [*x]\nb: &y {k: *y}\n"))
    assert data["a"][0] is data["a"] and data["b"]["k"] is data["b"]
    assert lines.line_of(("b", "k")) == 2


_YAMLISH = st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!<>#'\"|,? \t\n0\x07")),
                   max_size=60)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_YAMLISH, st.binary(max_size=40)))
def test_loader_never_crashes(content: str | bytes) -> None:
    """Whatever the file holds, the answer is data and lines or a ScenarioError."""
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder), content)
        try:
            data, _lines = load_yaml(path)
        except ScenarioError as err:
            assert str(err).startswith((str(path), "error: scenario file is not valid"))
        else:
            assert isinstance(data, dict)


# ------------------------------------------------------------------ small pieces


@pytest.mark.parametrize(
    ("loc", "text"),
    [
        (("hosts", "mx1", "mta", "maximal_backoff_time"), "hosts.mx1.mta.maximal_backoff_time"),
        (("messages", 0, "to", 1), "messages[0].to[1]"),
        (("hosts", "mx1.example.com", "ip"), 'hosts["mx1.example.com"].ip'),
        (("hosts", "mx1", "files", "/etc/aliases"), 'hosts.mx1.files["/etc/aliases"]'),
        ((), ""),
    ],
)
def test_field_path(loc: tuple[str | int, ...], text: str) -> None:
    assert field_path(loc) == text


def test_rendering_of_each_kind_of_problem() -> None:
    err = ScenarioError("x.yaml", [
        Problem(None, "name", "required field is missing"),
        Problem(12, "seed", "expected an integer (got 'a')"),
        Problem(3, "", "YAML syntax error: oops", column=7),
        Problem(None, "", "file not found"),
    ])
    assert str(err).splitlines() == [
        "error: scenario file is not valid (4 problems)",
        "x.yaml: name: required field is missing",
        "x.yaml:12: seed: expected an integer (got 'a')",
        "x.yaml:3:7: YAML syntax error: oops",
        "x.yaml: file not found",
    ]
    assert str(ScenarioError("x.yaml", [])) == "x.yaml: scenario file is not valid"


def test_line_map_problem_for_later_checks() -> None:
    lines = LineMap({("hosts",): 2, ("hosts", "pc1"): 5})
    problem = lines.problem(("hosts", "pc1", "network"), "unknown network 'lan9'")
    assert problem == Problem(5, "hosts.pc1.network", "unknown network 'lan9'")
    assert ("hosts", "pc1") in lines


def test_format_yaml_error_without_a_mark() -> None:
    err = format_yaml_error("x.yaml", yaml.YAMLError("something odd"))
    assert str(err) == "x.yaml: YAML error: something odd"
