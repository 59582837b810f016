"""The site skeleton every installation needs: the content locales, a home page per language and the
section pages under it (course catalogue, ...), under one Wagtail site. Used by data migrations (with
historical models) and by the test fixture that restores it after transactional tests (with the real
models), so both build exactly the same thing."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.utils import timezone

HOME_TITLES = {"en": "Welcome to Maktaba", "ru": "Добро пожаловать в Maktaba", "ar": "مرحبًا بكم في مكتبة"}
# (app label, model name, slug, titles): section pages created under every home page. A feature adds its own.
SECTIONS = [
    ("cms", "courseindexpage", "courses", {"en": "Courses", "ru": "Курсы", "ar": "الدورات"}),
    ("cms", "resourceindexpage", "library", {"en": "Library", "ru": "Библиотека", "ar": "المكتبة"}),
]


def ensure_site(apps, *, sections=SECTIONS) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Locale = apps.get_model("wagtailcore", "Locale")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    HomePage = apps.get_model("cms", "HomePage")

    codes = [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]
    locales = {code: Locale.objects.get_or_create(language_code=code)[0] for code in codes}
    page_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")

    root = Page.objects.filter(depth=1).order_by("path").first()
    if root is None:
        root = Page.objects.create(
            title="Root",
            draft_title="Root",
            slug="root",
            content_type=page_type,
            path="0001",
            depth=1,
            numchild=0,
            url_path="/",
            locale=locales[codes[0]],
        )
    # Wagtail's own placeholder ("Welcome to your new Wagtail site!") gives way to our home pages.
    Page.objects.filter(depth=2, content_type=page_type, slug="home").delete()

    homes = {page.locale_id: page for page in HomePage.objects.filter(depth=2)}
    home_key = next(iter(homes.values())).translation_key if homes else uuid.uuid4()
    for code in codes:
        if locales[code].pk not in homes:
            homes[locales[code].pk] = _create_child(
                apps,
                root,
                ("cms", "homepage"),
                title=HOME_TITLES.get(code, HOME_TITLES["en"]),
                slug="home" if code == codes[0] else f"home-{code}",
                locale=locales[code],
                translation_key=home_key,
            )

    for app_label, model_name, slug, titles in sections:
        model = apps.get_model(app_label, model_name)
        existing = {page.locale_id: page for page in model.objects.filter(depth=3)}
        key = next(iter(existing.values())).translation_key if existing else uuid.uuid4()
        for code in codes:
            if locales[code].pk not in existing:
                _create_child(
                    apps,
                    homes[locales[code].pk],
                    (app_label, model_name),
                    title=titles.get(code, titles["en"]),
                    slug=slug,
                    locale=locales[code],
                    translation_key=key,
                )

    source_home = homes[locales[codes[0]].pk]
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, site_name="Maktaba", root_page_id=source_home.pk, is_default_site=True
        )
    elif site.root_page_id != source_home.pk:
        Site.objects.filter(pk=site.pk).update(root_page_id=source_home.pk)


def _create_child(apps, parent, model_key: tuple[str, str], *, title: str, slug: str, locale, translation_key):
    """Append a live page under ``parent`` the way treebeard would (path, depth, numchild, url_path)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    model = apps.get_model(*model_key)
    content_type, _ = ContentType.objects.get_or_create(app_label=model_key[0], model=model_key[1])
    now = timezone.now()
    page = model.objects.create(
        title=title,
        draft_title=title,
        slug=slug,
        content_type=content_type,
        path=_next_child_path(Page, parent),
        depth=parent.depth + 1,
        numchild=0,
        url_path=f"{parent.url_path}{slug}/",
        locale=locale,
        translation_key=translation_key,
        live=True,
        has_unpublished_changes=False,
        first_published_at=now,
        last_published_at=now,
    )
    Page.objects.filter(pk=parent.pk).update(
        numchild=Page.objects.filter(depth=parent.depth + 1, path__startswith=parent.path).count()
    )
    return page


def _next_child_path(model, parent) -> str:
    """The treebeard path of a new last child of ``parent`` (4 base-36 digits per level)."""
    last = model.objects.filter(depth=parent.depth + 1, path__startswith=parent.path).order_by("-path").first()
    return parent.path + _base36(int(last.path[-4:], 36) + 1 if last else 1)


def _base36(number: int) -> str:
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    digits = ""
    while True:
        number, remainder = divmod(number, 36)
        digits = alphabet[remainder] + digits
        if not number:
            break
    return digits.rjust(4, "0")


# What the trainers' group may do in Wagtail: author courses under every course catalogue page, and upload
# the images and documents their lessons use.
TRAINER_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]
TRAINER_COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "choose_document"),
]


def ensure_trainer_permissions(apps) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Collection = apps.get_model("wagtailcore", "Collection")
    CourseIndexPage = apps.get_model("cms", "CourseIndexPage")
    trainers, _ = Group.objects.get_or_create(name="Trainers")
    for codename in TRAINER_PAGE_PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        for index in CourseIndexPage.objects.all():
            GroupPagePermission.objects.get_or_create(group=trainers, page_id=index.pk, permission=permission)
    root = Collection.objects.filter(depth=1).first()
    if root is None:
        return
    for app_label, codename in TRAINER_COLLECTION_PERMISSIONS:
        permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
        if permission is not None:
            GroupCollectionPermission.objects.get_or_create(group=trainers, collection=root, permission=permission)


SUBMISSIONS_COLLECTION = "Library submissions"


def ensure_submissions_collection(apps) -> None:
    """A collection for files teachers submit to the library, which only moderators and editors may download
    until the resource is approved (cms.library moves the file out on publication)."""
    Collection = apps.get_model("wagtailcore", "Collection")
    CollectionViewRestriction = apps.get_model("wagtailcore", "CollectionViewRestriction")
    Group = apps.get_model("auth", "Group")
    root = Collection.objects.filter(depth=1).first()
    if root is None:
        return
    collection = Collection.objects.filter(depth=2, path__startswith=root.path, name=SUBMISSIONS_COLLECTION).first()
    if collection is None:
        collection = Collection.objects.create(
            name=SUBMISSIONS_COLLECTION, path=_next_child_path(Collection, root), depth=2, numchild=0
        )
        Collection.objects.filter(pk=root.pk).update(
            numchild=Collection.objects.filter(depth=2, path__startswith=root.path).count()
        )
    restriction, _ = CollectionViewRestriction.objects.get_or_create(
        collection=collection, defaults={"restriction_type": "groups"}
    )
    reviewers = [Group.objects.get_or_create(name=name)[0] for name in ("Moderators", "Editors")]
    restriction.groups.add(*reviewers)
