"""The scale courses' Wagtail pages: a course page under the catalogue of each of the course's languages, two to four
modules, five to fifteen lessons with rich text, and for courses with a quiz a last "Check your understanding" lesson
that shows it, as trainers build them in the admin (seed_demo's courses are the model). The pages go in by
``pages.pages_create``; then ``cms.outline.course_sync`` builds each course's outline from them, exactly as after an
editor publishes, which also lists the course in the catalogue and links its quiz to its lesson's activity.

The source-language pages are created first (``course_sync`` takes a course's first page as its source), their
translations after, with the same translation keys.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.utils.text import slugify
from wagtail.models import Locale

from cms.models import CourseIndexPage, CoursePage, LessonPage, ModulePage
from cms.outline import course_sync
from lms.courses.models import Activity, Course

from .common import scale_uuid
from .pages import Node, pages_create

LANGUAGES = ("en", "ru", "ar")
MODULE_WORDS = ("Module", "Модуль", "الوحدة")
MODULE_THEMES = [
    ("Getting started", "Первые шаги", "البداية"),
    ("Planning with digital tools", "Планирование с цифровыми инструментами", "التخطيط بالأدوات الرقمية"),
    ("In the classroom", "На уроке", "في الفصل"),
    ("Assessment and feedback", "Оценивание и обратная связь", "التقييم والتغذية الراجعة"),
    ("Working with colleagues", "Работа с коллегами", "العمل مع الزملاء"),
    ("Reflecting on practice", "Рефлексия практики", "التأمل في الممارسة"),
]
LESSON_THEMES = [
    ("Why it matters", "Почему это важно", "لماذا هذا مهم"),
    ("Key ideas", "Ключевые идеи", "الأفكار الرئيسية"),
    ("A lesson step by step", "Урок шаг за шагом", "درس خطوة بخطوة"),
    ("Choosing the right tool", "Как выбрать инструмент", "اختيار الأداة المناسبة"),
    ("Trying it in your class", "Пробуем в своём классе", "التجربة في فصلك"),
    ("Learners who need more support", "Ученики, которым нужна поддержка", "المتعلمون الذين يحتاجون إلى دعم أكبر"),
    ("Checking what learners understood", "Проверяем понимание", "التحقق من فهم المتعلمين"),
    ("Safety and privacy", "Безопасность и приватность", "السلامة والخصوصية"),
    ("Sharing with parents", "Как рассказать родителям", "المشاركة مع أولياء الأمور"),
    ("Common mistakes", "Типичные ошибки", "أخطاء شائعة"),
    ("A case from a rural school", "Пример сельской школы", "حالة من مدرسة ريفية"),
    ("Planning your next steps", "Планируем следующие шаги", "تخطيط خطواتك التالية"),
]
SENTENCES = {
    "en": [
        "Start from what your learners already know and what they need to learn next.",
        "A digital tool is worth using when it lets learners do something they could not do as well on paper.",
        "Plan how you will check understanding before you choose the activity.",
        "Keep instructions short, and show an example before learners start.",
        "Pairs can share one device: one learner works, the other checks, then they swap.",
        "Save the work learners produce, so that you can discuss it in the next lesson.",
        "Teachers in low-connectivity schools prepare offline copies of every resource.",
        "Ask learners to explain their answers aloud: it shows you how they think.",
        "Write down what worked and what did not; your notes are the start of your portfolio.",
        "Share your plan with a colleague and ask for one suggestion.",
    ],
    "ru": [
        "Начните с того, что ученики уже знают и что им нужно узнать дальше.",
        "Цифровой инструмент стоит использовать, когда он позволяет сделать то, что на бумаге получается хуже.",
        "Продумайте, как вы проверите понимание, прежде чем выбирать задание.",
        "Давайте короткие инструкции и покажите пример до начала работы.",
        "Пара может работать с одним устройством: один выполняет, другой проверяет, потом меняются.",
        "Сохраняйте работы учеников, чтобы обсудить их на следующем уроке.",
        "Учителя в школах со слабым интернетом заранее готовят офлайн-копии материалов.",
        "Просите учеников объяснять ответы вслух: так видно, как они рассуждают.",
        "Записывайте, что получилось и что нет; эти заметки станут началом вашего портфолио.",
        "Покажите свой план коллеге и попросите одно предложение.",
    ],
    "ar": [
        "ابدأ مما يعرفه المتعلمون بالفعل وما يحتاجون إلى تعلمه بعد ذلك.",
        "تستحق الأداة الرقمية الاستخدام عندما تتيح للمتعلمين ما لا يستطيعون فعله بالجودة نفسها على الورق.",
        "خطط لكيفية التحقق من الفهم قبل أن تختار النشاط.",
        "اجعل التعليمات قصيرة واعرض مثالًا قبل أن يبدأ المتعلمون.",
        "يمكن لزوجين مشاركة جهاز واحد: يعمل أحدهما ويراجع الآخر ثم يتبادلان.",
        "احفظ أعمال المتعلمين لتناقشها في الدرس التالي.",
        "يُعدّ المعلمون في المدارس ضعيفة الاتصال نسخًا غير متصلة من كل مورد.",
        "اطلب من المتعلمين شرح إجاباتهم بصوت عالٍ: فذلك يُظهر طريقة تفكيرهم.",
        "دوّن ما نجح وما لم ينجح؛ ملاحظاتك بداية ملف إنجازك.",
        "شارك خطتك مع زميل واطلب منه اقتراحًا واحدًا.",
    ],
}
HEADINGS = {
    "en": ("In this lesson", "Try it", "Remember"),
    "ru": ("На этом уроке", "Попробуйте", "Запомните"),
    "ar": ("في هذا الدرس", "جرّب", "تذكّر"),
}
SUMMARIES = (
    "A practical course for teachers: {topic}, with examples from real classrooms.",
    "Практический курс для учителей: {topic} — с примерами из реальных классов.",
    "دورة عملية للمعلمين: {topic}، مع أمثلة من فصول حقيقية.",
)
OUTCOMES = {
    "en": ["Plan a lesson that uses it", "Check what learners understood", "Share your experience with colleagues"],
    "ru": ["Спланировать урок с его использованием", "Проверить понимание учеников", "Поделиться опытом с коллегами"],
    "ar": ["تخطيط درس يستخدمه", "التحقق من فهم المتعلمين", "مشاركة تجربتك مع الزملاء"],
}
QUIZ_LESSON = {
    "en": ("Check your understanding", "<p>Take this short quiz to check what you have learned. Passing it "
           "completes this step.</p>"),
    "ru": ("Проверьте себя", "<p>Пройдите короткий тест, чтобы проверить, чему вы научились. Сдав его, вы "
           "завершите этот шаг.</p>"),
    "ar": ("اختبر فهمك", "<p>أجب عن هذا الاختبار القصير لتتحقق مما تعلمته. باجتيازه تُكمل هذه الخطوة.</p>"),
}  # fmt: skip


@dataclass
class Outline:
    """What the pages of one course are: module titles and, per module, lessons (theme, minutes)."""

    modules: list[tuple[int, list[tuple[int, int]]]]  # (theme, [(lesson theme, minutes)])
    keys: list  # translation keys: course, then per module the module then its lessons, then the quiz lesson
    body_seed: int


def outline_draw(rng: random.Random, *, has_quiz: bool) -> Outline:
    lessons = rng.randint(5, 15)
    count = min(rng.randint(2, 4), lessons)
    sizes = [lessons // count + (1 if index < lessons % count else 0) for index in range(count)]
    themes = rng.sample(range(len(MODULE_THEMES)), count)
    modules = [
        (theme, [(rng.randrange(len(LESSON_THEMES)), rng.choice([5, 10, 10, 15, 20, 30])) for _ in range(size)])
        for theme, size in zip(themes, sizes, strict=True)
    ]
    keys = [scale_uuid(rng) for _ in range(1 + count + lessons + (1 if has_quiz else 0))]
    return Outline(modules=modules, keys=keys, body_seed=rng.getrandbits(32))


def _lesson_body(language: str, rng: random.Random, topic: str) -> list[dict]:
    sentences = SENTENCES[language]
    heading, tip, remember = HEADINGS[language]

    def paragraph(count: int) -> str:
        return "<p>" + " ".join(rng.sample(sentences, count)) + "</p>"

    items = "".join(f"<li>{sentence}</li>" for sentence in rng.sample(sentences, 3))
    return [
        {"type": "heading", "value": {"text": heading, "level": "h2"}, "id": str(scale_uuid(rng))},
        {
            "type": "paragraph",
            "value": f"<p><b>{topic}</b></p>{paragraph(3)}{paragraph(2)}",
            "id": str(scale_uuid(rng)),
        },
        {"type": "heading", "value": {"text": tip, "level": "h3"}, "id": str(scale_uuid(rng))},
        {"type": "paragraph", "value": f"<ol>{items}</ol>{paragraph(2)}", "id": str(scale_uuid(rng))},
        {"type": "callout", "value": {"kind": "tip", "text": paragraph(1)}, "id": str(scale_uuid(rng))},
        {"type": "heading", "value": {"text": remember, "level": "h3"}, "id": str(scale_uuid(rng))},
        {"type": "paragraph", "value": paragraph(2), "id": str(scale_uuid(rng))},
    ]


def _course_node(course: Course, language: str, outline: Outline, *, slug: str, owner: int, quiz_id: int | None):
    index = LANGUAGES.index(language)
    title = course.titles[language]
    published = course.published_at
    rng = random.Random(outline.body_seed * 7 + index)  # the same words for the same course and language
    keys = iter(outline.keys)
    common = {"locale_id": _locales()[language], "owner_id": owner, "first_published_at": published}
    outcomes = "".join(f"<li>{item}</li>" for item in OUTCOMES[language])
    node = Node(
        CoursePage(
            title=title,
            slug=slug,
            translation_key=next(keys),
            course_id=course.pk,
            summary=SUMMARIES[index].format(topic=title),
            description="".join(f"<p>{' '.join(rng.sample(SENTENCES[language], 3))}</p>" for _ in range(2)),
            learning_outcomes=f"<ul>{outcomes}</ul>",
            **common,
        )
    )
    for number, (theme, lessons) in enumerate(outline.modules, start=1):
        module = Node(
            ModulePage(
                title=f"{MODULE_WORDS[index]} {number}: {MODULE_THEMES[theme][index]}",
                slug=f"module-{number}",
                translation_key=next(keys),
                intro=f"<p>{rng.choice(SENTENCES[language])}</p>",
                **common,
            )
        )
        node.children.append(module)
        for lesson_number, (lesson_theme, minutes) in enumerate(lessons, start=1):
            module.children.append(
                Node(
                    LessonPage(
                        title=LESSON_THEMES[lesson_theme][index],
                        slug=f"lesson-{number}-{lesson_number}",
                        translation_key=next(keys),
                        body=_lesson_body(language, rng, title),
                        estimated_minutes=minutes,
                        **common,
                    )
                )
            )
    if quiz_id is not None:
        title, text = QUIZ_LESSON[language]
        body = [
            {"type": "paragraph", "value": text, "id": str(scale_uuid(rng))},
            {"type": "quiz", "value": {"quiz": quiz_id}, "id": str(scale_uuid(rng))},
        ]
        node.children[-1].children.append(
            Node(
                LessonPage(
                    title=title,
                    slug="check-your-understanding",
                    translation_key=next(keys),
                    body=body,
                    estimated_minutes=15,
                    **common,
                )
            )
        )
    return node


_LOCALES: dict[str, int] = {}


def _locales() -> dict[str, int]:
    if not _LOCALES:
        _LOCALES.update(Locale.objects.values_list("language_code", "pk"))
    return _LOCALES


def course_pages_build(courses: list[tuple[Course, Outline, str, int, int | None]]) -> int:
    """Pages for ``courses`` ((course, outline, slug, trainer, quiz id)), source languages first; then each course's
    outline is synced from them. Returns the number of pages."""
    _LOCALES.clear()
    indexes = {page.locale.language_code: page for page in CourseIndexPage.objects.select_related("locale")}
    count = 0
    for translations in (False, True):
        by_language: dict[str, list[Node]] = {}
        for course, outline, slug, owner, quiz_id in courses:
            languages = list(course.titles)
            for language in languages[1:] if translations else languages[:1]:
                if language in indexes:
                    by_language.setdefault(language, []).append(
                        _course_node(course, language, outline, slug=slug, owner=owner, quiz_id=quiz_id)
                    )
        for language, nodes in by_language.items():
            count += pages_create(indexes[language], nodes)
    for course, *_rest in courses:
        course_sync(course.pk)
    return count


def course_slug(title_en: str) -> str:
    return slugify(title_en)[:70].strip("-") or "course"


def outlines_read(course_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """Each course's activities that count toward completion, in order: (id, kind)."""
    outlines: dict[int, list[tuple[int, str]]] = {pk: [] for pk in course_ids}
    for course_id, pk, kind in (
        Activity.objects.filter(course_id__in=course_ids, is_active=True, required=True)
        .order_by("course_id", "position")
        .values_list("course_id", "pk", "kind")
    ):
        outlines[course_id].append((pk, kind))
    return outlines
