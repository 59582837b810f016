"""Scale courses and enrollments: a few hundred courses in English, Russian and Arabic (one to three languages each)
with ICT CFT competencies and trainers, their Wagtail pages in the catalogue (``course_pages``), a final quiz in
most of them (``quizzes``), and each teacher's enrollments with realistic progress: most in her own language,
popular courses more often, completion taking days to months.

Progress is recorded as the services record it: an ``ActivityProgress`` row per step done, in the outline's order;
a completed enrollment has every step done (its quiz passed), one still active has done some of them, and
``last_activity`` is where she is. Enrollments copy the learner's country and region, as ``lms.courses.services``
does.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from django.conf import settings

from core.text import fold
from demo.builders.courses import SUBJECTS
from lms.competencies.models import Competency
from lms.courses.models import ActivityProgress, Course, Enrollment, Subject

from . import course_pages, quizzes
from .accounts import Teacher
from .bulk import ids_reserve, rows_load
from .common import DAY, Timeline, Weighted, at, scale_uuid

COURSES_MAX = 300
TEACHERS_PER_COURSE = 3_000
SAMPLE_EVERY = 100  # every hundredth teacher is a sample account (``sample_accounts``)

# (subject, ICT CFT cells, title in en / ru / ar)
TOPICS = [
    (
        "digital-literacy",
        [(4, 1)],
        ("Digital tools for every lesson", "Цифровые инструменты на каждом уроке", "أدوات رقمية لكل درس"),
    ),
    (
        "digital-literacy",
        [(1, 1)],
        ("ICT in education policy", "ИКТ в образовательной политике", "تكنولوجيا المعلومات في السياسات التعليمية"),
    ),
    (
        "digital-literacy",
        [(4, 1), (3, 1)],
        ("Teaching with one device", "Урок с одним устройством", "التدريس بجهاز واحد"),
    ),
    (
        "digital-literacy",
        [(4, 2)],
        ("Online safety for teachers", "Безопасность в интернете для учителей", "الأمان على الإنترنت للمعلمين"),
    ),
    (
        "digital-literacy",
        [(6, 1)],
        ("Open educational resources", "Открытые образовательные ресурсы", "الموارد التعليمية المفتوحة"),
    ),
    ("digital-literacy", [(3, 2), (4, 2)], ("Blended learning", "Смешанное обучение", "التعلم المدمج")),
    (
        "digital-literacy",
        [(2, 2)],
        (
            "Formative assessment with online quizzes",
            "Формирующее оценивание с онлайн-опросами",
            "التقييم التكويني بالاختبارات الإلكترونية",
        ),
    ),
    (
        "digital-literacy",
        [(5, 1)],
        ("Managing a digital classroom", "Управление цифровым классом", "إدارة الفصل الرقمي"),
    ),
    (
        "digital-literacy",
        [(6, 2)],
        (
            "Professional learning communities online",
            "Профессиональные сообщества учителей онлайн",
            "مجتمعات التعلم المهني عبر الإنترنت",
        ),
    ),
    (
        "digital-literacy",
        [(3, 3), (4, 3)],
        ("Project-based learning with ICT", "Проектное обучение с ИКТ", "التعلم القائم على المشاريع بالتكنولوجيا"),
    ),
    ("digital-literacy", [(4, 2)], ("Video in the classroom", "Видео на уроке", "الفيديو في الفصل")),
    (
        "digital-literacy",
        [(5, 2)],
        (
            "School data and digital records",
            "Школьные данные и электронный журнал",
            "البيانات المدرسية والسجلات الرقمية",
        ),
    ),
    ("mathematics", [(2, 2), (4, 2)], ("Dynamic geometry", "Динамическая геометрия", "الهندسة الديناميكية")),
    (
        "mathematics",
        [(3, 2)],
        ("Spreadsheets in mathematics", "Электронные таблицы на уроках математики", "الجداول الإلكترونية في الرياضيات"),
    ),
    (
        "mathematics",
        [(2, 1)],
        ("Mathematics games online", "Математические онлайн-игры", "ألعاب الرياضيات عبر الإنترنت"),
    ),
    (
        "mathematics",
        [(3, 3)],
        (
            "Coding and algorithms for mathematics teachers",
            "Программирование и алгоритмы для учителей математики",
            "البرمجة والخوارزميات لمعلمي الرياضيات",
        ),
    ),
    ("science", [(3, 2), (4, 2)], ("Simulations in science", "Виртуальные лаборатории", "المحاكاة في العلوم")),
    (
        "science",
        [(2, 2)],
        (
            "Data and graphs in science lessons",
            "Данные и графики на уроках естествознания",
            "البيانات والرسوم البيانية في دروس العلوم",
        ),
    ),
    (
        "science",
        [(3, 1)],
        (
            "Inquiry-based science with digital tools",
            "Исследовательский подход и цифровые инструменты",
            "العلوم القائمة على الاستقصاء بالأدوات الرقمية",
        ),
    ),
    (
        "inclusive-education",
        [(3, 2), (5, 2)],
        ("Accessible materials", "Доступные учебные материалы", "المواد التعليمية الميسرة"),
    ),
    (
        "inclusive-education",
        [(3, 2), (6, 2)],
        ("Universal design for learning", "Универсальный дизайн обучения", "التصميم الشامل للتعلم"),
    ),
    (
        "inclusive-education",
        [(4, 1)],
        (
            "Assistive technology in the classroom",
            "Вспомогательные технологии в классе",
            "التكنولوجيا المساعدة في الفصل",
        ),
    ),
    (
        "inclusive-education",
        [(5, 1), (3, 1)],
        ("Working with families online", "Работа с семьями онлайн", "العمل مع الأسر عبر الإنترنت"),
    ),
    (
        None,
        [(6, 1), (6, 2)],
        ("Planning your professional growth", "Планирование профессионального роста", "تخطيط النمو المهني"),
    ),
]
VARIANTS = [
    ("{topic}", "{topic}", "{topic}"),
    ("{topic}: first steps", "{topic}: первые шаги", "{topic}: الخطوات الأولى"),
    ("{topic} in primary school", "{topic} в начальной школе", "{topic} في المرحلة الابتدائية"),
    ("{topic} in practice", "{topic} на практике", "{topic} في الممارسة"),
    ("{topic}: advanced", "{topic}: продвинутый уровень", "{topic}: المستوى المتقدم"),
    ("{topic} for secondary teachers", "{topic} для учителей средней школы", "{topic} لمعلمي المرحلة الثانوية"),
]
LANGUAGE_SETS = Weighted(
    [("en",), ("ru",), ("ar",), ("en", "ru"), ("en", "ar"), ("ru", "en"), ("ar", "en"), ("en", "ru", "ar")],
    [0.2, 0.25, 0.22, 0.08, 0.08, 0.05, 0.05, 0.07],
)
MODES = Weighted(list(Course.EnrollmentMode.values), [0.8, 0.1, 0.07, 0.03])
FORMATS = Weighted(list(Course.Format.values), [0.7, 0.2, 0.1])
HOURS = [2, 4, 6, 8, 10, 12, 16, 20, 24, 36]
SOURCES = Weighted(["self", "trainer", "bulk"], [0.9, 0.05, 0.05])

ENROLLMENT_COLUMNS = (
    "id", "user_id", "course_id", "status", "source", "cohort_id", "enrolled_by_id", "created_at", "updated_at",
    "completed_at", "last_activity_id", "last_accessed_at", "country_id", "region_id",
)  # fmt: skip


PROGRESS_COLUMNS = ("enrollment_id", "activity_id", "completed_at")


@dataclass
class CourseInfo:
    course: Course
    published: float
    trainer: int
    topic: tuple[str, str, str]
    slug: str
    activities: list[int] = field(default_factory=list)  # the steps that count toward completion, in order
    quiz: quizzes.QuizInfo | None = None  # its quiz is the last step
    learning: int = 0  # enrollments active or completed: the course's enrolled_count


@dataclass
class Catalogue:
    courses: list[CourseInfo]
    by_language: dict[str, Weighted]  # courses taught in a language, by popularity
    everything: Weighted
    samples: dict[str, CourseInfo] = field(default_factory=dict)  # by language ("" any): sample accounts' course
    pages: int = 0
    questions: int = 0


@dataclass
class Completion:
    teacher: Teacher
    course: CourseInfo
    completed_at: float


def catalogue_build(
    rng: random.Random, quiz_rng: random.Random, timeline: Timeline, *, teachers: int, trainers: list[int]
) -> Catalogue:
    """About one course per ``TEACHERS_PER_COURSE`` teachers (12 to ``COURSES_MAX``), a third of them there at
    the launch and the others published since, with their question bank, quizzes, pages and outlines."""
    for slug, names in SUBJECTS.items():
        Subject.objects.get_or_create(slug=slug, defaults={"names": names})
    subjects = dict(Subject.objects.filter(slug__in=SUBJECTS).values_list("slug", "pk"))
    cells = {(cell.aspect, cell.level): cell.pk for cell in Competency.objects.all()}
    count = min(COURSES_MAX, max(12, teachers // TEACHERS_PER_COURSE))
    courses, infos, competencies, course_trainers = [], [], [], []
    for number in range(count):
        subject, topic_cells, topic = TOPICS[number % len(TOPICS)]
        variant = VARIANTS[number // len(TOPICS) % len(VARIANTS)]
        edition = number // (len(TOPICS) * len(VARIANTS))
        languages = LANGUAGE_SETS.draw(rng)
        titles = {}
        for language in languages:
            position = ("en", "ru", "ar").index(language)
            title = variant[position].format(topic=topic[position])
            titles[language] = f"{title} ({edition + 1})" if edition else title
        created = timeline.launch - rng.random() * 20 * DAY
        if rng.random() > 0.35:
            created = timeline.launch + rng.random() * (timeline.until - timeline.launch - 30 * DAY)
        published = created + (1 + rng.random() * 13) * DAY
        mode = MODES.draw(rng)
        validity = rng.choice([24, 36]) if rng.random() < 0.15 else None
        course = Course(
            uuid=scale_uuid(rng),
            title=titles[languages[0]],
            enrollment_mode=mode,
            enrollment_key=f"key-{rng.randrange(10**6):06d}" if mode == Course.EnrollmentMode.KEY else "",
            certificate_enabled=rng.random() < 0.88,
            certificate_validity_months=validity,
            estimated_hours=rng.choice(HOURS),
            format=FORMATS.draw(rng),
            subject_id=subjects.get(subject),
            titles=titles,
            languages=",{},".format(",".join(code for code, _name in settings.LANGUAGES if code in titles)),
            search_text=fold(" ".join(titles.values())),
            created_at=at(created),
            published_at=at(published),
        )
        courses.append(course)
        trainer = rng.choice(trainers)
        slug = course_pages.course_slug(variant[0].format(topic=topic[0]) + (f" {edition + 1}" if edition else ""))
        infos.append(CourseInfo(course=course, published=published, trainer=trainer, topic=topic, slug=slug))
        competencies.append([cells[cell] for cell in topic_cells])
        course_trainers.append({trainer, rng.choice(trainers)} if rng.random() < 0.3 else {trainer})
    Course.objects.bulk_create(courses)
    Course.competencies.through.objects.bulk_create(
        Course.competencies.through(course_id=course.pk, competency_id=cell)
        for course, course_cells in zip(courses, competencies, strict=True)
        for cell in course_cells
    )
    Course.trainers.through.objects.bulk_create(
        Course.trainers.through(course_id=course.pk, user_id=user)
        for course, users in zip(courses, course_trainers, strict=True)
        for user in sorted(users)
    )
    bank = quizzes.bank_build([topic for _subject, _cells, topic in TOPICS], owner=trainers[0])
    quiz_infos = quizzes.quizzes_build(quiz_rng, [(info.course, info.topic[0], info.trainer) for info in infos], bank)
    specs = []
    for info in infos:
        quiz = quiz_infos.get(info.course.pk)
        info.quiz = quiz
        outline = course_pages.outline_draw(rng, has_quiz=quiz is not None)
        specs.append((info.course, outline, info.slug, info.trainer, quiz.quiz.pk if quiz else None))
    pages = course_pages.course_pages_build(specs)
    outlines = course_pages.outlines_read([info.course.pk for info in infos])
    for info in infos:
        info.activities = [pk for pk, _kind in outlines[info.course.pk]]
        if info.quiz is not None and outlines[info.course.pk][-1][1] != "quiz":
            raise RuntimeError(f"The quiz of {info.course.title!r} is not the last step of its outline")
    popularity = {info.course.pk: 1 / (rank + 3) ** 0.9 for rank, info in enumerate(rng.sample(infos, len(infos)))}
    by_language = {}
    for language, _name in settings.LANGUAGES:
        taught = [info for info in infos if language in info.course.titles]
        if taught:
            by_language[language] = Weighted(taught, [popularity[info.course.pk] for info in taught])
    samples = {}
    for info in sorted(infos, key=lambda info: info.published):
        if info.quiz is not None:
            for language in ("", *info.course.titles):
                samples.setdefault(language, info)
    return Catalogue(
        courses=infos,
        by_language=by_language,
        everything=Weighted(infos, [popularity[info.course.pk] for info in infos]),
        samples=samples,
        pages=pages,
        questions=bank.questions,
    )


def enrollments_load(
    rng: random.Random, timeline: Timeline, catalogue: Catalogue, teachers: list[Teacher], *, average: float, done
) -> tuple[dict[str, int], list[Completion]]:
    """The teachers' enrollments with their progress and quiz attempts (``done``: a ``quizzes.Attempts`` for this
    batch); returns the rows made by table, and the completions of courses that give a certificate."""
    completions: list[Completion] = []
    enrollments: list[tuple] = []
    progress: list[tuple] = []
    for teacher in teachers:
        for row, steps in _teacher_enrollments(rng, timeline, catalogue, teacher, average, completions, done):
            place = len(enrollments)
            enrollments.append(row)
            progress.extend((place, activity, moment) for activity, moment in steps)
    first = ids_reserve(Enrollment, len(enrollments))
    counts = {
        "enrollments": rows_load(
            Enrollment, ENROLLMENT_COLUMNS, ((first + i, *row) for i, row in enumerate(enrollments))
        )
    }
    counts["progress"] = rows_load(
        ActivityProgress,
        PROGRESS_COLUMNS,
        ((first + place, activity, at(moment)) for place, activity, moment in progress),
    )
    counts["quiz attempts"], counts["answers"] = done.load()
    return counts, completions


def _teacher_enrollments(rng, timeline, catalogue, teacher, average, completions, done):
    until = timeline.until
    if rng.random() < 0.1 and teacher.number % SAMPLE_EVERY:  # signed up and never enrolled
        return
    wanted = min(len(catalogue.courses), 1 + int(rng.expovariate(1 / max(average / 0.9 - 0.5, 0.01))))
    own = catalogue.by_language.get(teacher.language, catalogue.everything)
    taken = set()
    if teacher.number % SAMPLE_EVERY == 0:
        # A sample account for load benchmarks (``sample_accounts``): learning a course with a quiz in her language.
        info = catalogue.samples.get(teacher.language) or catalogue.samples.get("")
        start = max(teacher.joined, info.published) if info else until
        if start < until - DAY:
            taken.add(info.course.pk)
            created = start + (until - start) * rng.random() ** 2
            yield _enrollment(rng, until, info, teacher, created, completions, done, sample=True)
    for _attempt in range(wanted * 3):
        if len(taken) >= wanted:
            break
        info = (own if rng.random() < 0.85 else catalogue.everything).draw(rng)
        start = max(teacher.joined, info.published)
        if info.course.pk in taken or start > until - DAY:
            continue
        taken.add(info.course.pk)
        created = start + (until - start) * rng.random() ** 2
        yield _enrollment(rng, until, info, teacher, created, completions, done)


def _enrollment(rng, until, info, teacher, created, completions, done, *, sample=False):
    """One enrollment row (without its id) and the steps she has done: (activity, when)."""
    course = info.course
    mode = course.enrollment_mode
    source = SOURCES.draw(rng) if mode != Course.EnrollmentMode.CLOSED else rng.choice(["trainer", "bulk"])
    if sample:
        source = "trainer"
    enrolled_by = info.trainer if source != "self" else None
    age = (until - created) / DAY
    completed = accessed = activity = None
    updated = created
    steps: list[tuple[int, float]] = []
    activities = info.activities
    language = teacher.language if teacher.language in course.titles else next(iter(course.titles))
    if not sample and mode == Course.EnrollmentMode.APPROVAL and source == "self" and (age < 5 or rng.random() < 0.05):
        status = "pending" if age < 5 and rng.random() < 0.5 else "rejected"
        if status == "rejected":
            updated = created + min(age, 3) * rng.random() * DAY
    else:
        duration = math.exp(rng.gauss(math.log(20), 0.8)) * DAY
        if not sample and rng.random() < 0.45 and created + duration < until:
            status, completed = "completed", created + duration
            accessed, activity, updated = completed, activities[-1], completed
            steps = _steps(rng, activities, created, completed, len(activities))
            if info.quiz is not None:
                before = steps[-2][1] if len(steps) > 1 else created
                done.sit(
                    info.quiz,
                    teacher.id,
                    language,
                    finished=quizzes.attempt_moments(rng, before, completed, passed=True),
                )
        elif not sample and rng.random() < 0.08:
            status = "withdrawn"
            updated = created + (until - created) * rng.random() * 0.5
            steps = _steps(rng, activities, created, updated, rng.randrange(len(activities) // 2 + 1))
        else:
            status = "active"
            if rng.random() < 0.85 and not sample:
                accessed = created + (until - created) * rng.random()
                count = rng.randrange(len(activities))  # not all: she has not completed the course
                steps = _steps(rng, activities, created, accessed, count)
                activity = activities[count]
                updated = accessed
                if info.quiz is not None and count == len(activities) - 1 and rng.random() < 0.6:
                    before = steps[-1][1] if steps else created
                    done.sit(
                        info.quiz,
                        teacher.id,
                        language,
                        finished=quizzes.attempt_moments(rng, before, accessed, passed=False),
                    )
    if status in ("active", "completed"):
        info.learning += 1
    if completed is not None and course.certificate_enabled:
        completions.append(Completion(teacher, info, completed))
    row = (
        teacher.id, course.pk, status, source, None, enrolled_by, at(created), at(updated),
        None if completed is None else at(completed), activity, None if accessed is None else at(accessed),
        teacher.country_id, teacher.region_id,
    )  # fmt: skip
    return row, steps


def _steps(rng, activities, start, end, count) -> list[tuple[int, float]]:
    """The first ``count`` steps, done between ``start`` and ``end`` in order (the last of all of them at ``end``)."""
    if not count:
        return []
    moments = sorted(start + (end - start) * rng.random() for _ in range(count))
    if count == len(activities):
        moments[-1] = end
    return list(zip(activities[:count], moments, strict=True))


def enrolled_counts_save(catalogue: Catalogue) -> None:
    """``Course.enrolled_count`` as the services keep it: the enrollments that are, or were until completed,
    active."""
    for info in catalogue.courses:
        info.course.enrolled_count = info.learning
    Course.objects.bulk_update([info.course for info in catalogue.courses], ["enrolled_count"])
