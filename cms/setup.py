"""The site skeleton every installation needs: the content locales and a home page per language, under one
Wagtail site. Used by a data migration (with historical models) and by the test fixture that restores it
after transactional tests (with the real models), so both build exactly the same thing."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.utils import timezone

HOME_TITLES = {"en": "Welcome to Maktaba", "ru": "Добро пожаловать в Maktaba", "ar": "مرحبًا بكم في مكتبة"}


def ensure_site(apps) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Locale = apps.get_model("wagtailcore", "Locale")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    HomePage = apps.get_model("cms", "HomePage")

    codes = [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]
    locales = {code: Locale.objects.get_or_create(language_code=code)[0] for code in codes}
    page_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")
    home_type, _ = ContentType.objects.get_or_create(app_label="cms", model="homepage")

    root = Page.objects.filter(depth=1).order_by("path").first()
    if root is None:
        root = Page.objects.create(
            title="Root", draft_title="Root", slug="root", content_type=page_type, path="0001", depth=1,
            numchild=0, url_path="/", locale=locales[codes[0]],
        )  # fmt: skip
    # Wagtail's own placeholder ("Welcome to your new Wagtail site!") gives way to our home pages.
    Page.objects.filter(depth=2, content_type=page_type, slug="home").delete()

    homes = {page.locale_id: page for page in HomePage.objects.filter(depth=2)}
    translation_key = next(iter(homes.values())).translation_key if homes else uuid.uuid4()
    now = timezone.now()
    for code in codes:
        if locales[code].pk in homes:
            continue
        last = Page.objects.filter(depth=2, path__startswith=root.path).order_by("-path").first()
        number = int(last.path[-4:], 36) + 1 if last else 1
        slug = "home" if code == codes[0] else f"home-{code}"
        homes[locales[code].pk] = HomePage.objects.create(
            title=HOME_TITLES.get(code, HOME_TITLES["en"]), draft_title=HOME_TITLES.get(code, HOME_TITLES["en"]),
            slug=slug, content_type=home_type, path=root.path + _base36(number), depth=2, numchild=0,
            url_path=f"/{slug}/", locale=locales[code], translation_key=translation_key, live=True,
            has_unpublished_changes=False, first_published_at=now, last_published_at=now,
        )  # fmt: skip
    Page.objects.filter(pk=root.pk).update(numchild=Page.objects.filter(depth=2, path__startswith=root.path).count())

    source_home = homes[locales[codes[0]].pk]
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, site_name="Maktaba", root_page_id=source_home.pk, is_default_site=True
        )
    elif site.root_page_id != source_home.pk:
        Site.objects.filter(pk=site.pk).update(root_page_id=source_home.pk)


def _base36(number: int) -> str:
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    digits = ""
    while True:
        number, remainder = divmod(number, 36)
        digits = alphabet[remainder] + digits
        if not number:
            break
    return digits.rjust(4, "0")
