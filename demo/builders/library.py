"""Demo OER library: 20 resources of every type and licence, in English, a few translated into Russian and
Arabic, tagged with ICT CFT levels, competencies and subjects. The resources and their authors are made up
for the demo."""

from __future__ import annotations

from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Collection, Locale

from cms.models import ResourceIndexPage, ResourcePage
from cms.models.library import Licence, ResourceType, join_language_codes
from lms.competencies.models import Competency
from lms.courses.models import Subject

SUBJECTS = {
    "digital-literacy": {"en": "Digital literacy", "ru": "Цифровая грамотность", "ar": "المهارات الرقمية"},
    "mathematics": {"en": "Mathematics", "ru": "Математика", "ar": "الرياضيات"},
    "science": {"en": "Science", "ru": "Естественные науки", "ar": "العلوم"},
    "inclusive-education": {"en": "Inclusive education", "ru": "Инклюзивное образование", "ar": "التعليم الدامج"},
}
INTRO = {
    "en": "<p>Open educational resources that teachers can use, adapt and share: lesson plans, videos, "
    "documents, tools and simulations, each with its licence.</p>",
    "ru": "<p>Открытые образовательные ресурсы, которые учителя могут использовать, адаптировать и распространять: "
    "планы уроков, видео, документы, инструменты и симуляции — каждый со своей лицензией.</p>",
    "ar": "<p>موارد تعليمية مفتوحة يمكن للمعلمين استخدامها وتكييفها ومشاركتها: خطط دروس ومقاطع فيديو ووثائق "
    "وأدوات ومحاكاة، لكل منها ترخيصها.</p>",
}
T, L = ResourceType, Licence
# slug, type, licence, languages, level, subject, ICT CFT cells, attribution, file name (or None for a link),
# {language: (title, summary)}
RESOURCES = [
    (
        "fractions-paper-strips",
        T.LESSON_PLAN,
        L.CC_BY,
        ["en", "ar"],
        1,
        "mathematics",
        [(3, 1)],
        "Nadia Karimova, Giza Teacher Training Centre",
        "fractions-paper-strips.pdf",
        {
            "en": (
                "Fractions with paper strips",
                "A 45-minute lesson plan for grade 4: folding, comparing and naming fractions.",
            ),
            "ar": ("الكسور بشرائط الورق", "خطة درس مدتها 45 دقيقة للصف الرابع: طي الكسور ومقارنتها وتسميتها."),
        },
    ),
    (
        "classroom-management-online",
        T.DOCUMENT,
        L.CC_BY_SA,
        ["en", "ar"],
        2,
        "digital-literacy",
        [(5, 2)],
        "Example Teachers' Network",
        None,
        {
            "en": (
                "Managing an online classroom",
                "A practical guide to routines, groups and attention in video lessons.",
            ),
            "ar": ("إدارة الفصل الدراسي عبر الإنترنت", "دليل عملي للروتين والمجموعات والانتباه في الدروس المرئية."),
        },
    ),
    (
        "forces-and-motion",
        T.SIMULATION,
        L.CC_BY,
        ["en", "ru", "ar"],
        2,
        "science",
        [(3, 2), (4, 2)],
        "Open Science Simulations Project",
        None,
        {
            "en": (
                "Forces and motion simulation",
                "Push objects, add friction and watch speed change in an interactive simulation.",
            ),
            "ru": (
                "Симуляция: силы и движение",
                "Толкайте предметы, добавляйте трение и наблюдайте, как меняется скорость.",
            ),
            "ar": ("محاكاة القوى والحركة", "ادفع الأجسام وأضف الاحتكاك وشاهد تغير السرعة في محاكاة تفاعلية."),
        },
    ),
    (
        "safe-internet-video",
        T.VIDEO,
        L.CC_BY_NC,
        ["en", "ru"],
        1,
        "digital-literacy",
        [(6, 1)],
        "Digital Citizenship Collective",
        None,
        {
            "en": (
                "Staying safe online (video)",
                "A 6-minute video for secondary pupils about passwords, privacy and scams.",
            ),
            "ru": (
                "Безопасность в интернете (видео)",
                "Шестиминутное видео для старшеклассников о паролях, приватности и мошенничестве.",
            ),
        },
    ),
    (
        "fir-tree-geometry",
        T.LESSON_PLAN,
        L.CC_BY_NC_SA,
        ["ru"],
        1,
        "mathematics",
        [(3, 1)],
        "Ольга Петрова, школа № 5, Бишкек",
        "fir-tree-geometry.pdf",
        {
            "en": ("Geometry of a fir tree", "Triangles, symmetry and scale with a winter fir tree: a lesson plan."),
            "ru": ("Геометрия новогодней ёлки", "Треугольники, симметрия и масштаб на примере ёлки: план урока."),
        },
    ),
    (
        "spreadsheet-grades",
        T.TOOL,
        L.CC0,
        ["en"],
        1,
        "digital-literacy",
        [(4, 1)],
        "Maktaba demo team",
        "gradebook-template.xlsx",
        {
            "en": (
                "Gradebook spreadsheet template",
                "A ready-made spreadsheet that averages marks and flags pupils who need support.",
            )
        },
    ),
    (
        "inclusive-reading",
        T.DOCUMENT,
        L.CC_BY,
        ["en", "ru", "ar"],
        2,
        "inclusive-education",
        [(3, 2)],
        "Inclusive Schools Initiative",
        None,
        {
            "en": (
                "Reading activities for every learner",
                "Ten reading activities adapted for pupils with visual or learning difficulties.",
            ),
            "ru": (
                "Чтение для каждого ученика",
                "Десять заданий по чтению, адаптированных для детей с нарушениями зрения или трудностями в обучении.",
            ),
        },
    ),
    (
        "pendulum-lab",
        T.SIMULATION,
        L.CC_BY_SA,
        ["en"],
        3,
        "science",
        [(2, 3), (3, 3)],
        "Open Science Simulations Project",
        None,
        {"en": ("Pendulum lab", "Design experiments with pendulums and discover what changes their period.")},
    ),
    (
        "policy-brief-ict",
        T.DOCUMENT,
        L.PUBLIC_DOMAIN,
        ["en"],
        1,
        None,
        [(1, 1)],
        "Ministry of Education (demo)",
        None,
        {
            "en": (
                "ICT in education policy: a one-page brief",
                "What the national policy expects from teachers, in plain language.",
            )
        },
    ),
    (
        "collaborative-projects",
        T.LESSON_PLAN,
        L.CC_BY,
        ["en", "ar"],
        2,
        "digital-literacy",
        [(5, 2), (6, 2)],
        "Amina Hassan, Al-Nasr Primary School",
        None,
        {
            "en": (
                "Collaborative projects with shared documents",
                "Pupils plan, write and review a class newspaper together in shared documents.",
            ),
            "ar": ("مشاريع تعاونية بالمستندات المشتركة", "يخطط التلاميذ لصحيفة الفصل ويكتبونها ويراجعونها معًا."),
        },
    ),
    (
        "formative-quiz-tool",
        T.TOOL,
        L.CC_BY_SA,
        ["en", "ru"],
        2,
        None,
        [(2, 2), (4, 2)],
        "Open Assessment Tools",
        None,
        {"en": ("Quick formative quizzes", "A free web tool for two-minute quizzes at the end of a lesson.")},
    ),
    (
        "fractions-video",
        T.VIDEO,
        L.CC_BY,
        ["ar"],
        1,
        "mathematics",
        [(3, 1)],
        "قناة الرياضيات المفتوحة",
        None,
        {
            "en": (
                "Fractions explained (Arabic video)",
                "A short Arabic video that introduces fractions with everyday objects.",
            )
        },
    ),
    (
        "teacher-innovation-guide",
        T.DOCUMENT,
        L.CC_BY_ND,
        ["en"],
        3,
        None,
        [(6, 3)],
        "Teacher Innovation Lab",
        "teacher-innovation-guide.pdf",
        {
            "en": (
                "Teachers as innovators",
                "Case studies of teachers who designed their own digital learning materials.",
            )
        },
    ),
    (
        "photosynthesis-plan",
        T.LESSON_PLAN,
        L.CC_BY_NC,
        ["en"],
        1,
        "science",
        [(3, 1)],
        "Example Teachers' Network",
        None,
        {
            "en": (
                "Photosynthesis in three experiments",
                "A lesson plan with simple experiments and a digital microscope.",
            )
        },
    ),
    (
        "accessible-slides",
        T.DOCUMENT,
        L.CC0,
        ["en", "ru"],
        1,
        "inclusive-education",
        [(4, 1)],
        "Maktaba demo team",
        None,
        {
            "en": (
                "Making accessible slides",
                "A checklist for slides everyone can read: contrast, fonts, alternative text.",
            )
        },
    ),
    (
        "graphing-calculator",
        T.TOOL,
        L.PUBLIC_DOMAIN,
        ["en", "ru", "ar"],
        2,
        "mathematics",
        [(4, 2)],
        "Open Maths Tools",
        None,
        {"en": ("Online graphing calculator", "Plot functions, add sliders and share graphs with your class.")},
    ),
    (
        "school-ict-plan",
        T.DOCUMENT,
        L.CC_BY_SA,
        ["en"],
        3,
        None,
        [(1, 3), (5, 3)],
        "School Leaders' Network",
        None,
        {
            "en": (
                "Writing a school ICT plan",
                "A template and examples for planning digital learning across a whole school.",
            )
        },
    ),
    (
        "chemistry-reactions",
        T.SIMULATION,
        L.CC_BY_NC_SA,
        ["en", "ru"],
        2,
        "science",
        [(3, 2)],
        "Open Science Simulations Project",
        None,
        {"en": ("Balancing chemical equations", "A game-like simulation for balancing equations, with three levels.")},
    ),
    (
        "video-feedback",
        T.VIDEO,
        L.CC_BY_ND,
        ["en"],
        2,
        None,
        [(6, 2)],
        "Teacher Innovation Lab",
        None,
        {"en": ("Giving feedback with short videos", "How and when to record two-minute video feedback for pupils.")},
    ),
    (
        "sign-language-basics",
        T.VIDEO,
        L.CC_BY,
        ["en", "ar"],
        1,
        "inclusive-education",
        [(3, 1)],
        "Inclusive Schools Initiative",
        None,
        {"en": ("Classroom sign language basics", "Twenty everyday classroom signs, filmed with a deaf teacher.")},
    ),
]
# Resources whose description is translated into Russian or Arabic (the others stay in English).
TRANSLATED = {
    "forces-and-motion": ["ru", "ar"],
    "classroom-management-online": ["ar"],
    "fractions-paper-strips": ["ar"],
    "collaborative-projects": ["ar"],
    "safe-internet-video": ["ru"],
    "fir-tree-geometry": ["ru"],
    "inclusive-reading": ["ru"],
}
ATTRIBUTIONS = {"ar": {"Example Teachers' Network": "شبكة المعلمين النموذجية"}}


def _pdf(title: str) -> bytes:
    """A small valid one-page PDF, for demo downloads."""
    text = title.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 18 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += str(number).encode() + b" 0 obj\n" + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 " + str(len(objects) + 1).encode() + b"\n0000000000 65535 f \n"
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size " + str(len(objects) + 1).encode() + b" /Root 1 0 R >>\nstartxref\n"
    return out + str(xref).encode() + b"\n%%EOF\n"


def _xlsx() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/></Types>',
        )
        archive.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
    return buffer.getvalue()


def _document(file_name: str, title: str):
    content = _xlsx() if file_name.endswith(".xlsx") else _pdf(title)
    document = get_document_model()(
        title=title, file=ContentFile(content, name=file_name), collection=Collection.get_first_root_node()
    )
    document._set_document_file_metadata()
    document.save()
    return document


def _publish(page) -> None:
    page.save_revision().publish()


def build() -> list[str]:
    for slug, names in SUBJECTS.items():
        Subject.objects.get_or_create(slug=slug, defaults={"names": names})
    subjects = {subject.slug: subject for subject in Subject.objects.all()}
    cells = {(cell.aspect, cell.level): cell for cell in Competency.objects.all()}
    locales = {locale.language_code: locale for locale in Locale.objects.all()}
    indexes = {page.locale.language_code: page for page in ResourceIndexPage.objects.select_related("locale")}
    for code, index in indexes.items():
        if code in INTRO and index.intro != INTRO[code]:
            index.intro = INTRO[code]
            _publish(index)
    index = indexes["en"]

    for slug, kind, licence, languages, level, subject, tags, attribution, file_name, texts in RESOURCES:
        page = ResourcePage.objects.child_of(index).filter(slug=slug).first()
        if page is None:
            title, summary = texts["en"]
            page = ResourcePage(
                title=title,
                slug=slug,
                summary=summary,
                body=f"<p>{summary}</p>",
                resource_type=kind,
                licence=licence,
                attribution=attribution,
                languages=join_language_codes(languages),
                level=level,
                subject=subjects.get(subject) if subject else None,
                document=_document(file_name, title) if file_name else None,
                link="" if file_name else f"https://oer.example.org/{slug}/",
            )
            page.ict_cft_tags = [cells[cell] for cell in tags]
            index.add_child(instance=page)
            _publish(page)
        for code in TRANSLATED.get(slug, []):
            if code not in texts or code not in locales or page.has_translation(locales[code]):
                continue
            translated = page.copy_for_translation(locales[code])
            translated.title, translated.summary = texts[code]
            translated.body = f"<p>{translated.summary}</p>"
            translated.attribution = ATTRIBUTIONS.get(code, {}).get(attribution, attribution)
            _publish(translated)
    return []
