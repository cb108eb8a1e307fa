"""Predictions: the presenter asks "what happens next?", students answer, the tally shows.

A prediction is a question with ``kind`` "choice" (2 to 8 labelled choices) or
"number". Each device answers once (a later answer replaces its earlier one)
while the question is open, under a nickname; no accounts. The tally counts
answers per choice, in the choices' order; numbers get one bar per distinct
value when there are at most 8, else 6 equal ranges.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from playground.protocol import has_control_characters

Kind = Literal["choice", "number"]
State = Literal["open", "closed", "revealed"]
MAX_QUESTION = 200
MAX_CHOICE = 80
MAX_CHOICES = 8
MAX_NICKNAME = 40
MAX_DEVICE = 64
NUMBER_BARS = 6

CLOSED = "This question is no longer taking answers."
NO_QUESTION = "There is no question to answer right now."
PICK_ONE = "Pick one of the choices."
A_NUMBER = "Answer with a number."
NICKNAME = f"Give yourself a nickname (up to {MAX_NICKNAME} characters)."


class PredictionError(ValueError):
    """A question or answer that cannot be taken; the message is for the user."""


@dataclass(slots=True)
class Answer:
    nickname: str
    answer: str | float


@dataclass(slots=True)
class Prediction:
    id: int
    question: str
    kind: Kind
    choices: list[str] | None
    t: float  # the room's simulated time when it was asked
    state: State = "open"
    answers: dict[str, Answer] = field(default_factory=dict)  # by device

    def answer(self, device: str, nickname: str, value: object) -> str | float:
        if self.state != "open":
            raise PredictionError(CLOSED)
        if self.kind == "choice":
            if not isinstance(value, str) or value not in (self.choices or []):
                raise PredictionError(PICK_ONE)
            taken: str | float = value
        else:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise PredictionError(A_NUMBER)
            if not math.isfinite(value):
                raise PredictionError(A_NUMBER)
            taken = float(value)
        self.answers[device] = Answer(nickname, taken)
        return taken

    def tally(self) -> list[dict[str, Any]]:
        if self.kind == "choice":
            counts = dict.fromkeys(self.choices or [], 0)
            for given in self.answers.values():
                counts[str(given.answer)] += 1
            return [{"label": label, "count": count} for label, count in counts.items()]
        values = sorted(float(a.answer) for a in self.answers.values())
        distinct = sorted(set(values))
        if len(distinct) <= MAX_CHOICES:
            return [{"label": _number(v), "count": values.count(v)} for v in distinct]
        low, high = values[0], values[-1]
        width = (high - low) / NUMBER_BARS
        bars = [0] * NUMBER_BARS
        for value in values:
            bars[min(NUMBER_BARS - 1, int((value - low) / width))] += 1
        return [
            {"label": f"{_number(low + i * width)}–{_number(low + (i + 1) * width)}", "count": n}
            for i, n in enumerate(bars)
        ]

    def public(self, *, with_tally: bool = False) -> dict[str, Any]:
        """As the page sees it: the tally only once revealed (or for the presenter)."""
        show = with_tally or self.state == "revealed"
        return {
            "id": self.id,
            "question": self.question,
            "kind": self.kind,
            "choices": self.choices,
            "state": self.state,
            "t": self.t,
            "answers": len(self.answers),
            "tally": self.tally() if show else None,
        }

    def stored(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> Prediction:
        answers = {device: Answer(**given) for device, given in data.get("answers", {}).items()}
        return cls(
            id=data["id"],
            question=data["question"],
            kind=data["kind"],
            choices=data.get("choices"),
            t=data.get("t", 0.0),
            state=data.get("state", "closed"),
            answers=answers,
        )


def parse_question(message: dict[str, Any], next_id: int, t: float) -> Prediction:
    if has_control_characters([message.get("question"), message.get("choices")]):
        raise PredictionError("Questions and choices must not contain control characters.")
    question = message.get("question")
    if not isinstance(question, str) or not question.strip() or len(question) > MAX_QUESTION:
        raise PredictionError(f"Ask a question of 1 to {MAX_QUESTION} characters.")
    kind = message.get("kind")
    if kind == "number":
        return Prediction(next_id, question.strip(), "number", None, t)
    if kind != "choice":
        raise PredictionError('"kind" must be "choice" or "number".')
    choices = message.get("choices")
    if (
        not isinstance(choices, list)
        or not 2 <= len(choices) <= MAX_CHOICES
        or not all(isinstance(c, str) and 0 < len(c.strip()) <= MAX_CHOICE for c in choices)
    ):
        raise PredictionError(
            f"Give 2 to {MAX_CHOICES} choices, each 1 to {MAX_CHOICE} characters."
        )
    labels = [c.strip() for c in choices]
    if len(set(labels)) != len(labels):
        raise PredictionError("Each choice must be different.")
    return Prediction(next_id, question.strip(), "choice", labels, t)


def parse_answer(message: dict[str, Any]) -> tuple[int, str, str, object]:
    """(prediction id, device, nickname, answer) from an "answer" message."""
    given = [message.get("nickname"), message.get("device"), message.get("answer")]
    if has_control_characters(given):
        raise PredictionError("Answers and nicknames must not contain control characters.")
    prediction = message.get("prediction")
    if not isinstance(prediction, int) or isinstance(prediction, bool):
        raise PredictionError('"prediction" must be the question\'s id.')
    nickname = message.get("nickname")
    if not isinstance(nickname, str) or not 0 < len(nickname.strip()) <= MAX_NICKNAME:
        raise PredictionError(NICKNAME)
    device = message.get("device")
    if not isinstance(device, str) or not 0 < len(device) <= MAX_DEVICE:
        raise PredictionError('"device" must be the id this device keeps (up to 64 characters).')
    return prediction, device, nickname.strip(), message.get("answer")


def _number(value: float) -> str:
    return f"{value:g}"
