"""The exam drill: questions gathered from the labs' ``questions:`` sections."""

from __future__ import annotations

from typing import TYPE_CHECKING

WORDS = {
    "en": {"answer": "answer", "right": "Correct.", "wrong": "Not quite: the answer is {}.",
           "score": "score"},
    "ja": {"answer": "答え", "right": "正解です。", "wrong": "不正解です。正解は {} です。",
           "score": "得点"},
}

if TYPE_CHECKING:
    from .scenario import QuestionSpec, Scenario


def pick_questions(specs: list[Scenario], topic: str | None) -> list[tuple[str, QuestionSpec]]:
    """(lab name, question) in lab order; ``topic`` filters on the lab's name and topics."""
    out: list[tuple[str, QuestionSpec]] = []
    for spec in specs:
        haystack = " ".join([spec.name, *spec.topic]).lower()
        if topic is None or topic.lower() in haystack:
            out.extend((spec.name, q) for q in spec.questions)
    return out
