"""Scale quizzes: a question bank (a category per course topic, thirty multiple-choice and true/false questions each,
in English with Russian and Arabic translations), a final quiz in most courses (fixed questions of the course's
topic and questions drawn at random from its category), and learners' attempts with their answers, graded as
``lms.quizzes`` grades them, and their quiz grades.

Attempts follow the learner's progress (see ``courses``): whoever completed a course with a quiz passed it, some
after a failed attempt; some of those still learning who reached the quiz have failed it so far. Every question is
worth one mark, so a grade is the share of right answers.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from itertools import permutations

from django.contrib.contenttypes.models import ContentType

from accounts.models import User
from lms.courses.models import Course
from lms.quizzes.models import (
    Attempt,
    MultipleChoiceQuestion,
    Question,
    QuestionAttempt,
    QuestionCategory,
    QuestionVersion,
    Quiz,
    QuizGrade,
    QuizSlot,
    TrueFalseQuestion,
)

from .bulk import ids_reserve, inherited_insert, rows_load
from .common import DAY, at, scale_uuid

ROOT = "seed_scale question bank"  # its own top-level category: --reset deletes it with everything under it
QUESTIONS_PER_TOPIC = 30
QUIZ_SHARE = 0.6  # of the courses
FIXED_SLOTS, RANDOM_SLOTS = 4, 2
PER_PAGE = 2
GRADES = (3, 5, 7, 9, 11)
LANGUAGES = ("en", "ru", "ar")
HUNDRED = Decimal(100)
ONE, ZERO = Decimal(1), Decimal(0)
MARKS = [Decimal(count) for count in range(FIXED_SLOTS + RANDOM_SLOTS + 1)]
# Responses and the order choices are shown in, as stored (JSON): a multiple choice answer's index, or the order
# of its answers (every permutation of 4 alike).
RESPONSES = [json.dumps(index) for index in range(10)]
ORDERS = {4: [json.dumps(list(order)) for order in permutations(range(4))]}

ATTEMPT_COLUMNS = (
    "id", "uuid", "quiz_id", "user_id", "number", "state", "closed_by", "language", "pages", "current_page",
    "started_at", "deadline", "finished_at", "max_marks", "marks", "grade", "needs_grading",
)  # fmt: skip
QUESTION_ATTEMPT_COLUMNS = (
    "attempt_id", "position", "page", "version_id", "max_mark", "choice_order", "response", "sequence", "fraction",
    "mark", "needs_grading", "comment", "graded_by_id", "graded_at", "regraded_from",
)  # fmt: skip
GRADE_COLUMNS = ("quiz_id", "user_id", "grade", "passed", "updated_at")

# (text, answers with the right one first, feedback) in en / ru / ar; {topic} and {grade} are filled in.
MULTICHOICE = [
    (
        (
            "You start “{topic}” with a grade {grade} class. What do you do first?",
            "Вы начинаете тему «{topic}» в {grade} классе. С чего вы начнёте?",
            "تبدأ موضوع «{topic}» مع الصف {grade}. ماذا تفعل أولًا؟",
        ),
        [
            (
                "Set a learning goal and plan how to check it",
                "Поставлю цель урока и продумаю, как её проверить",
                "أحدد هدف التعلم وأخطط لكيفية التحقق منه",
            ),
            ("Choose the newest app available", "Выберу самое новое приложение", "أختار أحدث تطبيق متاح"),
            ("Give every learner a device and wait", "Раздам всем устройства и подожду", "أعطي كل متعلم جهازًا وأنتظر"),
            (
                "Skip planning: the tool does the teaching",
                "Обойдусь без плана: всё сделает инструмент",
                "أتجاوز التخطيط: الأداة تقوم بالتعليم",
            ),
        ],
    ),
    (
        (
            "In a grade {grade} lesson on “{topic}”, three learners have no device. What works best?",
            "На уроке по теме «{topic}» в {grade} классе у троих учеников нет устройства. Что лучше всего?",
            "في درس «{topic}» للصف {grade} لا يملك ثلاثة متعلمين جهازًا. ما الأفضل؟",
        ),
        [
            (
                "Work in pairs or small groups around shared devices",
                "Работа в парах или малых группах с общими устройствами",
                "العمل في أزواج أو مجموعات صغيرة حول أجهزة مشتركة",
            ),
            (
                "Send them to the library for the lesson",
                "Отправить их в библиотеку на весь урок",
                "إرسالهم إلى المكتبة طوال الدرس",
            ),
            ("Cancel the activity for everyone", "Отменить задание для всех", "إلغاء النشاط للجميع"),
            ("Let them watch without taking part", "Пусть смотрят, не участвуя", "تركهم يشاهدون دون مشاركة"),
        ],
    ),
    (
        (
            "How do you check what a grade {grade} class learned about “{topic}”?",
            "Как проверить, чему {grade} класс научился по теме «{topic}»?",
            "كيف تتحقق مما تعلمه الصف {grade} عن «{topic}»؟",
        ),
        [
            (
                "A short quiz and a task that uses what they learned",
                "Короткий тест и задание на применение",
                "اختبار قصير ومهمة تستخدم ما تعلموه",
            ),
            ("Ask whether they liked the lesson", "Спросить, понравился ли урок", "أسألهم إن كان الدرس قد أعجبهم"),
            (
                "Count how long they used the devices",
                "Посчитать, сколько времени они провели за устройствами",
                "أحسب المدة التي استخدموا فيها الأجهزة",
            ),
            ("Wait for the end-of-year exam", "Дождаться годовой контрольной", "أنتظر امتحان نهاية العام"),
        ],
    ),
    (
        (
            "You found a video for “{topic}” online. What must you check before using it with grade {grade}?",
            "Вы нашли в интернете видео по теме «{topic}». Что нужно "
            "проверить, прежде чем показать его {grade} классу?",
            "وجدت مقطع فيديو عن «{topic}» على الإنترنت. ما الذي يجب التحقق منه قبل استخدامه مع الصف {grade}؟",
        ),
        [
            (
                "Its licence, its accuracy and whether it suits the age",
                "Лицензию, точность и соответствие возрасту",
                "ترخيصه ودقته ومناسبته للعمر",
            ),
            ("Only the number of views", "Только число просмотров", "عدد المشاهدات فقط"),
            (
                "Nothing: everything online is free to use",
                "Ничего: всё в интернете можно использовать",
                "لا شيء: كل ما على الإنترنت مجاني الاستخدام",
            ),
            ("Only that it is short", "Только то, что оно короткое", "أنه قصير فقط"),
        ],
    ),
    (
        (
            "A parent of a grade {grade} learner asks why you teach “{topic}” with digital tools. What do you answer?",
            "Родитель ученика {grade} класса спрашивает, зачем изучать "
            "«{topic}» с цифровыми инструментами. Что вы ответите?",
            "يسأل ولي أمر متعلم في الصف {grade} لماذا تدرّس «{topic}» بأدوات رقمية. بماذا تجيب؟",
        ),
        [
            (
                "They help every learner practise and show what they understand",
                "Они помогают каждому ученику практиковаться и показать, что он понял",
                "تساعد كل متعلم على التدرّب وإظهار ما فهمه",
            ),
            (
                "The ministry requires screens in every lesson",
                "Министерство требует экраны на каждом уроке",
                "الوزارة تشترط الشاشات في كل درس",
            ),
            ("So that the teacher has less to do", "Чтобы учителю было меньше работы", "حتى يقل عمل المعلم"),
            ("Because books are no longer used", "Потому что книги больше не нужны", "لأن الكتب لم تعد تُستخدم"),
        ],
    ),
]
TRUEFALSE = [
    (
        (
            "Grade {grade} learners understand “{topic}” better when they "
            "create something with the tool, not only watch.",
            "Ученики {grade} класса лучше понимают тему «{topic}», когда создают что-то сами, а не только смотрят.",
            "يفهم متعلمو الصف {grade} موضوع «{topic}» أفضل عندما يصنعون شيئًا بالأداة لا حين يشاهدون فقط.",
        ),
        True,
    ),
    (
        (
            "In “{topic}”, a digital tool is useful only if every grade {grade} learner has a device at home.",
            "В теме «{topic}» цифровой инструмент полезен, только если у "
            "каждого ученика {grade} класса есть устройство дома.",
            "في «{topic}» تكون الأداة الرقمية مفيدة فقط إذا امتلك كل متعلم في الصف {grade} جهازًا في المنزل.",
        ),
        False,
    ),
    (
        (
            "Learners' personal data from a “{topic}” activity may be shared with any app, since it is for school.",
            "Личные данные учеников из задания по теме «{topic}» можно "
            "передавать любому приложению, раз это для школы.",
            "يجوز مشاركة البيانات الشخصية للمتعلمين من نشاط «{topic}» مع أي تطبيق لأنه للمدرسة.",
        ),
        False,
    ),
    (
        (
            "Short online quizzes in “{topic}” show the grade {grade} teacher what to explain again.",
            "Короткие онлайн-тесты по теме «{topic}» показывают учителю {grade} класса, что объяснить ещё раз.",
            "تُظهر الاختبارات القصيرة عبر الإنترنت في «{topic}» لمعلم الصف {grade} ما يجب شرحه مرة أخرى.",
        ),
        True,
    ),
    (
        (
            "An open licence (CC BY) lets you adapt a “{topic}” resource for grade {grade} if you credit its author.",
            "Открытая лицензия (CC BY) позволяет адаптировать ресурс по теме "
            "«{topic}» для {grade} класса с указанием автора.",
            "يسمح الترخيص المفتوح (CC BY) بتكييف مورد «{topic}» للصف {grade} مع نسبته إلى مؤلفه.",
        ),
        True,
    ),
]  # fmt: skip
TF_FEEDBACK = {
    True: ("Yes.", "Да.", "نعم."),
    False: ("No.", "Нет.", "لا."),
}
QUIZ_TITLES = ("{course}: final quiz", "{course}: итоговый тест", "{course}: الاختبار النهائي")


@dataclass(eq=False)
class BankQuestion:
    question_id: int
    version_id: int
    kind: str
    answers: int  # multiple choice: how many (the right one is the first); true/false: 0
    correct: bool = True  # true/false: the right answer


@dataclass
class QuizInfo:
    quiz: Quiz
    pass_grade: Decimal
    fixed: list[BankQuestion]
    others: list[BankQuestion]  # the rest of the category, which random slots draw from
    needed: int  # right answers that pass


@dataclass
class Bank:
    by_topic: dict[str, list[BankQuestion]]  # by the topic's English title
    categories: dict[str, QuestionCategory]
    questions: int


def bank_build(topics: list[tuple[str, str, str]], *, owner: int) -> Bank:
    """A category per topic (titles in en / ru / ar) with ``QUESTIONS_PER_TOPIC`` questions, owned by ``owner``."""
    owner = User.objects.get(pk=owner)
    root, _created = QuestionCategory.objects.get_or_create(
        parent=None, name=ROOT, defaults={"info": "Generated by manage.py seed_scale.", "owner": owner}
    )
    by_topic: dict[str, list[BankQuestion]] = {}
    categories: dict[str, QuestionCategory] = {}
    questions: list[Question] = []
    for titles in topics:
        category = QuestionCategory.objects.create(parent=root, name=titles[0], owner=owner)
        items = []
        for number in range(QUESTIONS_PER_TOPIC):
            grade = GRADES[number // (len(MULTICHOICE) + len(TRUEFALSE)) % len(GRADES)]
            template = number % (len(MULTICHOICE) + len(TRUEFALSE))
            fill = [{"topic": title, "grade": grade} for title in titles]
            if template < len(MULTICHOICE):
                texts, answers = MULTICHOICE[template]
                question = MultipleChoiceQuestion(
                    category=category,
                    owner=owner,
                    name=f"{titles[0]}: question {number + 1}",
                    idnumber=f"scale-{len(by_topic) + 1}-{number + 1}",
                    text=texts[0].format(**fill[0]),
                    text_format="plain",
                    single=True,
                    answers=[
                        {
                            "text": answer[0],
                            "text_format": "plain",
                            "fraction": "1" if position == 0 else "0",
                            "feedback": "",
                            "feedback_format": "plain",
                        }
                        for position, answer in enumerate(answers)
                    ],
                    texts={
                        language: {
                            "text": texts[index].format(**fill[index]),
                            "answers": [answer[index] for answer in answers],
                            "feedback": [""] * len(answers),
                        }
                        for index, language in enumerate(LANGUAGES)
                        if index
                    },
                    tags=["seed_scale"],
                )
                items.append(BankQuestion(0, 0, "multichoice", len(answers)))
            else:
                texts, correct = TRUEFALSE[template - len(MULTICHOICE)]
                question = TrueFalseQuestion(
                    category=category,
                    owner=owner,
                    name=f"{titles[0]}: question {number + 1}",
                    idnumber=f"scale-{len(by_topic) + 1}-{number + 1}",
                    text=texts[0].format(**fill[0]),
                    text_format="plain",
                    correct_answer=correct,
                    feedback_true=TF_FEEDBACK[True][0],
                    feedback_false=TF_FEEDBACK[False][0],
                    texts={
                        language: {
                            "text": texts[index].format(**fill[index]),
                            "feedback": [TF_FEEDBACK[True][index], TF_FEEDBACK[False][index]],
                        }
                        for index, language in enumerate(LANGUAGES)
                        if index
                    },
                    tags=["seed_scale"],
                )
                items.append(BankQuestion(0, 0, "truefalse", 0, correct))
            questions.append(question)
        by_topic[titles[0]] = items
        categories[titles[0]] = category
    # What ``question_create`` makes (a question and its first version), in bulk: it takes 17 ms a question.
    for question in questions:
        question.clean_fields(exclude=["category", "owner", "polymorphic_ctype"])  # no query per foreign key
        question.polymorphic_ctype_id = ContentType.objects.get_for_model(type(question), for_concrete_model=False).pk
    inherited_insert(Question, questions)
    versions = QuestionVersion.objects.bulk_create(
        QuestionVersion(question_id=question.pk, number=1, data=question.snapshot(), created_by=owner)
        for question in questions
    )
    items = [item for topic in by_topic.values() for item in topic]
    for item, question, version in zip(items, questions, versions, strict=True):
        item.question_id, item.version_id = question.pk, version.pk
    return Bank(by_topic=by_topic, categories=categories, questions=len(questions))


def quizzes_build(rng: random.Random, courses: list[tuple[Course, str, int]], bank: Bank) -> dict[int, QuizInfo]:
    """A final quiz for ``QUIZ_SHARE`` of ``courses`` ((course, topic's English title, trainer)); by course id."""
    quizzes, slots, infos = [], [], {}
    for course, topic, trainer in courses:
        if rng.random() >= QUIZ_SHARE:
            continue
        pool = bank.by_topic[topic]
        fixed = rng.sample(pool, FIXED_SLOTS)
        titles = {
            language: QUIZ_TITLES[LANGUAGES.index(language)].format(course=title)
            for language, title in course.titles.items()
        }
        quiz = Quiz(
            uuid=scale_uuid(rng),
            course=course,
            title=next(iter(titles.values())),
            titles=titles,
            intro="",
            time_limit_minutes=rng.choice([None, None, 20, 30]),
            attempts_allowed=0 if rng.random() < 0.7 else 3,
            grading_method=Quiz.GradingMethod.HIGHEST,
            pass_grade=Decimal(rng.choice([50, 60, 70, 80])),
            questions_per_page=PER_PAGE,
            created_by_id=trainer,
            created_at=course.created_at,
        )
        quizzes.append(quiz)
        count = FIXED_SLOTS + RANDOM_SLOTS
        needed = next(k for k in range(count + 1) if _percent(Decimal(k), count) >= quiz.pass_grade)
        others = [question for question in pool if question not in fixed]
        infos[course.pk] = QuizInfo(quiz=quiz, pass_grade=quiz.pass_grade, fixed=fixed, others=others, needed=needed)
        category = bank.categories[topic]
        for position, question in enumerate(fixed):
            slots.append(QuizSlot(quiz=quiz, position=position, question_id=question.question_id))
        for position in range(FIXED_SLOTS, FIXED_SLOTS + RANDOM_SLOTS):
            slots.append(QuizSlot(quiz=quiz, position=position, random_category=category))
    Quiz.objects.bulk_create(quizzes)
    for slot in slots:
        slot.quiz_id = slot.quiz.pk
    QuizSlot.objects.bulk_create(slots)
    return infos


@dataclass
class Attempts:
    """Attempts of one batch of teachers, kept until ``load`` gives them ids."""

    rng: random.Random
    attempts: list[tuple] = field(default_factory=list)
    questions: list[tuple] = field(default_factory=list)  # the first column: the attempt's place in ``attempts``
    grades: list[tuple] = field(default_factory=list)
    total_attempts: int = 0
    total_questions: int = 0

    def sit(self, info: QuizInfo, user: int, language: str, *, finished: list[tuple[float, bool]]) -> None:
        """Her attempts at ``info``'s quiz, finished at these moments, each passed or not, and her quiz grade."""
        best = None
        for number, (moment, passing) in enumerate(finished, start=1):
            grade = self._attempt(info, user, language, number, moment, passing)
            best = grade if best is None else max(best, grade)
        self.grades.append((info.quiz.pk, user, best, best >= info.pass_grade, at(finished[-1][0])))

    def _attempt(self, info: QuizInfo, user: int, language: str, number: int, finished: float, passing: bool):
        rng = self.rng
        quiz = info.quiz
        drawn = [*info.fixed, *rng.sample(info.others, RANDOM_SLOTS)]
        right = [rng.random() < (0.85 if passing else 0.35) for _ in drawn]
        needed = info.needed
        while passing and sum(right) < needed:
            right[right.index(False)] = True
        while not passing and sum(right) >= needed:
            right[right.index(True)] = False
        index = len(self.attempts)
        for position, (question, correct) in enumerate(zip(drawn, right, strict=True)):
            if question.kind == "multichoice":
                order = ORDERS[question.answers][rng.randrange(len(ORDERS[question.answers]))]
                response = "0" if correct else RESPONSES[rng.randrange(1, question.answers)]
            else:
                order = "[]"
                response = "true" if question.correct == correct else "false"
            mark = ONE if correct else ZERO
            self.questions.append(
                (index, position, position // PER_PAGE, question.version_id, ONE, order, response, 1, mark, mark,
                 False, "", None, None, None)
            )  # fmt: skip
        marks = MARKS[sum(right)]
        grade = _percent(marks, len(drawn))
        minutes = quiz.time_limit_minutes or 40
        started = finished - (2 + rng.random() * (minutes - 2)) * 60
        deadline = at(started + quiz.time_limit_minutes * 60) if quiz.time_limit_minutes else None
        self.attempts.append(
            (
                scale_uuid(rng), quiz.pk, user, number, Attempt.State.FINISHED, Attempt.Closed.SUBMITTED, language,
                -(-len(drawn) // PER_PAGE), 0, at(started), deadline, at(finished), Decimal(len(drawn)), marks,
                grade, False,
            )
        )  # fmt: skip
        return grade

    def load(self) -> tuple[int, int]:
        """Insert what the batch made; returns the number of attempts and of answered questions."""
        first = ids_reserve(Attempt, len(self.attempts))
        attempts = rows_load(Attempt, ATTEMPT_COLUMNS, ((first + i, *row) for i, row in enumerate(self.attempts)))
        questions = rows_load(
            QuestionAttempt, QUESTION_ATTEMPT_COLUMNS, ((first + row[0], *row[1:]) for row in self.questions)
        )
        rows_load(QuizGrade, GRADE_COLUMNS, self.grades)
        self.attempts, self.questions, self.grades = [], [], []
        self.total_attempts += attempts
        self.total_questions += questions
        return attempts, questions


@cache
def _percent(marks: Decimal, count: int) -> Decimal:
    """As ``lms.quizzes.services.grades`` computes a grade."""
    return (marks * HUNDRED / count).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def attempt_moments(
    rng: random.Random, start: float, end: float, *, passed: bool, retry: float = 0.3
) -> list[tuple[float, bool]]:
    """When she sat the quiz between ``start`` and ``end``: a pass at ``end`` (after a failed attempt, sometimes),
    or one or two failed attempts."""
    span = max(end - start, 600.0)
    if passed:
        if rng.random() < retry:
            return [(end - span * rng.random() * 0.5 - 300, False), (end, True)]
        return [(end, True)]
    first = start + span * rng.random() * 0.5
    moments = [(first, False)]
    if rng.random() < 0.3:
        moments.append((min(end, first + DAY * rng.random() * 5 + 600), False))
    return moments
