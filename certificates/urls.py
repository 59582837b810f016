"""Certificate pages. One module, so that every name is reversible as ``certificates:<name>``:

- ``/verify/<code>/`` (``verify``) has no language prefix: it is the address printed as a QR code on every PDF,
  and the page takes the viewer's language from LocaleMiddleware (her cookie, else her browser's languages);
- the rest is under ``/<lang>/`` like the rest of the site.

Django refuses ``i18n_patterns`` at the top of an included module, and two includes cannot share the namespace
``certificates`` (only one of them would be reversible), so the language-prefixed patterns sit one level down,
under an empty prefix. The prefix is matched against the language LocaleMiddleware activated from the path,
which it does because the root URLconf uses ``i18n_patterns`` too (``config/urls.py``).
"""

from django.conf.urls.i18n import i18n_patterns
from django.urls import URLResolver, path
from django.urls.resolvers import RoutePattern

from . import views, views_badges, views_bulk, views_manage, views_templates

app_name = "certificates"

localised_urlpatterns = i18n_patterns(
    path("verify/", views.certificate_lookup, name="lookup"),
    path("verify/batch/", views_manage.batch_check_view, name="batch-check"),
    path("verify/<str:code>/", views.certificate_verify_localised, name="verify-localised"),
    path("certificates/", views.certificate_list, name="mine"),
    path("certificates/<uuid:certificate_uuid>/download/", views.certificate_download, name="download"),
    path("certificates/<uuid:certificate_uuid>/name/", views_manage.name_correction, name="name-correction"),
    path("certificates/manage/", views_manage.manage_list, name="manage"),
    *views_bulk.urlpatterns,  # bulk-*
    path("certificates/manage/<uuid:certificate_uuid>/", views_manage.manage_detail, name="manage-detail"),
    *views_templates.urlpatterns,  # template-*
    prefix_default_language=True,
)

urlpatterns = [
    path("verify/<str:code>/", views.certificate_verify, name="verify"),
    URLResolver(RoutePattern(""), localised_urlpatterns),
    # Open Badges 2.0 (views_badges.py): a badge's id is its address, the same in every language.
    path("openbadges/issuer.json", views_badges.badge_issuer, name="badge-issuer"),
    path("openbadges/revocations.json", views_badges.badge_revocations, name="badge-revocations"),
    path("openbadges/assertions/<uuid:certificate_uuid>.json", views_badges.badge_assertion, name="badge-assertion"),
    path("openbadges/assertions/<uuid:certificate_uuid>/baked.png", views_badges.badge_baked, name="badge-baked"),
    path("openbadges/badges/<str:slug>/<str:language>.json", views_badges.badge_class, name="badge-class"),
    path("openbadges/badges/<str:slug>.png", views_badges.badge_image, name="badge-image"),
]
