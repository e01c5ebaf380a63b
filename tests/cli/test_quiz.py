"""mailsim quiz: the labs' questions as an exam drill that teaches."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from simulator.cli import app
from simulator.labs import lab_paths
from simulator.quiz import Item, build, run_quiz
from simulator.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
LAB = ROOT / "scenarios" / "01-basic-delivery.yaml"


def items(seed: int, paths: list[Path] = [LAB], topic: str | None = None,  # noqa: B006
          count: int | None = None) -> list[Item]:
    """The questions as the CLI will ask them with this seed."""
    return build([(p, load_scenario(p).spec) for p in paths], random.Random(seed), topic, count)


def quiz(*args: str, input: str) -> str:
    result = CliRunner().invoke(app, ["quiz", *args], input=input)
    assert result.exit_code == 0, result.output
    return result.output


def test_all_right_answers_score_full_marks() -> None:
    asked = items(5)
    out = quiz(str(LAB), "--seed", "5", input="".join(f"{i.answer + 1}\n" for i in asked))
    assert f"score: {len(asked)}/{len(asked)}" in out
    assert "Not quite" not in out and "To review" not in out
    assert "Score so far: 1/1" in out and "Seed 5 (repeat this run with --seed 5)" in out


def test_the_same_seed_asks_the_same_way() -> None:
    answers = "1\n1\n1\n"
    assert quiz(str(LAB), "--seed", "9", input=answers) == quiz(str(LAB), "--seed", "9",
                                                                  input=answers)
    assert [i.order for i in items(9)] != [i.order for i in items(10)]


def test_a_wrong_answer_explains_both_choices_in_japanese_and_is_reviewed() -> None:
    asked = items(3)
    first = asked[0]
    wrong_pos = (first.answer + 1) % len(first.order)
    answers = f"{wrong_pos + 1}\n" + "".join(f"{i.answer + 1}\n" for i in asked[1:])
    out = quiz(str(LAB), "--seed", "3", "--lang", "ja", input=answers)
    q = first.question
    assert f"不正解です。正解は {first.answer + 1} です。" in out
    assert f"{wrong_pos + 1} が誤りである理由: {q.wrong[first.order[wrong_pos]].ja}" in out
    assert f"{first.answer + 1} が正しい理由: {q.explanation.ja}" in out
    assert f"得点: {len(asked) - 1}/{len(asked)}" in out
    review = out.split("復習")[1]
    assert q.prompt.ja in review and "演習: mailsim run scenarios/01-basic-delivery.yaml" in review


def test_empty_out_of_range_and_non_numeric_input_asks_again() -> None:
    first = items(4, count=1)[0]
    out = quiz(str(LAB), "--seed", "4", "--count", "1",
               input=f"\n0\n5\nabc\n{first.answer + 1}\n")
    assert out.count("Please type a number from 1 to 4.") == 4
    assert "score: 1/1" in out


def test_end_of_input_stops_with_the_score_so_far() -> None:
    first = items(6)[0]
    out = quiz(str(LAB), "--seed", "6", input=f"{first.answer + 1}\n")
    assert "Stopped after 1 of 3 question(s)." in out and "score: 1/1" in out


def test_ctrl_c_stops_with_the_score_so_far() -> None:
    asked, said = items(2), []
    answers = iter([str(asked[0].answer + 1), "", str(asked[1].answer + 1)])

    def ask(_: str) -> str:
        try:
            return next(answers)
        except StopIteration:
            raise KeyboardInterrupt from None

    result = run_quiz(asked, "en", ask, said.append)
    assert result.stopped and result.asked == 2 and result.right == 2
    assert "\nStopped after 2 of 3 question(s)." in said and "\nscore: 2/2" in said


def test_count_asks_that_many() -> None:
    out = quiz("--count", "2", "--seed", "1", input="1\n1\n")
    assert "[2/2]" in out and "[3/" not in out


def test_topic_takes_a_concept_id() -> None:
    picked = items(0, lab_paths(), topic="backslash-user")
    assert len(picked) >= 3
    assert all("backslash-user" in i.question.tags for i in picked)
    out = quiz("--topic", "backslash-user", "--seed", "0", input="1\n" * len(picked))
    assert f"[{len(picked)}/{len(picked)}]" in out


def test_an_unknown_topic_is_a_clear_error() -> None:
    result = CliRunner().invoke(app, ["quiz", str(LAB), "--topic", "no-such-topic"])
    assert result.exit_code == 1
    assert "no questions found for topic 'no-such-topic'" in result.output
    assert "backslash-user" in result.output  # the topics one may use


def test_the_quiz_and_the_labs_work_outside_the_repository(tmp_path: Path) -> None:
    first = items(1, lab_paths(), count=1)[0]
    wrong = (first.answer + 1) % len(first.order) + 1
    quiz_run = subprocess.run([sys.executable, "-m", "simulator", "quiz", "--count", "1",
                               "--seed", "1"], input=f"{wrong}\n", capture_output=True,
                              text=True, check=False,
                              cwd=tmp_path, timeout=60)
    assert quiz_run.returncode == 0, quiz_run.stderr
    assert "score: 0/1" in quiz_run.stdout
    assert f"lab: mailsim run scenarios/{first.path.name}" in quiz_run.stdout
    lab = subprocess.run([sys.executable, "-m", "simulator", "run",
                          "scenarios/01-basic-delivery.yaml"], capture_output=True,
                         text=True, check=False,
                         cwd=tmp_path, timeout=60)
    assert lab.returncode == 0, lab.stderr
    assert "expectations: " in lab.stdout
