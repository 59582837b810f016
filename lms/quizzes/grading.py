"""Grading as pure functions of a question snapshot (``Question.snapshot()`` or ``QuestionVersion.data``).

Each function returns the fraction of the mark the response earns as a ``Decimal``, or ``None`` when the
question is not graded automatically (essay, description). Nothing here touches the database, so a frozen
version grades exactly as it did when it was taken.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

ZERO = Decimal(0)
ONE = Decimal(1)


def _fraction(answer: Mapping[str, Any]) -> Decimal:
    return Decimal(str(answer.get("fraction", "0")))


def grade_multichoice(data: Mapping[str, Any], response: Any) -> Decimal:
    """Single: the chosen answer's fraction (Moodle keeps a negative one). Multiple: the sum of the chosen
    answers' fractions, clamped to [0, 1] as Moodle does. ``response`` is an answer index or a set of them."""
    answers = data["answers"]
    if data.get("single", True):
        if response is None or isinstance(response, bool) or not isinstance(response, int):
            return ZERO
        return _fraction(answers[response]) if 0 <= response < len(answers) else ZERO
    chosen = {index for index in (response or ()) if isinstance(index, int) and 0 <= index < len(answers)}
    total = sum((_fraction(answers[index]) for index in chosen), ZERO)
    return min(max(total, ZERO), ONE)


def grade_truefalse(data: Mapping[str, Any], response: Any) -> Decimal:
    if not isinstance(response, bool):
        return ZERO
    return ONE if response == data["correct_answer"] else ZERO


def _wildcard_pattern(answer: str, *, case_sensitive: bool) -> re.Pattern[str]:
    pattern = ".*".join(re.escape(part) for part in answer.split("*"))
    return re.compile(pattern, 0 if case_sensitive else re.IGNORECASE)


def grade_shortanswer(data: Mapping[str, Any], response: Any) -> Decimal:
    """The first answer that matches (``*`` matches any run of characters) gives its fraction."""
    if not isinstance(response, str):
        return ZERO
    typed = response.strip()
    if not typed:
        return ZERO
    case_sensitive = data.get("case_sensitive", False)
    for answer in data["answers"]:
        pattern = _wildcard_pattern(answer["text"].strip(), case_sensitive=case_sensitive)
        if pattern.fullmatch(typed):
            return _fraction(answer)
    return ZERO


_NUMBER_WITH_UNIT = re.compile(r"\s*([-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*")


def parse_number(response: str, units: Iterable[Mapping[str, Any]] = ()) -> Decimal | None:
    """The number a learner typed, in the question's base unit, or None if it is not one.

    With units, "150 cm" with cm = 100 gives 1.5 (the value divided by the unit's multiplier); a unit that is
    not the question's makes the response wrong. Without units any trailing text makes it wrong.
    """
    match = _NUMBER_WITH_UNIT.fullmatch(response)
    if not match:
        return None
    try:
        value = Decimal(match.group(1).replace(",", "."))
    except InvalidOperation:
        return None
    unit = match.group(2)
    if not unit:
        return value
    for candidate in units:
        if candidate["name"] == unit:
            return value / Decimal(str(candidate["multiplier"]))
    return None


def grade_numerical(data: Mapping[str, Any], response: Any) -> Decimal:
    """The first answer whose range holds the value (answer ± tolerance; ``*`` holds any) gives its fraction."""
    if isinstance(response, bool):
        return ZERO
    if isinstance(response, int | Decimal):
        value: Decimal | None = Decimal(response)
    elif isinstance(response, str):
        value = parse_number(response, data.get("units", ()))
    else:
        return ZERO
    if value is None:
        return ZERO
    for answer in data["answers"]:
        if answer["text"].strip() == "*":
            return _fraction(answer)
        try:
            expected = Decimal(answer["text"].strip())
        except InvalidOperation:
            continue
        tolerance = abs(Decimal(str(answer.get("tolerance") or "0")))
        if abs(value - expected) <= tolerance:
            return _fraction(answer)
    return ZERO


def grade_matching(data: Mapping[str, Any], response: Any) -> Decimal:
    """Right pairs / pairs. ``response`` maps a subquestion's index to the answer text chosen for it."""
    pairs = [(index, pair) for index, pair in enumerate(data["subquestions"]) if pair["text"]]
    if not pairs:
        return ZERO
    chosen = {int(key): value for key, value in dict(response or {}).items()}
    right = sum(1 for index, pair in pairs if chosen.get(index) == pair["answer"])
    return Decimal(right) / Decimal(len(pairs))


def grade_ordering(data: Mapping[str, Any], response: Any) -> Decimal:
    """Items in the right position / items. ``response`` is the items (their texts) in the learner's order."""
    items = data["items"]
    if not items:
        return ZERO
    given = list(response or ())
    right = sum(1 for position, item in enumerate(items) if position < len(given) and given[position] == item)
    return Decimal(right) / Decimal(len(items))


def grade_none(data: Mapping[str, Any], response: Any) -> None:
    """Essays are graded by a trainer; descriptions carry no grade."""
    return None


GRADERS: dict[str, Callable[[Mapping[str, Any], Any], Decimal | None]] = {
    "multichoice": grade_multichoice,
    "truefalse": grade_truefalse,
    "shortanswer": grade_shortanswer,
    "numerical": grade_numerical,
    "matching": grade_matching,
    "ordering": grade_ordering,
    "essay": grade_none,
    "description": grade_none,
}


def grade(data: Mapping[str, Any], response: Any) -> Decimal | None:
    return GRADERS[data["kind"]](data, response)
