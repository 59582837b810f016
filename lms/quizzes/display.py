"""What a learner sees of a question in an attempt, and how her form input becomes a stored response.

Pure functions of a version's snapshot, like ``grading``. Responses are stored language-neutrally, as
indexes into the snapshot's answers, items and pairs, so a learner who switches language mid-attempt keeps
her answers and every language is graded the same. ``grader_response`` turns a stored response into what
``grading.grade`` expects. Nothing here ever puts a fraction, a right answer or feedback into what the
attempt page shows: the review decides separately what it may reveal.

The form does not send those indexes either. Authors list the right choice first, an ordering question keeps
its items in the right order and a matching question's answers follow their prompts, so an index in the page
source would give the answer away. The page numbers the choices by a digest of their source texts instead
(``form_value``): a value then says nothing the texts on the page do not, and ``response_from_form`` turns it
back into the index.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext

SHUFFLED_KINDS = {"multichoice", "matching", "ordering"}


def _translated(data: Mapping[str, Any], language: str) -> Mapping[str, Any]:
    texts = data.get("texts") or {}
    value = texts.get(language) if language != data.get("source_language") else None
    return value if isinstance(value, Mapping) else {}


def _pick(translated: Mapping[str, Any], key: str, index: int, source: str) -> str:
    values = translated.get(key) or []
    return (values[index] if index < len(values) else "") or source


def _form_order(texts: Sequence[str]) -> list[int]:
    """Source indexes in the order the form numbers them: by a digest of each text (identical texts, which
    grade alike, by their index)."""
    return sorted(range(len(texts)), key=lambda i: (hashlib.sha256(str(texts[i]).encode()).hexdigest(), i))


def _form_texts(data: Mapping[str, Any]) -> list[str]:
    """The texts whose indexes the form encodes: answers (multiple choice), items (ordering) or answer choices
    (matching)."""
    kind = data["kind"]
    if kind == "multichoice":
        return [answer["text"] for answer in data["answers"]]
    if kind == "ordering":
        return list(data["items"])
    if kind == "matching":
        return distinct_answers(data)
    return []


def form_value(data: Mapping[str, Any], index: int) -> int:
    """What the form sends for the answer, item or answer choice at ``index`` of the snapshot."""
    return _form_order(_form_texts(data)).index(index)


def _from_form_value(raw: Any, order: list[int]) -> int | None:
    code = _index(raw, len(order))
    return None if code is None else order[code]


def distinct_answers(data: Mapping[str, Any]) -> list[str]:
    """A matching question's answer choices: each distinct answer text once, in source order."""
    seen: list[str] = []
    for pair in data.get("subquestions", ()):
        if pair["answer"] not in seen:
            seen.append(pair["answer"])
    return seen


def choice_order(data: Mapping[str, Any], *, shuffle: bool, rng: random.Random | None = None) -> list[int]:
    """The order this attempt shows the choices in, as indexes: answers (multiple choice), items (ordering,
    always shuffled, or there is nothing to do) or answer choices (matching)."""
    rng = rng or random.SystemRandom()
    kind = data["kind"]
    if kind == "multichoice":
        order = list(range(len(data["answers"])))
        if shuffle and data.get("shuffle", True):
            rng.shuffle(order)
        return order
    if kind == "matching":
        order = list(range(len(distinct_answers(data))))
        if shuffle and data.get("shuffle", True):
            rng.shuffle(order)
        return order
    if kind == "ordering":
        order = list(range(len(data["items"])))
        if len(order) > 1:
            while order == sorted(order):
                rng.shuffle(order)
        return order
    return []


@dataclass
class Choice:
    value: int  # what the form sends back (``form_value``); for matching prompts, the pair's index
    text: str
    text_format: str = "moodle"
    selected: bool = False  # multiple choice: the saved response holds it
    chosen: int | None = None  # matching prompts: the value of the answer saved for it


@dataclass
class Display:
    """A question as an attempt page shows it, in one language."""

    kind: str
    text: str
    text_format: str
    choices: list[Choice] = field(default_factory=list)  # multichoice answers; ordering items; matching answers
    prompts: list[Choice] = field(default_factory=list)  # matching: the questions to pair, value = pair index
    single: bool = True
    has_units: bool = False
    value: str = ""  # the saved typed answer (short answer, numerical, essay) or "true"/"false"


def _answer_choice_texts(data: Mapping[str, Any], translated: Mapping[str, Any]) -> list[str]:
    """A matching question's answer choices in one language: each takes the first translation any pair with
    that answer has, else its source text."""
    texts: dict[str, str] = {}
    for i, pair in enumerate(data.get("subquestions", ())):
        if not texts.get(pair["answer"]):
            texts[pair["answer"]] = _pick(translated, "subanswers", i, "")
    return [texts.get(text) or text for text in distinct_answers(data)]


def display(data: Mapping[str, Any], order: list[int], language: str, *, response: Any = None) -> Display:
    """The question as the attempt page shows it, choices in the attempt's ``order``, with the saved
    ``response`` filled in. An ordering question with a saved response lists its items in her order; the form
    sends each item's position (1 = first) as ``<prefix>-answer-<choice.value>``."""
    translated = _translated(data, language)
    shown = Display(
        kind=data["kind"],
        text=translated.get("text") or data["text"],
        text_format=data.get("text_format", "moodle"),
        single=data.get("single", True),
        has_units=bool(data.get("units")),
    )
    kind = data["kind"]
    codes = {index: code for code, index in enumerate(_form_order(_form_texts(data)))}
    if kind == "multichoice":
        answers = data["answers"]
        chosen = set(_as_indexes(response))
        shown.choices = [
            Choice(
                codes[i],
                _pick(translated, "answers", i, answers[i]["text"]),
                answers[i].get("text_format", "moodle"),
                selected=i in chosen,
            )
            for i in order
            if 0 <= i < len(answers)
        ]
    elif kind == "ordering":
        items = data["items"]
        saved = [i for i in _as_indexes(response) if 0 <= i < len(items)]
        if sorted(saved) == list(range(len(items))):
            order = saved
        shown.choices = [
            Choice(codes[i], _pick(translated, "items", i, items[i]), "plain") for i in order if 0 <= i < len(items)
        ]
    elif kind == "matching":
        texts = _answer_choice_texts(data, translated)
        saved = response if isinstance(response, Mapping) else {}
        shown.choices = [Choice(codes[i], texts[i], "plain") for i in order if 0 <= i < len(texts)]
        shown.prompts = [
            Choice(
                i,
                _pick(translated, "subquestions", i, pair["text"]),
                pair.get("text_format", "moodle"),
                chosen=codes.get(saved.get(str(i))) if isinstance(saved.get(str(i)), int) else None,
            )
            for i, pair in enumerate(data["subquestions"])
            if pair["text"]
        ]
    elif kind == "truefalse":
        shown.value = {True: "true", False: "false"}.get(response, "") if isinstance(response, bool) else ""
    elif isinstance(response, str):
        shown.value = response
    return shown


def _as_indexes(response: Any) -> list[int]:
    if isinstance(response, bool) or response is None:
        return []
    if isinstance(response, int):
        return [response]
    if isinstance(response, list | tuple):
        return [i for i in response if isinstance(i, int) and not isinstance(i, bool)]
    return []


def general_feedback(data: Mapping[str, Any], language: str) -> str:
    return _translated(data, language).get("general_feedback") or data.get("general_feedback", "")


def response_from_form(data: Mapping[str, Any], post: Mapping[str, Any], prefix: str) -> Any:
    """Read one question's fields (``<prefix>-answer``, ``<prefix>-answer-<n>``) into a stored response.
    Anything malformed becomes "no answer", never an error: a learner cannot break her own attempt.

    Multiple choice sends ``choice.value`` (several for "several answers"); matching sends, as
    ``<prefix>-answer-<prompt.value>``, the value of the answer chosen for each prompt; ordering sends, as
    ``<prefix>-answer-<choice.value>``, each item's position."""
    kind = data["kind"]
    getlist = getattr(post, "getlist", lambda key: [post[key]] if key in post else [])
    raw = str(post.get(f"{prefix}-answer") or "").strip()
    order = _form_order(_form_texts(data))
    if kind == "multichoice":
        if data.get("single", True):
            return _from_form_value(raw, order)
        ticked = (_from_form_value(value, order) for value in getlist(f"{prefix}-answer"))
        chosen = sorted({i for i in ticked if i is not None})
        return chosen or None
    if kind == "truefalse":
        return {"true": True, "false": False}.get(raw)
    if kind in {"shortanswer", "numerical"}:
        return raw[:255] or None
    if kind == "essay":
        return (post.get(f"{prefix}-answer") or "").strip()[:20000] or None
    if kind == "matching":
        response = {}
        for i, pair in enumerate(data["subquestions"]):
            if pair["text"]:
                chosen = _from_form_value(post.get(f"{prefix}-answer-{i}") or "", order)
                if chosen is not None:
                    response[str(i)] = chosen
        return response or None
    if kind == "ordering":
        count = len(order)
        positions = []
        for code, i in enumerate(order):
            position = _index(post.get(f"{prefix}-answer-{code}") or "", count + 1)  # 1 = first; 0 tolerated
            if position is None:
                return None
            positions.append((position, code, i))
        return [i for _position, _code, i in sorted(positions)]
    return None


def _index(raw: Any, count: int) -> int | None:
    try:
        value = int(str(raw).strip())
    except ValueError:
        return None
    return value if 0 <= value < count else None


def grader_data(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """The snapshot as the grader sees it: a short answer's translations are accepted as well as its source
    text, each right after its source answer with the same fraction, so a learner who types the Russian
    answer is graded like one who types the English one (grades never split by language)."""
    if data["kind"] != "shortanswer":
        return data
    answers = []
    for index, answer in enumerate(data["answers"]):
        answers.append(answer)
        seen = {answer["text"].strip()}
        for _language, translated in sorted((data.get("texts") or {}).items()):
            values = translated.get("answers") if isinstance(translated, Mapping) else None
            text = (values[index] if values and index < len(values) else "") or ""
            if text.strip() and text.strip() not in seen:
                seen.add(text.strip())
                answers.append({**answer, "text": text})
    return {**data, "answers": answers}


def grader_response(data: Mapping[str, Any], response: Any) -> Any:
    """A stored response in the shape ``grading.grade`` takes."""
    kind = data["kind"]
    if response is None:
        return None
    if kind == "matching":
        choices = distinct_answers(data)
        return {
            int(key): choices[value]
            for key, value in dict(response).items()
            if isinstance(value, int) and 0 <= value < len(choices)
        }
    if kind == "ordering":
        items = data["items"]
        return [items[i] for i in _as_indexes(response) if 0 <= i < len(items)]
    return response


def is_answered(data: Mapping[str, Any], response: Any) -> bool:
    return response not in (None, "", [], {})


def right_answer(data: Mapping[str, Any], language: str) -> list[str]:
    """The right answer in words, for a review that may show it."""
    translated = _translated(data, language)
    kind = data["kind"]
    if kind == "multichoice":
        return [
            _pick(translated, "answers", i, answer["text"])
            for i, answer in enumerate(data["answers"])
            if float(answer.get("fraction", 0)) > 0
        ]
    if kind == "truefalse":
        return [gettext("True") if data["correct_answer"] else gettext("False")]
    if kind == "shortanswer":
        return [
            _pick(translated, "answers", i, answer["text"])
            for i, answer in enumerate(data["answers"])
            if float(answer.get("fraction", 0)) >= 1
        ]
    if kind == "numerical":
        best = [answer for answer in data["answers"] if float(answer.get("fraction", 0)) >= 1]
        return [
            answer["text"] + (f" ± {answer['tolerance']}" if answer.get("tolerance") not in (None, "", "0") else "")
            for answer in best
        ]
    if kind == "matching":
        choices = _answer_choice_texts(data, translated)
        answers = distinct_answers(data)
        return [
            f"{_pick(translated, 'subquestions', i, pair['text'])} → {choices[answers.index(pair['answer'])]}"
            for i, pair in enumerate(data["subquestions"])
            if pair["text"]
        ]
    if kind == "ordering":
        return [_pick(translated, "items", i, item) for i, item in enumerate(data["items"])]
    return []


def response_feedback(data: Mapping[str, Any], response: Any, language: str) -> list[str]:
    """Per-answer feedback for what the learner chose, for a review that may show feedback."""
    translated = _translated(data, language)
    kind = data["kind"]
    if kind == "multichoice" and response is not None:
        chosen = _as_indexes(response)
        answers = data["answers"]
        return [
            _pick(translated, "feedback", i, answers[i].get("feedback", ""))
            for i in chosen
            if 0 <= i < len(answers) and answers[i].get("feedback")
        ]
    if kind == "truefalse" and isinstance(response, bool):
        source = data.get("feedback_true" if response else "feedback_false", "")
        text = _pick(translated, "feedback", 0 if response else 1, source)
        return [text] if text else []
    if kind in {"shortanswer", "numerical"} and isinstance(response, str):
        from . import grading

        for i, answer in enumerate(data["answers"]):
            # This answer alone (with its translations, for short answers): does the response match it?
            texts = {
                language: {"answers": [_pick(values, "answers", i, "")]}
                for language, values in (data.get("texts") or {}).items()
                if isinstance(values, Mapping)
            }
            single = {**data, "answers": [{**answer, "fraction": "1"}], "texts": texts}
            if grading.grade(grader_data(single), response) == 1:
                feedback = _pick(translated, "feedback", i, answer.get("feedback", ""))
                return [feedback] if feedback else []
    return []


def response_text(data: Mapping[str, Any], response: Any, language: str) -> str:
    """What the learner answered, in words (for reviews, the essay queue and exports)."""
    kind = data["kind"]
    if response is None:
        return ""
    translated = _translated(data, language)
    if kind == "multichoice":
        answers = data["answers"]
        return "; ".join(
            _pick(translated, "answers", i, answers[i]["text"]) for i in _as_indexes(response) if 0 <= i < len(answers)
        )
    if kind == "truefalse":
        return gettext("True") if response else gettext("False")
    if kind == "matching":
        choices = _answer_choice_texts(data, translated)
        pairs = data["subquestions"]
        return "; ".join(
            f"{_pick(translated, 'subquestions', int(key), pairs[int(key)]['text'])} → {choices[value]}"
            for key, value in dict(response).items()
            if str(key).isdigit() and int(key) < len(pairs) and isinstance(value, int) and 0 <= value < len(choices)
        )
    if kind == "ordering":
        items = data["items"]
        return "; ".join(_pick(translated, "items", i, items[i]) for i in _as_indexes(response) if 0 <= i < len(items))
    return str(response)
