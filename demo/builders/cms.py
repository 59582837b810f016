from datetime import date

from wagtail.models import Locale

from cms.models import HomePage, NewsIndexPage, NewsPage

INTRO = {
    "en": "<p>Free courses, open resources, webinars and workshops for teachers, with certificates of "
    "digital-pedagogy competency that your ministry recognises.</p>",
    "ru": "<p>Бесплатные курсы, открытые образовательные ресурсы, вебинары и семинары для учителей — "
    "с сертификатами цифровой педагогической компетентности, которые признаёт ваше министерство.</p>",
    "ar": "<p>دورات مجانية وموارد تعليمية مفتوحة وندوات عبر الإنترنت وورش عمل للمعلمين، مع شهادات في كفاءة "
    "التربية الرقمية تعترف بها وزارتكم.</p>",
}
NEWS_INDEX_TITLE = {"en": "News", "ru": "Новости", "ar": "الأخبار"}
NEWS = [
    (
        "launch",
        date(2026, 9, 1),
        {
            "en": ("Maktaba opens to teachers", "The platform is open in English, Russian and Arabic."),
            "ru": ("Maktaba открыта для учителей", "Платформа работает на английском, русском и арабском."),
            "ar": ("مكتبة تفتح أبوابها للمعلمين", "المنصة متاحة باللغات الإنجليزية والروسية والعربية."),
        },
    ),
    (
        "ict-cft",
        date(2026, 10, 15),
        {
            "en": ("Courses mapped to the UNESCO ICT CFT", "Every course shows the competencies it builds."),
            "ru": (
                "Курсы по рамке ИКТ-компетентности ЮНЕСКО",
                "Каждый курс показывает, какие компетенции он развивает.",
            ),
            "ar": ("دورات وفق إطار اليونسكو لكفاءات المعلمين", "تعرض كل دورة الكفاءات التي تنميها."),
        },
    ),
]


def _publish(page) -> None:
    page.save_revision().publish()


def build() -> list[str]:
    homes = {home.locale.language_code: home for home in HomePage.objects.select_related("locale")}
    source = homes["en"]
    for code, home in homes.items():
        if home.intro != INTRO.get(code, home.intro):
            home.intro = INTRO[code]
            _publish(home)

    index = NewsIndexPage.objects.filter(locale__language_code="en").first()
    if index is None:
        index = source.add_child(instance=NewsIndexPage(title=NEWS_INDEX_TITLE["en"], slug="news"))
        _publish(index)
    for code in homes:
        if code == "en":
            continue
        if not NewsIndexPage.objects.filter(locale__language_code=code).exists():
            translated = index.copy_for_translation(Locale.objects.get(language_code=code))
            translated.title = NEWS_INDEX_TITLE[code]
            _publish(translated)

    for slug, day, texts in NEWS:
        item = NewsPage.objects.filter(slug=slug, locale__language_code="en").first()
        if item is None:
            title, summary = texts["en"]
            item = index.add_child(
                instance=NewsPage(title=title, slug=slug, date=day, summary=summary, body=f"<p>{summary}</p>")
            )
            _publish(item)
        for code in homes:
            if code == "en" or item.has_translation(Locale.objects.get(language_code=code)):
                continue
            translated = item.copy_for_translation(Locale.objects.get(language_code=code), copy_parents=True)
            translated.title, translated.summary = texts[code]
            translated.body = f"<p>{translated.summary}</p>"
            _publish(translated)
    return []
