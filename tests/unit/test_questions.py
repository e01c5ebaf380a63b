"""Every lab question teaches in both languages, and the quiz shuffle is fair.

A question needs its prompt, explanation and every choice in en and ja (a choice may stay a
plain string only when it is code: a command, a path, a main.cf line, a header, a reply),
at least one concept tag, and a ``wrong:`` entry in en and ja for every wrong choice.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from simulator.labs import lab_paths
from simulator.quiz import build
from simulator.scenario import QuestionSpec, Scenario, Text, load_scenario

ROOT = Path(__file__).resolve().parents[2]
LABS = [(p, load_scenario(p).spec) for p in sorted((ROOT / "scenarios").glob("*.yaml"))]
QUESTIONS = [(f"{spec.name} Q{i}", q) for _, spec in LABS for i, q in enumerate(spec.questions)]

CODE = re.compile(r"""[/_=:@.|$*!<>"0-9~\\-]""")  # a word holding one of these is code
NAMES = {"mailq", "newaliases", "postmap", "postfix", "reload", "root", "postmaster",
         "sendmail", "qshape", "mail", "postqueue", "postsuper", "exim", "postalias",
         "postconf", "systemctl"}
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def prose(text: str) -> list[str]:
    """The words of ``text`` that read as English prose (what a plain-string choice may
    not hold): everything but code words, upper-case names (DNS, ALL) and program names.
    An SMTP reply ("554 5.7.1 Relay access denied") is what the server prints, and a
    main.cf line ("home_mailbox = Maildir/") is what the file holds, and a command line
    ("mail -s Report yuki") is what the student types, and "postconf: warning: ..." is what
    the program prints: all are code."""
    if re.match(r"\d{3} ", text) or re.search(r" =( |$)", text) or text.split()[0].rstrip(":") in NAMES:
        return []
    words = [w.strip("(),;'") for w in text.split() if not CODE.search(w)]
    return [w for w in words if w and not w.isupper() and w.lower() not in NAMES]


def test_the_prose_detector_tells_code_from_prose() -> None:
    assert prose("postsuper -d ALL") == prose("home_mailbox = Maildir/") == []
    assert prose("554 5.7.1 Relay access denied") == prose("mailq, sendmail -bp") == []
    assert prose("mail_spool_directory = Maildir") == prose("mail -s Report yuki") == []
    assert prose("It bounces") == ["It", "bounces"]
    assert prose("default_privs (nobody)") == ["nobody"]


def problems(q: QuestionSpec) -> list[str]:
    out = [f"{field} has no ja" for field in ("prompt", "explanation")
           if not JAPANESE.search(getattr(q, field).ja or "")]
    for i, choice in enumerate(q.choices):
        if isinstance(choice, Text) and not choice.ja:
            out.append(f"choice {i} has no ja")
        if isinstance(choice, str) and prose(choice):
            out.append(f"choice {i} is English prose without ja: {choice!r}")
    if not q.tags:
        out.append("no tags")
    for i in range(len(q.choices)):
        if i == q.answer:
            continue
        why = q.wrong.get(i)
        if why is None or not why.en or not JAPANESE.search(why.ja or ""):
            out.append(f"wrong[{i}]: why choice {i} is wrong is missing in en or ja")
    return out


@pytest.mark.parametrize("name,question", QUESTIONS, ids=[n for n, _ in QUESTIONS])
def test_every_question_is_complete_in_en_and_ja(name: str, question: QuestionSpec) -> None:
    assert problems(question) == []


def test_a_missing_wrong_entry_or_translation_is_caught() -> None:
    q = QuestionSpec(prompt=Text(en="Which?", ja="どれ?"), choices=["25", "It bounces"],
                     answer=0, explanation=Text(en="Because.", ja="理由。"), tags=["ports"])
    assert problems(q) == ["choice 1 is English prose without ja: 'It bounces'",
                           "wrong[1]: why choice 1 is wrong is missing in en or ja"]


@pytest.mark.parametrize("path,spec", LABS, ids=[s.name for _, s in LABS])
def test_every_lab_names_its_concepts(path: Path, spec: Scenario) -> None:
    assert spec.concepts, f"{path.name}: no concepts:"
    assert spec.title.ja and JAPANESE.search(spec.title.ja)


# --- the shuffle -----------------------------------------------------------------------------
def answer_positions(seed: int) -> list[tuple[int, int]]:
    """(shown position of the answer, number of choices) of every question of every lab."""
    items = build(LABS, random.Random(seed))
    return [(item.answer, len(item.order)) for item in items]


def test_the_shuffle_keeps_every_choice_once_and_repeats_with_its_seed() -> None:
    a, b = build(LABS, random.Random(7)), build(LABS, random.Random(7))
    assert [i.order for i in a] == [i.order for i in b]
    assert all(sorted(i.order) == list(range(len(i.question.choices))) for i in a)
    assert [i.order for i in a] != [i.order for i in build(LABS, random.Random(8))]


def test_no_position_holds_the_answer_more_often_than_chance() -> None:
    # Over all questions and 200 seeds, the answer's position is uniform: each position of a
    # 4-choice question within 2 % of 1/4 (the lab files themselves put it at 1 most often).
    counts = [0, 0, 0, 0]
    for seed in range(200):
        for pos, n in answer_positions(seed):
            if n == 4:
                counts[pos] += 1
    total = sum(counts)
    assert all(abs(c / total - 0.25) < 0.02 for c in counts), counts


def test_in_one_run_no_position_is_favoured_beyond_chance() -> None:
    # One seeded run (what one student sees): every position's count stays within 3
    # standard deviations of its binomial mean.
    for seed in (0, 1, 2):
        positions = [(p, n) for p, n in answer_positions(seed) if n == 4]
        n = len(positions)
        mean, sd = n / 4, (n * 0.25 * 0.75) ** 0.5
        for k in range(4):
            assert abs(sum(p == k for p, _ in positions) - mean) <= 3 * sd


def test_the_shipped_labs_are_the_scenarios() -> None:
    assert [p.name for p in lab_paths()] == [p.name for p, _ in LABS]
