"""Scale library and news: open educational resources (one per ``TEACHERS_PER_RESOURCE`` teachers, 60 to
``RESOURCES_MAX``) of every type and licence, in one to three languages, classified by subject, ICT CFT level and
competencies, each a page under the library of each of its languages, linking to where the resource lives; and news
items over the platform's history under each language's news index, most of them translated.

The pages go in by ``pages.pages_create``. A news index is created (as seed_scale's, deleted by ``--reset``) only
where no locale has one yet.
"""

from __future__ import annotations

import html
import random
import re

from django.utils.text import slugify
from wagtail.models import Locale

from cms.models import HomePage, NewsIndexPage, NewsPage, ResourceIndexPage, ResourcePage
from cms.models.library import Licence, ResourceType, join_language_codes
from core.text import fold
from lms.competencies.models import Competency
from lms.courses.models import Subject

from .common import DAY, Timeline, Weighted, at, scale_uuid
from .courses import TOPICS
from .pages import Node, pages_create

TEACHERS_PER_RESOURCE = 250
RESOURCES_MAX = 3_000
NEWS_PER_MONTH = 4
LANGUAGES = ("en", "ru", "ar")
LANGUAGE_SETS = Weighted(
    [("en",), ("ru",), ("ar",), ("en", "ru"), ("en", "ar"), ("ar", "en"), ("en", "ru", "ar")],
    [0.3, 0.2, 0.2, 0.08, 0.08, 0.06, 0.08],
)
TYPES = Weighted(list(ResourceType.values), [0.35, 0.2, 0.25, 0.1, 0.1])
LICENCES = Weighted(list(Licence.values), [0.4, 0.25, 0.12, 0.1, 0.04, 0.06, 0.03])
TYPE_WORDS = {
    "lesson_plan": ("Lesson plan", "План урока", "خطة درس"),
    "video": ("Video", "Видео", "فيديو"),
    "document": ("Guide", "Методичка", "دليل"),
    "tool": ("Tool", "Инструмент", "أداة"),
    "simulation": ("Simulation", "Симуляция", "محاكاة"),
}
GRADES = (
    ("grades 1–4", "1–4 классы", "الصفوف 1–4"),
    ("grades 5–9", "5–9 классы", "الصفوف 5–9"),
    (
        "grades 10–11",
        "10–11 классы",
        "الصفوف 10–11",
    ),
)
SUMMARY = (
    "{kind} for {grades}: {topic}. Ready to use in class and free to adapt under its licence.",
    "{kind} для {grades}: {topic}. Можно сразу использовать на уроке и адаптировать по лицензии.",
    "{kind} لـ{grades}: {topic}. جاهز للاستخدام في الفصل ويمكن تكييفه وفق ترخيصه.",
)
BODY = (
    "<p>Prepared and tried by teachers. It takes one lesson of about 45 minutes.</p><ul><li>What learners do</li>"
    "<li>What you need</li><li>How to check understanding</li></ul>",
    "<p>Подготовлено и проверено учителями. Рассчитано на один урок около 45 минут.</p><ul><li>Что делают ученики"
    "</li><li>Что понадобится</li><li>Как проверить понимание</li></ul>",
    "<p>أعدّه معلمون وجرّبوه. يستغرق درسًا واحدًا مدته نحو 45 دقيقة.</p><ul><li>ما يفعله المتعلمون</li><li>ما "
    "تحتاجه</li><li>كيف تتحقق من الفهم</li></ul>",
)
AUTHORS = [
    "Teachers' Network of Giza",
    "Kazan Federal University, Institute of Education",
    "Sfax Regional Pedagogical Centre",
    "Kenya Institute of Curriculum Development (example)",
    "Almaty Teachers' Open Lab",
    "UNESCO ICT CFT community (example)",
    "Moscow Methodological Centre",
    "Open School Resources Initiative",
]
NEWS = [
    (
        ("New courses in {month}", "Новые курсы в {month}", "دورات جديدة في {month}"),
        (
            "<p>Trainers published new courses this month. Open the catalogue to find them.</p>",
            "<p>Тренеры опубликовали новые курсы. Откройте каталог, чтобы их найти.</p>",
            "<p>نشر المدربون دورات جديدة هذا الشهر. افتح الكتالوج للعثور عليها.</p>",
        ),
    ),
    (
        ("Webinars this month: {month}", "Вебинары месяца: {month}", "ندوات هذا الشهر: {month}"),
        (
            "<p>Register for the live webinars and workshops of the month in your language.</p>",
            "<p>Зарегистрируйтесь на вебинары и семинары месяца на вашем языке.</p>",
            "<p>سجّل في الندوات وورش العمل المباشرة لهذا الشهر بلغتك.</p>",
        ),
    ),
    (
        ("Library update, {month}", "Обновление библиотеки, {month}", "تحديث المكتبة، {month}"),
        (
            "<p>Teachers shared new lesson plans, videos and tools in the library.</p>",
            "<p>Учителя поделились в библиотеке новыми планами уроков, видео и инструментами.</p>",
            "<p>شارك المعلمون خطط دروس ومقاطع فيديو وأدوات جديدة في المكتبة.</p>",
        ),
    ),
    (
        ("Certificates issued in {month}", "Сертификаты за {month}", "الشهادات الصادرة في {month}"),
        (
            "<p>Congratulations to the teachers who completed their courses this month.</p>",
            "<p>Поздравляем учителей, завершивших курсы в этом месяце.</p>",
            "<p>تهانينا للمعلمين الذين أكملوا دوراتهم هذا الشهر.</p>",
        ),
    ),
]
NEWS_INDEX_TITLES = ("News", "Новости", "الأخبار")
_TAG = re.compile(r"<[^>]*>")


def _locales() -> dict[str, int]:
    return dict(Locale.objects.values_list("language_code", "pk"))


def resources_build(rng: random.Random, timeline: Timeline, *, teachers: int, trainers: list[int]) -> int:
    """The library's resources; returns the number of pages."""
    count = min(RESOURCES_MAX, max(60, teachers // TEACHERS_PER_RESOURCE))
    indexes = {page.locale.language_code: page for page in ResourceIndexPage.objects.select_related("locale")}
    locales = _locales()
    subjects = dict(Subject.objects.values_list("slug", "pk"))
    cells = {(cell.aspect, cell.level): cell.pk for cell in Competency.objects.all()}
    sources: dict[str, list[Node]] = {}
    translations: dict[str, list[Node]] = {}
    tags = []  # (page, competency ids)
    for number in range(count):
        subject, topic_cells, topic = TOPICS[number % len(TOPICS)]
        kind = TYPES.draw(rng)
        licence = LICENCES.draw(rng)
        languages = LANGUAGE_SETS.draw(rng)
        grades = rng.choice(GRADES)
        level = rng.choice([1, 1, 2, 2, 3, None])
        author = rng.choice(AUTHORS)
        published = timeline.launch + rng.random() * (timeline.until - timeline.launch - DAY)
        key = scale_uuid(rng)
        slug = slugify(f"{TYPE_WORDS[kind][0]} {topic[0]} {number + 1}")
        for position, language in enumerate(languages):
            if language not in indexes:
                continue
            index = LANGUAGES.index(language)
            title = f"{TYPE_WORDS[kind][index]}: {topic[index]} ({grades[index]})"
            summary = SUMMARY[index].format(kind=TYPE_WORDS[kind][index], grades=grades[index], topic=topic[index])
            body = BODY[index]
            page = ResourcePage(
                title=title,
                slug=slug,
                translation_key=key,
                locale_id=locales[language],
                owner_id=rng.choice(trainers),
                first_published_at=at(published),
                summary=summary,
                body=body,
                resource_type=kind,
                licence=licence,
                attribution=author,
                languages=join_language_codes(languages),
                level=level,
                subject_id=subjects.get(subject),
                link=f"https://oer.example.org/{slug}",
                search_text=fold(" ".join([title, summary, html.unescape(_TAG.sub(" ", body)), author])),
            )
            (translations if position else sources).setdefault(language, []).append(Node(page))
            tags.append((page, [cells[cell] for cell in topic_cells if cell in cells]))
    pages = 0
    for batch in (sources, translations):
        for language, nodes in batch.items():
            pages += pages_create(indexes[language], nodes)
    through = ResourcePage.ict_cft_tags.through
    through.objects.bulk_create(
        through(resourcepage_id=page.pk, competency_id=cell) for page, page_cells in tags for cell in page_cells
    )
    return pages


def news_build(rng: random.Random, timeline: Timeline) -> int:
    """``NEWS_PER_MONTH`` news items a month since the launch, in English, most also in Russian and Arabic."""
    locales = _locales()
    indexes = {page.locale.language_code: page for page in NewsIndexPage.objects.select_related("locale")}
    if not indexes:
        key = scale_uuid(rng)
        for home in HomePage.objects.filter(depth=2).select_related("locale"):
            language = home.locale.language_code
            if language in LANGUAGES:
                title = NEWS_INDEX_TITLES[LANGUAGES.index(language)]
                page = NewsIndexPage(title=title, slug="news", translation_key=key, locale_id=locales[language])
                pages_create(home, [Node(page)])
                indexes[language] = page
    months = int((timeline.until - timeline.launch) / (30 * DAY))
    nodes: dict[str, list[Node]] = {}
    for month in range(months):
        for item in range(NEWS_PER_MONTH):
            moment = timeline.launch + (month + (item + rng.random()) / NEWS_PER_MONTH) * 30 * DAY
            day = at(moment).date()
            titles, bodies = NEWS[item % len(NEWS)]
            key = scale_uuid(rng)
            languages = ["en"] + [language for language in ("ru", "ar") if rng.random() < 0.8]
            for language in languages:
                if language not in indexes:
                    continue
                index = LANGUAGES.index(language)
                title = titles[index].format(month=day.strftime("%m/%Y"))
                nodes.setdefault(language, []).append(
                    Node(
                        NewsPage(
                            title=title,
                            slug=f"{slugify(titles[0].format(month=day.strftime('%Y-%m')))}-{item + 1}",
                            translation_key=key,
                            locale_id=locales[language],
                            first_published_at=at(moment),
                            date=day,
                            summary=_TAG.sub("", bodies[index]),
                            body=bodies[index],
                        )
                    )
                )
    return sum(pages_create(indexes[language], items) for language, items in nodes.items())
