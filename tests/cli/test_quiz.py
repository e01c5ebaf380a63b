"""mailsim quiz: the labs' questions as an exam drill."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from simulator.cli import app
from simulator.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
LAB = ROOT / "scenarios" / "01-basic-delivery.yaml"


def test_all_right_answers_score_full_marks() -> None:
    spec = load_scenario(LAB).spec
    answers = "".join(f"{q.answer + 1}\n" for q in spec.questions)
    result = CliRunner().invoke(app, ["quiz", str(LAB)], input=answers)
    assert result.exit_code == 0
    assert f"score: {len(spec.questions)}/{len(spec.questions)}" in result.output
    assert "Not quite" not in result.output


def test_a_wrong_answer_shows_the_right_one_in_japanese() -> None:
    spec = load_scenario(LAB).spec
    first = spec.questions[0]
    wrong = (first.answer + 1) % len(first.choices) + 1
    answers = f"{wrong}\n" + "".join(f"{q.answer + 1}\n" for q in spec.questions[1:])
    result = CliRunner().invoke(app, ["quiz", str(LAB), "--lang", "ja"], input=answers)
    assert f"不正解です。正解は {first.answer + 1} です。" in result.output
    assert first.explanation.get("ja") in result.output
    assert f"得点: {len(spec.questions) - 1}/{len(spec.questions)}" in result.output


def test_an_unknown_topic_is_a_clear_error() -> None:
    result = CliRunner().invoke(app, ["quiz", str(LAB), "--topic", "no-such-topic"])
    assert result.exit_code == 1
    assert "no questions found for topic 'no-such-topic'" in result.output
