"""Concept ids in labs (concepts:) and questions (tags:) are checked against one table."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.concepts import CONCEPTS
from simulator.scenario import load_scenario
from simulator.yamlsource import ScenarioError

LAB = Path("scenarios/35-mailq-and-flush.yaml")


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = LAB.read_text(encoding="utf-8")
    assert old in text
    out = tmp_path / "lab.yaml"
    out.write_text(text.replace(old, new, 1), encoding="utf-8")
    return out


def test_every_concept_is_named_in_both_languages() -> None:
    for concept in CONCEPTS.values():
        assert concept.en.strip() and concept.ja.strip(), concept.id


def test_known_concepts_and_tags_load(tmp_path: Path) -> None:
    path = _variant(tmp_path, "concepts: [queue, flush, emulation]", "concepts: [queue, flush]")
    assert load_scenario(path).spec.concepts == ["queue", "flush"]


def test_unknown_concept_is_named_with_its_line(tmp_path: Path) -> None:
    path = _variant(tmp_path, "concepts: [queue, flush, emulation]", "concepts: [queue, flsuh]")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert "concepts[1]: unknown concept 'flsuh'" in str(err.value)
    assert f"{path}:13:" in str(err.value)


def test_unknown_tag_and_wrong_index_are_rejected(tmp_path: Path) -> None:
    path = _variant(tmp_path, "    tags: [queue]\n    wrong:\n      0:",
                    "    tags: [queue, qeueu]\n    wrong:\n      1: {en: a, ja: b}\n      0:")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    text = str(err.value)
    assert "tags[1]: unknown concept 'qeueu'" in text
    assert "wrong[1]: expected the index of a wrong choice" in text
    assert "wrong[0]" not in text
