"""The exam drill: the labs' ``questions:`` as a quiz that teaches.

Each question is asked with its choices shuffled by one seeded ``random.Random`` (so a run
repeats with ``--seed``, and no position holds the answer more often than chance, whatever
order the lab's author wrote them in). An answer is explained both ways: why the right
choice is right (``explanation:``) and, after a miss, why the chosen one is wrong
(``wrong:``). The score runs as the student goes; at the end, or on Ctrl-C, the missed
questions are reviewed with the lab to run for each.

No terminal here: ``run_quiz`` asks and says through the two callables it is given, so
cli.py does the input/output and the tests drive it with lists.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .i18n import ui

if TYPE_CHECKING:
    from .scenario import QuestionSpec, Scenario


@dataclass(frozen=True, slots=True)
class Item:
    """One question as asked: its lab, and its choices in shuffled order."""

    lab: str
    path: Path
    question: QuestionSpec
    order: tuple[int, ...]  # order[shown position] = index of the choice in the lab file

    @property
    def answer(self) -> int:
        """The shown position (0-based) of the right choice."""
        return self.order.index(self.question.answer)


@dataclass(slots=True)
class Result:
    asked: int = 0
    right: int = 0
    missed: list[Item] = field(default_factory=list)
    stopped: bool = False  # Ctrl-C or end of input before the last question


def matches(spec: Scenario, question: QuestionSpec, topic: str | None) -> bool:
    """``topic`` is a concept id (the question's tags, else the lab's concepts), a part of
    the lab's name, or an objective such as 108.3."""
    if topic is None:
        return True
    t = topic.lower()
    tags = question.tags or spec.concepts
    return t in tags or t in spec.name.lower() or any(t in o.lower() for o in spec.topic)


def build(labs: list[tuple[Path, Scenario]], rng: random.Random, topic: str | None = None,
          count: int | None = None) -> list[Item]:
    """The questions to ask, in lab order: filtered by ``topic``, ``count`` of them drawn
    at random, each with its choices shuffled."""
    picked = [(path, spec, q) for path, spec in labs for q in spec.questions
              if matches(spec, q, topic)]
    if count is not None and count < len(picked):
        keep = sorted(rng.sample(range(len(picked)), count))
        picked = [picked[i] for i in keep]
    return [Item(spec.name, path, q, shuffled(len(q.choices), rng)) for path, spec, q in picked]


def shuffled(n: int, rng: random.Random) -> tuple[int, ...]:
    """A uniformly random order of ``n`` choices (Fisher-Yates, in random.sample)."""
    return tuple(rng.sample(range(n), n))


def question_lines(item: Item, n: int, total: int, lang: str) -> list[str]:
    from .scenario import text_in

    q = item.question
    lines = [f"\n[{n}/{total}] ({item.lab}) {q.prompt.get(lang)}"]
    lines += [f"  {pos}. {text_in(q.choices[i], lang)}" for pos, i in enumerate(item.order, 1)]
    return lines


def verdict_lines(item: Item, chosen: int, lang: str) -> list[str]:
    """What the student reads after answering ``chosen`` (a shown position, 0-based)."""
    q = item.question
    if chosen == item.answer:
        return [f"{ui('quiz.right', lang)} {q.explanation.get(lang)}"]
    lines = [ui("quiz.wrong", lang, n=item.answer + 1)]
    why_not = q.wrong.get(item.order[chosen])
    if why_not is not None:
        lines.append(ui("quiz.why_not", lang, n=chosen + 1, why=why_not.get(lang)))
    lines.append(ui("quiz.why", lang, n=item.answer + 1, why=q.explanation.get(lang)))
    return lines


def parse_answer(text: str, choices: int) -> int | None:
    """The 0-based position typed, or None when the input is empty, not a number, or out
    of range (the quiz then asks again)."""
    text = text.strip()
    if not text.isdigit() or not 1 <= int(text) <= choices:
        return None
    return int(text) - 1


def run_quiz(items: list[Item], lang: str, ask: Callable[[str], str],
             say: Callable[[str], None]) -> Result:
    """Ask every item; ``ask`` raises KeyboardInterrupt or EOFError to stop early."""
    result = Result()
    try:
        for n, item in enumerate(items, 1):
            for line in question_lines(item, n, len(items), lang):
                say(line)
            chosen = _read_answer(item, lang, ask, say)
            result.asked += 1
            if chosen == item.answer:
                result.right += 1
            else:
                result.missed.append(item)
            for line in verdict_lines(item, chosen, lang):
                say(line)
            say(ui("quiz.running", lang, right=result.right, asked=result.asked))
    except (KeyboardInterrupt, EOFError):
        result.stopped = True
    for line in summary_lines(result, len(items), lang):
        say(line)
    return result


def _read_answer(item: Item, lang: str, ask: Callable[[str], str],
                 say: Callable[[str], None]) -> int:
    n = len(item.order)
    while True:
        chosen = parse_answer(ask(ui("quiz.prompt", lang, n=n)), n)
        if chosen is not None:
            return chosen
        say(ui("quiz.again", lang, n=n))


def summary_lines(result: Result, total: int, lang: str) -> Iterator[str]:
    from .labs import run_hint

    if result.stopped:
        yield "\n" + ui("quiz.stopped", lang, asked=result.asked, total=total)
    yield "\n" + ui("quiz.score", lang, right=result.right, asked=result.asked)
    if result.missed:
        yield ui("quiz.review", lang)
    for item in result.missed:
        q = item.question
        yield f"- {q.prompt.get(lang)}"
        yield "  " + ui("quiz.review_answer", lang, answer=_choice(q, q.answer, lang))
        yield "  " + ui("quiz.review_lab", lang, command=run_hint(item.path))


def _choice(q: QuestionSpec, index: int, lang: str) -> str:
    from .scenario import text_in

    return text_in(q.choices[index], lang)
